import { parse } from 'node:path';

/**
 * Stands in for nodemailer's dist/{esm,cjs}/mime-funcs/mime-types.js in Lambda bundles
 * (swapped in by the nodemailerMimeTypes plugin in infra/bundle.ts). The original holds a
 * ~2,000-entry extension <-> MIME type table (74 KB minified) used only to guess the type of
 * attachments and of parts given without a contentType. Our emails are text/plain + text/html
 * alternatives, whose types MailComposer sets itself, and have no attachments, so only those
 * two types are kept. The two functions follow nodemailer's code step for step, so any other
 * type gets nodemailer's fallback (application/octet-stream; txt for text/*, else bin).
 */

const defaultMimeType = 'application/octet-stream';
const defaultExtension = 'bin';
// The first value nodemailer's table gives for each of these keys, which is what it returns.
const mimeTypes = new Map<string, string>([
  ['text/html', 'html'],
  ['text/plain', 'txt'],
]);
const extensions = new Map<string, string>([
  ['htm', 'text/html'],
  ['html', 'text/html'],
  ['txt', 'text/plain'],
]);

export function detectMimeType(filename?: string | false): string {
  if (!filename) {
    return defaultMimeType;
  }
  const parsed = parse(filename);
  const extension = (parsed.ext.substr(1) || parsed.name || '').split('?').shift()!.trim().toLowerCase();
  return extensions.get(extension) ?? defaultMimeType;
}

export function detectExtension(mimeType?: string | false): string {
  if (!mimeType) {
    return defaultExtension;
  }
  const parts = mimeType.toLowerCase().trim().split('/');
  const rootType = parts.shift()!.trim();
  const subType = parts.join('/').trim();
  const value = mimeTypes.get(rootType + '/' + subType);
  if (value !== undefined) {
    return value;
  }
  switch (rootType) {
    case 'text':
      return 'txt';
    default:
      return 'bin';
  }
}
