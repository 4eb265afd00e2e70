/**
 * The one escaping kit for HTML built as text (emails, the report). `html\`…\`` escapes every
 * value put into it unless the value is already Html, so a caller cannot forget to escape:
 * raw() is the rare, named exception (a style sheet, an SVG built here). The pages use hono's
 * JSX, which escapes the same five characters the same way.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const HTML_SPECIAL = /[&<>"']/g;

export function escapeHtml(s: string): string {
  return String(s).replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c] ?? c);
}

/** Markup that is safe as it is: made only by html`…` (which escaped its values) or raw(). */
export class Html {
  constructor(private readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What may go into html`…`: text and numbers are escaped; nothing, false and null add nothing; lists are joined. */
export type HtmlValue = Html | string | number | false | null | undefined | readonly HtmlValue[];

const markupOf = (value: HtmlValue): string =>
  value instanceof Html ? value.toString() : Array.isArray(value) ? value.map(markupOf).join('') : value === false || value === null || value === undefined ? '' : escapeHtml(String(value));

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += markupOf(value) + strings[i + 1]!));
  return new Html(out);
}

/** The named exception: markup this code wrote itself, passed through unescaped. */
export const raw = (markup: string) => new Html(markup);

/** Only plain web links reach an href: the schema requires http(s), this keeps it so. */
export function safeUrl(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  const trimmed = url.trim();
  // Quotes and angle brackets are escaped where the URL is used; whitespace and controls are refused.
  return /^https?:\/\/[^\s\u0000-\u001f\u007f]+$/i.test(trimmed) ? trimmed : undefined;
}
