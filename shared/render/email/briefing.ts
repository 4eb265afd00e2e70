import type { Recipient } from '../../core/audience';
import type { Finding } from '../../core/finding/finding';
import { agencyLabel, ALL_AGENCIES, ROLE_PROMPTS } from '../../core/taxonomy';
import { EMAIL_STYLES as S, emailDocument, htmlList, link, textList, type RenderedBriefing } from './kit';
import { html, raw, safeUrl, type Html } from '../html';
import { formatPublished, singleLine, withSourceKind, readersPhrase, issueDate, greetingName, underline } from '../words';

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

export type BriefingReader = Pick<Recipient, 'name' | 'agency' | 'role'>;

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

/** Prose fields may hold blank-line-separated paragraphs; keep them as the author typed them. */
function htmlParagraphs(text: string): Html[] {
  return text
    .split(/\n\s*\n/)
    .map((para) => para.trim())
    .filter((para) => para.length > 0)
    .map((para) => html`<p style="${S.p}">${para.split(/\r?\n/).map((line, i) => (i ? [raw('<br>'), line] : line))}</p>`);
}

function htmlSection(section: Section, index: number): Html {
  return html`<h2 style="${S.h2}">${index}. ${section.heading}</h2>${section.intro && html`<p style="${S.p}">${section.intro}</p>`}${
    section.paragraphs !== undefined && htmlParagraphs(section.paragraphs)
  }${section.items && htmlList(section.items)}${(section.groups ?? []).map((group) => html`<h3 style="${S.h3}">${group.heading}</h3>${htmlList(group.items)}`)}${
    section.note && html`<p style="${S.p}">${section.note}</p>`
  }`;
}

function renderHtml(finding: Finding, reader: BriefingReader, links: BriefingLinks, subject: string, sections: Section[], issue: BriefingIssue): string {
  const source = finding.source;
  const sourceUrl = safeUrl(source.url);
  const issued = issueDate(issue.issuedAt);
  const sourceLine = html`${withSourceKind(source.type, source.name)}, published ${formatPublished(source.published)}${sourceUrl && html`. ${link(sourceUrl, 'Read the original source')}`}`;

  const reading = (finding.furtherReading ?? []).map((item) => {
    const url = safeUrl(item.url);
    return html`<li style="${S.li}">${url ? link(url, item.title) : item.title}</li>`;
  });

  const acknowledgeUrl = safeUrl(links.acknowledgeUrl);
  const manageUrl = safeUrl(links.manageUrl);
  const unsubscribeUrl = safeUrl(links.unsubscribeUrl);
  const manageLinks = [manageUrl && link(manageUrl, 'Manage your preferences'), unsubscribeUrl && link(unsubscribeUrl, 'Unsubscribe')]
    .filter((l): l is Html => !!l)
    .flatMap((l, i) => (i ? [raw(' &nbsp;|&nbsp; '), l] : [l]));

  const footer = html`<div style="${S.footer}">${reading.length > 0 && html`<h2 style="${S.h2Footer}">Further reading</h2><ul style="${S.ul}">${reading}</ul>`}${
    acknowledgeUrl &&
    html`<p style="${S.p}">When you have read and discussed this briefing, please let us know:</p><p style="${S.p}">${link(acknowledgeUrl, 'I have read this briefing', S.ack)}</p>`
  }<p style="${S.p}">${FROM_PARTNERSHIP(issue)}</p>${issue.contactDetails && html`<p style="${S.p}">${singleLine(issue.contactDetails)}</p>`}${
    manageLinks.length > 0 && html`<p style="${S.p}">${manageLinks}</p>`
  }</div>`;

  // Only an https logo: an email client warns about (or blocks) anything else.
  const logoUrl = issue.logoUrl?.startsWith('https://') ? safeUrl(issue.logoUrl) : undefined;
  const onlineUrl = safeUrl(links.onlineUrl);
  const correction = correctionNote(finding, issue);
  return emailDocument(
    subject,
    html`${logoUrl && html`<img src="${logoUrl}" alt="${singleLine(issue.partnershipName ?? '')}" height="48" style="${S.logo}">`}<h1 style="${S.h1}">${finding.title}</h1><p style="${S.source}">${sourceLine}</p>${
      issued && html`<p style="${S.p}">Issued ${issued}${finding.version > 1 && ` (version ${finding.version})`}</p>`
    }${correction && html`<p style="${S.p}"><strong>${correction}</strong></p>`}${onlineUrl && html`<p style="${S.p}">${link(onlineUrl, 'View this briefing online')}</p>`}<p style="${S.p}">Dear ${greetingName(reader)},</p><p style="${S.p}">This 7-minute learning briefing is written for ${readersPhrase(reader)}. Read it aloud at a team meeting or in supervision; it takes about seven minutes.</p>${sections.map(
      (section, i) => htmlSection(section, i + 1),
    )}${footer}`,
  );
}
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
