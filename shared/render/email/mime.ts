import MailComposer from 'nodemailer/lib/mail-composer';
import { singleLine } from '../words';
import type { RenderedBriefing } from './kit';

/**
 * Builds the raw RFC 5322 message for SES SendRawEmail: multipart/alternative
 * (text, then HTML) with one-click unsubscribe headers (RFC 8058), which the large
 * mailbox providers expect from bulk senders.
 */

export interface BriefingMimeInput {
  from: string;
  /** The From header's display name (the partnership's name): '"Exampleshire Partnership" <briefings@example.org>'. */
  fromName?: string;
  to: { name: string; email: string };
  rendered: RenderedBriefing;
  /** Bulk mail (briefings, digests) has one; a confirmation email a person just asked for does not. */
  unsubscribeUrl?: string;
  headers?: Record<string, string>;
}

export class BriefingMimeError extends Error {
  override readonly name = 'BriefingMimeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers we set ourselves; an extra header must not duplicate or replace them. */
const RESERVED = new Set([
  'list-unsubscribe', 'list-unsubscribe-post', 'from', 'to', 'subject', 'content-type',
  'content-transfer-encoding', 'mime-version',
]);

function checkUnsubscribeUrl(url: string): string {
  if (!/^https?:\/\/[^\s<>"\u0000-\u001f\u007f]+$/i.test(url)) {
    throw new BriefingMimeError(
      'unsubscribeUrl must be a full http(s) web address with no spaces or angle brackets, ' +
        'for example https://briefings.example.org/unsubscribe?t=…. Build it with recipientLinks().',
    );
  }
  return url;
}

export function composeBriefingMime(input: BriefingMimeInput): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    try {
      const unsubscribeUrl = input.unsubscribeUrl === undefined ? undefined : checkUnsubscribeUrl(input.unsubscribeUrl);
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(input.headers ?? {})) {
        if (!HEADER_NAME.test(key)) {
          throw new BriefingMimeError(`header name '${key}' is not valid: use letters, digits and '-' only, for example X-Briefing-Id.`);
        }
        if (RESERVED.has(key.toLowerCase())) continue;
        headers[key] = singleLine(String(value));
      }
      if (unsubscribeUrl) {
        headers['List-Unsubscribe'] = `<${unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }

      const composer = new MailComposer({
        // nodemailer quotes or encodes the name as RFC 5322 and 2047 need (apostrophes, accents, commas).
        from: input.fromName && singleLine(input.fromName) ? { name: singleLine(input.fromName), address: input.from } : input.from,
        to: singleLine(input.to.name) ? { name: singleLine(input.to.name), address: input.to.email } : input.to.email,
        subject: singleLine(input.rendered.subject),
        text: input.rendered.text,
        html: input.rendered.html,
        headers,
        // The content is always given as strings; never let a value be read as a path or URL.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      composer.compile().build((err, message) => {
        if (err) reject(new BriefingMimeError(`could not build the briefing email: ${err.message}`, { cause: err }));
        else resolve(message);
      });
    } catch (err) {
      reject(err instanceof BriefingMimeError ? err : new BriefingMimeError(`could not build the briefing email: ${String(err)}`, { cause: err }));
    }
  });
}
