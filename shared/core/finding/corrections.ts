import {
  EMAIL_STYLES as S,
  agencyLabel,
  emailDocument,
  escapeHtml,
  greetingName,
  htmlList,
  link,
  ownList,
  safeUrl,
  singleLine,
  textList,
  underline,
  type BriefingLinks,
  type BriefingReader,
  type RenderedBriefing,
} from '../../render/email/briefing';
import type { Finding } from './finding';
import { ALL_AGENCIES } from '../taxonomy';

/**
 * Short notices about a briefing people already have: a correction (what changed, not
 * the whole briefing again) and a withdrawal. Same shell as the briefings.
 */

/** The admin's fields as a reader would name them, in briefing order. */
const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  source: 'Source',
  topics: 'Topics',
  agencies: 'Agencies',
  background: 'Background',
  whyItMatters: 'Why it matters',
  findings: 'What was found',
  learning: 'Learning',
  goodPractice: 'What good looks like',
  questions: 'Reflect: questions for your team',
  actions: 'What should I do?',
  furtherReading: 'Further reading',
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Fields that differ between two versions; actions per agency (`actions.police`), so each reader sees only theirs. */
export function changedFields(before: Finding, after: Finding): string[] {
  const changed: string[] = [];
  for (const field of Object.keys(FIELD_LABELS) as (keyof Finding)[]) {
    if (field === 'actions') {
      const keys = [...new Set([...Object.keys(before.actions), ...Object.keys(after.actions)])].sort();
      for (const key of keys) if (!same(before.actions[key], after.actions[key])) changed.push(`actions.${key}`);
    } else if (!same(before[field], after[field])) changed.push(field);
  }
  return changed;
}

export function fieldLabel(field: string): string {
  const [top, agency] = field.split('.');
  if (top === 'actions' && agency) return `${FIELD_LABELS.actions} (${agency === ALL_AGENCIES ? 'everyone' : agencyLabel(agency)})`;
  return FIELD_LABELS[top ?? field] ?? field;
}

/** The new text of a changed field, for this reader: prose, a list, or their own actions. Nothing for another agency's. */
function newContent(finding: Finding, field: string, reader: BriefingReader): string | readonly string[] | undefined {
  const [top, agency] = field.split('.');
  if (top === 'actions') return agency === reader.agency || agency === ALL_AGENCIES ? ownList(finding.actions, agency!) : undefined;
  const value = (finding as Record<string, unknown>)[top!];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

/**
 * Where to read on the web: a correction links to the whole corrected briefing, a withdrawal to
 * the archive of the briefings still current (its own page now only says it was withdrawn).
 */
function onlineLink(links: BriefingLinks, kind: 'correction' | 'withdrawal'): { url: string; label: string } | undefined {
  const url = safeUrl(links.onlineUrl);
  if (!url) return undefined;
  return kind === 'correction' ? { url, label: 'Read the whole corrected briefing online' } : { url: new URL('/archive', url).toString(), label: 'See the current briefings in the archive' };
}
const onlineHtml = (links: BriefingLinks, kind: 'correction' | 'withdrawal') => {
  const online = onlineLink(links, kind);
  return online ? `<p style="${S.p}">${link(online.url, online.label)}</p>` : '';
};
const onlineText = (links: BriefingLinks, kind: 'correction' | 'withdrawal') => {
  const online = onlineLink(links, kind);
  return online ? [`${online.label}: ${online.url}`] : [];
};

function footerHtml(links: BriefingLinks): string {
  const parts = [links.manageUrl && link(links.manageUrl, 'Manage your preferences'), link(links.unsubscribeUrl, 'Unsubscribe')].filter(Boolean);
  return `<div style="${S.footer}"><p style="${S.p}">${parts.join(' &nbsp;|&nbsp; ')}</p></div>`;
}
const footerText = (links: BriefingLinks) =>
  `----\n${links.manageUrl ? `Manage your preferences: ${links.manageUrl}\n` : ''}Unsubscribe: ${links.unsubscribeUrl}`;

export const correctionSubject = (finding: Pick<Finding, 'title' | 'version'>) => singleLine(`Correction (version ${finding.version}): ${finding.title}`);
export const withdrawalSubject = (finding: Pick<Finding, 'title'>) => singleLine(`Withdrawn: ${finding.title}`);

export function renderCorrection(finding: Finding, changed: readonly string[], reader: BriefingReader, links: BriefingLinks): RenderedBriefing {
  const subject = correctionSubject(finding);
  const intro = `The learning briefing "${singleLine(finding.title)}" you received has been corrected (version ${finding.version}). Only what changed is below; use it in place of the earlier text.`;
  const shown = changed
    .map((field) => ({ field, content: newContent(finding, field, reader) }))
    .filter((entry): entry is { field: string; content: string | readonly string[] } => entry.content !== undefined && entry.content.length > 0);
  const html = emailDocument(
    subject,
    `<h1 style="${S.h1}">${escapeHtml(subject)}</h1>` +
      `<p style="${S.p}">Dear ${escapeHtml(greetingName(reader))},</p>` +
      `<p style="${S.p}">${escapeHtml(intro)}</p>` +
      onlineHtml(links, 'correction') +
      `<h2 style="${S.h2}">What changed</h2>${htmlList(changed.map(fieldLabel))}` +
      shown
        .map(({ field, content }) =>
          `<h2 style="${S.h2}">${escapeHtml(fieldLabel(field))}</h2>` +
          (typeof content === 'string' ? `<p style="${S.p}">${escapeHtml(content)}</p>` : htmlList(content)),
        )
        .join('') +
      footerHtml(links),
  );
  const text = [
    underline(subject, '='),
    `Dear ${greetingName(reader)},`,
    intro,
    ...onlineText(links, 'correction'),
    `WHAT CHANGED\n${textList(changed.map(fieldLabel))}`,
    ...shown.map(({ field, content }) => `${underline(fieldLabel(field).toUpperCase(), '-')}\n${typeof content === 'string' ? content : textList(content)}`),
    footerText(links),
  ].join('\n\n');
  return { subject, html, text: `${text}\n` };
}

export function renderWithdrawal(finding: Finding, reader: BriefingReader, links: BriefingLinks): RenderedBriefing {
  const subject = withdrawalSubject(finding);
  const paragraphs = [
    `The learning briefing "${singleLine(finding.title)}" you received has been withdrawn by your local safeguarding children partnership.`,
    'Please stop using it and do not share it further. If you shared it with your team or printed it, let them know.',
  ];
  const html = emailDocument(
    subject,
    `<h1 style="${S.h1}">${escapeHtml(subject)}</h1>` +
      `<p style="${S.p}">Dear ${escapeHtml(greetingName(reader))},</p>` +
      paragraphs.map((p) => `<p style="${S.p}">${escapeHtml(p)}</p>`).join('') +
      onlineHtml(links, 'withdrawal') +
      footerHtml(links),
  );
  const text = [underline(subject, '='), `Dear ${greetingName(reader)},`, ...paragraphs, ...onlineText(links, 'withdrawal'), footerText(links)].join('\n\n');
  return { subject, html, text: `${text}\n` };
}
