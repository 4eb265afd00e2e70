import type { Recipient } from '../../core/audience';
import type { Finding } from '../../core/finding/finding';
import { AGENCIES, AGENCY_IN, ALL_AGENCIES, ROLE_PROMPTS, ROLE_READERS, ROLES, SOURCE_TYPES } from '../../core/taxonomy';

/**
 * Renders a finding as a tailored 7-minute learning briefing: an accessible
 * single-column HTML email and a plain-text alternative with the same sections.
 * Pure string building, no I/O, so a send stays fast and the renderer is tested
 * without the network. It never throws for a valid Finding.
 */

export interface BriefingLinks {
  unsubscribeUrl: string;
  /** The briefing's public page in the archive (no personal link): "View this briefing online". */
  onlineUrl?: string;
  manageUrl?: string;
  acknowledgeUrl?: string;
}

export interface RenderedBriefing {
  subject: string;
  html: string;
  text: string;
}

export type BriefingReader = Pick<Recipient, 'name' | 'agency' | 'role'>;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const HTML_SPECIAL = /[&<>"']/g;

export function escapeHtml(s: string): string {
  return String(s).replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c] ?? c);
}

// ---- small helpers -------------------------------------------------------------------------

const MONTHS = [
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

/** Only plain web links reach an href: the schema requires http(s), this keeps it so. */
export function safeUrl(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  const trimmed = url.trim();
  // Quotes and angle brackets are escaped where the URL is used; whitespace and controls are refused.
  return /^https?:\/\/[^\s\u0000-\u001f\u007f]+$/i.test(trimmed) ? trimmed : undefined;
}

/** Headers are one line: newlines or control characters in a title must not split them. */
export const singleLine = (s: string) => s.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();

export const agencyLabel = (agency: string) => (AGENCIES as Record<string, string>)[agency] ?? agency;
export const roleLabel = (role: string) => (ROLES as Record<string, string>)[role] ?? role;
export const sourceLabel = (type: string) => (SOURCE_TYPES as Record<string, string>)[type] ?? 'Source';

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

/** What a briefing says about where it comes from: when it was issued, and by which partnership. */
export interface BriefingIssue {
  /** When this version was issued (the briefing snapshot's plannedAt). */
  issuedAt?: string;
  partnershipName?: string;
  /** Branding: the partnership's logo (an https:// image) above the briefing, and contact details in its footer. */
  logoUrl?: string;
  contactDetails?: string;
  /** On the web page of a corrected briefing: the fields that changed since the version before. */
  changedFields?: readonly string[];
}

/** "Corrected: this is version 2. Changed since version 1: learning, actions." */
const correctionNote = (finding: Finding, issue: BriefingIssue) =>
  issue.changedFields?.length && finding.version > 1
    ? `Corrected: this is version ${finding.version}. Changed since version ${finding.version - 1}: ${issue.changedFields.join(', ')}.`
    : undefined;

const FROM_PARTNERSHIP = (issue: BriefingIssue) =>
  `You receive learning briefings from ${issue.partnershipName ? singleLine(issue.partnershipName) : 'your local safeguarding children partnership'}.`;

export const ownList = (actions: Finding['actions'], key: string): readonly string[] => {
  if (!Object.prototype.hasOwnProperty.call(actions, key)) return [];
  const list = actions[key];
  return Array.isArray(list) ? list : [];
};

// ---- the briefing's content, shared by the HTML and the text -------------------------------

interface Section {
  heading: string;
  /** Paragraphs of prose, or a bulleted list, or grouped lists (actions). */
  paragraphs?: string;
  items?: readonly string[];
  groups?: readonly { heading: string; items: readonly string[] }[];
  note?: string;
  /** A line before the section's content (the reader's role prompt). */
  intro?: string;
}

function sectionsFor(finding: Finding, reader: BriefingReader): Section[] {
  const sections: Section[] = [
    { heading: 'Background', paragraphs: finding.background },
    { heading: 'Why it matters', paragraphs: finding.whyItMatters },
    { heading: 'What was found', items: finding.findings },
    { heading: 'Learning', items: finding.learning },
  ];
  if (finding.goodPractice && finding.goodPractice.length > 0) {
    sections.push({ heading: 'What good looks like', items: finding.goodPractice });
  }
  sections.push({ heading: 'Reflect: questions for your team', items: finding.questions });

  // Only the reader's own agency and the shared actions: another agency's actions never appear.
  const groups: { heading: string; items: readonly string[] }[] = [];
  const own = ownList(finding.actions, reader.agency);
  const everyone = ownList(finding.actions, ALL_AGENCIES);
  if (own.length > 0) groups.push({ heading: agencyLabel(reader.agency), items: own });
  if (everyone.length > 0) groups.push({ heading: 'Everyone', items: everyone });
  const intro = ROLE_PROMPTS[reader.role];
  sections.push(
    groups.length > 0
      ? { heading: 'What should I do?', intro, groups }
      : {
          heading: 'What should I do?',
          intro,
          note:
            `This briefing has no agency-specific actions for ${agencyLabel(reader.agency)}. ` +
            'Use the reflection questions above with your team and agree what you will do differently.',
        },
  );
  return sections;
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

export const link = (url: string, label: string, style: string = S.a) =>
  `<a href="${escapeHtml(url)}" style="${style}">${escapeHtml(label)}</a>`;

/** Prose fields may hold blank-line-separated paragraphs; keep them as the author typed them. */
function htmlParagraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((para) => para.trim())
    .filter((para) => para.length > 0)
    .map((para) => `<p style="${S.p}">${escapeHtml(para).replace(/\r?\n/g, '<br>')}</p>`)
    .join('');
}

export const htmlList = (items: readonly string[]) =>
  `<ul style="${S.ul}">${items.map((item) => `<li style="${S.li}">${escapeHtml(item)}</li>`).join('')}</ul>`;

function htmlSection(section: Section, index: number): string {
  let out = `<h2 style="${S.h2}">${index}. ${escapeHtml(section.heading)}</h2>`;
  if (section.intro) out += `<p style="${S.p}">${escapeHtml(section.intro)}</p>`;
  if (section.paragraphs !== undefined) out += htmlParagraphs(section.paragraphs);
  if (section.items) out += htmlList(section.items);
  if (section.groups) {
    for (const group of section.groups) out += `<h3 style="${S.h3}">${escapeHtml(group.heading)}</h3>${htmlList(group.items)}`;
  }
  if (section.note) out += `<p style="${S.p}">${escapeHtml(section.note)}</p>`;
  return out;
}

function renderHtml(finding: Finding, reader: BriefingReader, links: BriefingLinks, subject: string, sections: Section[], issue: BriefingIssue): string {
  const source = finding.source;
  const sourceUrl = safeUrl(source.url);
  const issued = issueDate(issue.issuedAt);
  const sourceLine =
    `${escapeHtml(withSourceKind(source.type, source.name))}, published ${escapeHtml(formatPublished(source.published))}` +
    (sourceUrl ? `. ${link(sourceUrl, 'Read the original source')}` : '');

  const reading = (finding.furtherReading ?? [])
    .map((item) => {
      const url = safeUrl(item.url);
      return url ? `<li style="${S.li}">${link(url, item.title)}</li>` : `<li style="${S.li}">${escapeHtml(item.title)}</li>`;
    })
    .join('');

  const acknowledgeUrl = safeUrl(links.acknowledgeUrl);
  const manageUrl = safeUrl(links.manageUrl);
  const unsubscribeUrl = safeUrl(links.unsubscribeUrl);
  const manageLinks = [manageUrl && link(manageUrl, 'Manage your preferences'), unsubscribeUrl && link(unsubscribeUrl, 'Unsubscribe')]
    .filter(Boolean)
    .join(' &nbsp;|&nbsp; ');

  const footer =
    `<div style="${S.footer}">` +
    (reading ? `<h2 style="${S.h2Footer}">Further reading</h2><ul style="${S.ul}">${reading}</ul>` : '') +
    (acknowledgeUrl
      ? `<p style="${S.p}">When you have read and discussed this briefing, please let us know:</p>` +
        `<p style="${S.p}">${link(acknowledgeUrl, 'I have read this briefing', S.ack)}</p>`
      : '') +
    `<p style="${S.p}">${escapeHtml(FROM_PARTNERSHIP(issue))}</p>` +
    (issue.contactDetails ? `<p style="${S.p}">${escapeHtml(singleLine(issue.contactDetails))}</p>` : '') +
    (manageLinks ? `<p style="${S.p}">${manageLinks}</p>` : '') +
    `</div>`;

  // Only an https logo: an email client warns about (or blocks) anything else.
  const logoUrl = issue.logoUrl?.startsWith('https://') ? safeUrl(issue.logoUrl) : undefined;
  return emailDocument(
    subject,
    (logoUrl ? `<img src="${escapeHtml(logoUrl)}" alt="${escapeHtml(singleLine(issue.partnershipName ?? ''))}" height="48" style="${S.logo}">` : '') +
      `<h1 style="${S.h1}">${escapeHtml(finding.title)}</h1>` +
      `<p style="${S.source}">${sourceLine}</p>` +
      (issued ? `<p style="${S.p}">Issued ${escapeHtml(issued)}${finding.version > 1 ? ` (version ${finding.version})` : ''}</p>` : '') +
      (correctionNote(finding, issue) ? `<p style="${S.p}"><strong>${escapeHtml(correctionNote(finding, issue)!)}</strong></p>` : '') +
      (safeUrl(links.onlineUrl) ? `<p style="${S.p}">${link(safeUrl(links.onlineUrl)!, 'View this briefing online')}</p>` : '') +
      `<p style="${S.p}">Dear ${escapeHtml(greetingName(reader))},</p>` +
      `<p style="${S.p}">This 7-minute learning briefing is written for ${escapeHtml(readersPhrase(reader))}. ` +
      'Read it aloud at a team meeting or in supervision; it takes about seven minutes.</p>' +
      sections.map((section, i) => htmlSection(section, i + 1)).join('') +
      footer,
  );
}

/** Subscribers give no name; list members do. */
export const greetingName = (reader: Pick<BriefingReader, 'name'>) => singleLine(reader.name ?? '') || 'colleague';

/** Email width for Outlook's ghost table; the same as the container's max-width. */
export const EMAIL_WIDTH_PX = 600;
const OUTLOOK_TABLE_OPEN =
  `<!--[if mso]><table role="presentation" width="${EMAIL_WIDTH_PX}" align="center" cellpadding="0" cellspacing="0" border="0" style="width:${EMAIL_WIDTH_PX}px"><tr><td><![endif]-->`;
const OUTLOOK_TABLE_CLOSE = '<!--[if mso]></td></tr></table><![endif]-->';

/** The single-column, light, accessible shell every email shares: briefings, digests, notices. */
export function emailDocument(subject: string, content: string): string {
  return (
    '<!DOCTYPE html>' +
    '<html lang="en-GB" dir="ltr">' +
    '<head>' +
    '<meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="x-apple-disable-message-reformatting">' +
    '<meta name="color-scheme" content="light">' +
    '<meta name="supported-color-schemes" content="light">' +
    `<title>${escapeHtml(subject)}</title>` +
    '</head>' +
    `<body style="${S.body}">` +
    `<div role="article" aria-roledescription="email" aria-label="${escapeHtml(subject)}" lang="en-GB" style="${S.outer}">` +
    // Classic Outlook (Word's renderer) ignores max-width on a div: a 600 px table that only it
    // reads (conditional comments, the "ghost table") holds the column there; every other client
    // keeps the fluid div, which reads at 320 px.
    OUTLOOK_TABLE_OPEN +
    `<div style="${S.container}">` +
    content +
    '</div>' +
    OUTLOOK_TABLE_CLOSE +
    '</div></body></html>'
  );
}

// ---- plain text -------------------------------------------------------------------------------

export const underline = (heading: string, char: string) => `${heading}\n${char.repeat(Math.min(heading.length, 72))}`;
export const textList = (items: readonly string[]) => items.map((item) => `- ${singleLine(item)}`).join('\n');
const textParagraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((para) => para.trim())
    .filter((para) => para.length > 0)
    .join('\n\n');

function textSection(section: Section, index: number): string {
  const parts = [underline(`${index}. ${section.heading.toUpperCase()}`, '-')];
  if (section.intro) parts.push(section.intro);
  if (section.paragraphs !== undefined) parts.push(textParagraphs(section.paragraphs));
  if (section.items) parts.push(textList(section.items));
  if (section.groups) for (const group of section.groups) parts.push(`${group.heading}:\n${textList(group.items)}`);
  if (section.note) parts.push(section.note);
  return parts.join('\n\n');
}

function renderText(finding: Finding, reader: BriefingReader, links: BriefingLinks, sections: Section[], issue: BriefingIssue): string {
  const source = finding.source;
  const sourceUrl = safeUrl(source.url);
  const issued = issueDate(issue.issuedAt);
  const blocks: string[] = [
    underline(singleLine(finding.title), '='),
    `${withSourceKind(source.type, singleLine(source.name))}, published ${formatPublished(source.published)}` +
      (sourceUrl ? `\nRead the original source: ${sourceUrl}` : '') +
      (issued ? `\nIssued ${issued}${finding.version > 1 ? ` (version ${finding.version})` : ''}` : '') +
      (correctionNote(finding, issue) ? `\n${correctionNote(finding, issue)}` : '') +
      (safeUrl(links.onlineUrl) ? `\nView this briefing online: ${safeUrl(links.onlineUrl)}` : ''),
    `Dear ${greetingName(reader)},`,
    `This 7-minute learning briefing is written for ${readersPhrase(reader)}. ` +
      'Read it aloud at a team meeting or in supervision; it takes about seven minutes.',
    ...sections.map((section, i) => textSection(section, i + 1)),
  ];

  const reading = (finding.furtherReading ?? []).map((item) => {
    const url = safeUrl(item.url);
    return `- ${singleLine(item.title)}${url ? `: ${url}` : ''}`;
  });
  if (reading.length > 0) blocks.push(`${underline('FURTHER READING', '-')}\n\n${reading.join('\n')}`);

  const footer: string[] = [];
  const acknowledgeUrl = safeUrl(links.acknowledgeUrl);
  const manageUrl = safeUrl(links.manageUrl);
  const unsubscribeUrl = safeUrl(links.unsubscribeUrl);
  if (acknowledgeUrl) footer.push(`I have read this briefing: ${acknowledgeUrl}`);
  footer.push(FROM_PARTNERSHIP(issue));
  if (issue.contactDetails) footer.push(singleLine(issue.contactDetails));
  if (manageUrl) footer.push(`Manage your preferences: ${manageUrl}`);
  if (unsubscribeUrl) footer.push(`Unsubscribe: ${unsubscribeUrl}`);
  blocks.push(`----\n${footer.join('\n')}`);

  return `${blocks.join('\n\n')}\n`;
}

// ---- entry point ----------------------------------------------------------------------------

export function briefingSubject(finding: Pick<Finding, 'title' | 'version' | 'source'>): string {
  const base = withSourceKind(finding.source.type, finding.title);
  const prefix = finding.version > 1 ? `Re-issued (version ${finding.version}): ` : '';
  return singleLine(prefix + base);
}

export function renderBriefing(finding: Finding, recipient: BriefingReader, links: BriefingLinks, issue: BriefingIssue = {}): RenderedBriefing {
  const subject = briefingSubject(finding);
  const sections = sectionsFor(finding, recipient);
  return {
    subject,
    html: renderHtml(finding, recipient, links, subject, sections, issue),
    text: renderText(finding, recipient, links, sections, issue),
  };
}
