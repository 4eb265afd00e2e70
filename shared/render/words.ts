/** How the product words things in every rendering (emails, pages, the report): dates, labels, who a briefing is for. */
import { AGENCY_IN, agencyLabel, ROLE_READERS, roleLabel, sourceLabel } from '../core/taxonomy';
import type { BriefingReader } from './email/briefing';

export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

/** '2022-05' → 'May 2022'; '2022-05-03' → '3 May 2022'; anything else is shown as typed. */
export function formatPublished(published: string): string {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(published.trim());
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || !month) return published;
  return match[3] ? `${Number(match[3])} ${month} ${match[1]}` : `${month} ${match[1]}`;
}

/** Headers are one line: newlines or control characters in a title must not split them. */
export const singleLine = (s: string) => s.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();

/**
 * A source's name (or a title) with its kind in front ("Rapid review: Bruising in a baby…"),
 * unless the text already says it ("Joint targeted area inspection of the multi-agency response…")
 * or the kind is only 'Other source'.
 */
export function withSourceKind(type: string, text: string): string {
  const label = sourceLabel(type);
  const said = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  if (type === 'other' || ` ${said(text)} `.includes(` ${said(label)} `)) return text;
  return `${label}: ${text}`;
}

/** Who the briefing is written for, as a sentence says it: "frontline practitioners in the police". */
export function readersPhrase(reader: Pick<BriefingReader, 'agency' | 'role'>): string {
  const role = (ROLE_READERS as Record<string, string>)[reader.role] ?? roleLabel(reader.role);
  const agency = (AGENCY_IN as Record<string, string>)[reader.agency] ?? agencyLabel(reader.agency);
  return `${role} in ${agency}`;
}

/** '2026-12-03T09:15:00Z' → '3 December 2026' (UK time); undefined for anything that is not a date. */
export function issueDate(at: string | undefined): string | undefined {
  const date = at === undefined ? undefined : new Date(at);
  if (!date || Number.isNaN(date.getTime())) return undefined;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(date);
}

/** Subscribers give no name; list members do. */
export const greetingName = (reader: Pick<BriefingReader, 'name'>) => singleLine(reader.name ?? '') || 'colleague';

/** A plain-text heading: the line, then `char` under it, at most `maxWidth` long. */
export const underline = (heading: string, char: string, maxWidth = 72) => `${heading}\n${char.repeat(Math.min(heading.length, maxWidth))}`;
