/** What every email shares: the rendered shape, the light single-column shell, inline styles, links and lists (HTML and text). */
import { html, raw, type Html } from '../html';
import { singleLine } from '../words';

export interface RenderedBriefing {
  subject: string;
  html: string;
  text: string;
}

// ---- HTML -------------------------------------------------------------------------------------

const TEXT = '#1b1b1b';
const LINK = '#1d4f91';
const FONT = "font-family:Arial,Helvetica,sans-serif";
const WRAP = 'overflow-wrap:anywhere;word-wrap:break-word;word-break:break-word';
export const EMAIL_STYLES = {
  body: `margin:0;padding:0;background-color:#ffffff;color:${TEXT};${FONT};font-size:16px;line-height:1.5;-webkit-text-size-adjust:100%;text-size-adjust:100%`,
  outer: 'width:100%;background-color:#ffffff',
  container: `width:100%;max-width:600px;margin:0 auto;padding:16px;box-sizing:border-box;color:${TEXT};background-color:#ffffff;${FONT};font-size:16px;line-height:1.5;${WRAP}`,
  h1: `margin:0 0 8px;font-size:26px;line-height:1.25;font-weight:bold;color:${TEXT};${WRAP}`,
  h2: `margin:28px 0 8px;font-size:20px;line-height:1.3;font-weight:bold;color:${TEXT};${WRAP}`,
  h2Footer: `margin:0 0 8px;font-size:20px;line-height:1.3;font-weight:bold;color:${TEXT};${WRAP}`,
  h3: `margin:16px 0 4px;font-size:17px;line-height:1.4;font-weight:bold;color:${TEXT};${WRAP}`,
  p: `margin:0 0 12px;font-size:16px;line-height:1.5;color:${TEXT};${WRAP}`,
  source: `margin:0 0 20px;font-size:16px;line-height:1.5;color:${TEXT};${WRAP}`,
  ul: `margin:0 0 12px;padding:0 0 0 24px;font-size:16px;line-height:1.5;color:${TEXT}`,
  li: `margin:0 0 6px;font-size:16px;line-height:1.5;color:${TEXT};${WRAP}`,
  a: `color:${LINK};text-decoration:underline;${WRAP}`,
  logo: 'display:block;height:48px;width:auto;max-width:240px;margin:0 0 16px;border:0',
  footer: `margin:32px 0 0;padding:16px 0 0;border-top:1px solid #8a8a8a;font-size:16px;line-height:1.5;color:${TEXT};${WRAP}`,
  ack: `display:inline-block;margin:0 0 12px;padding:10px 16px;border:2px solid ${LINK};border-radius:4px;color:${LINK};font-weight:bold;text-decoration:underline;${WRAP}`,
} as const;
const S = EMAIL_STYLES;

export const link = (url: string, label: string, style: string = S.a) => html`<a href="${url}" style="${style}">${label}</a>`;

export const htmlList = (items: readonly string[]) => html`<ul style="${S.ul}">${items.map((item) => html`<li style="${S.li}">${item}</li>`)}</ul>`;

/** Email width for Outlook's ghost table; the same as the container's max-width. */
export const EMAIL_WIDTH_PX = 600;
const OUTLOOK_TABLE_OPEN =
  `<!--[if mso]><table role="presentation" width="${EMAIL_WIDTH_PX}" align="center" cellpadding="0" cellspacing="0" border="0" style="width:${EMAIL_WIDTH_PX}px"><tr><td><![endif]-->`;
const OUTLOOK_TABLE_CLOSE = '<!--[if mso]></td></tr></table><![endif]-->';

/** The single-column, light, accessible shell every email shares: briefings, digests, notices. */
export function emailDocument(subject: string, content: Html): string {
  return html`<!DOCTYPE html><html lang="en-GB" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="x-apple-disable-message-reformatting"><meta name="color-scheme" content="light"><meta name="supported-color-schemes" content="light"><title>${subject}</title></head><body style="${S.body}"><div role="article" aria-roledescription="email" aria-label="${subject}" lang="en-GB" style="${S.outer}">${
    // Classic Outlook (Word's renderer) ignores max-width on a div: a 600 px table that only it
    // reads (conditional comments, the "ghost table") holds the column there; every other client
    // keeps the fluid div, which reads at 320 px.
    raw(OUTLOOK_TABLE_OPEN)
  }<div style="${S.container}">${content}</div>${raw(OUTLOOK_TABLE_CLOSE)}</div></body></html>`.toString();
}

// ---- plain text -------------------------------------------------------------------------------

export const textList = (items: readonly string[]) => items.map((item) => `- ${singleLine(item)}`).join('\n');
