import { EMAIL_STYLES as S, emailDocument, htmlList, link, textList, type RenderedBriefing } from './kit';
import { greetingName, singleLine, underline } from '../words';
import { html, raw, safeUrl, type Html } from '../html';
import { ownList, type BriefingLinks, type BriefingReader } from './briefing';
import type { Finding } from '../../core/finding/finding';
import { ALL_AGENCIES } from '../../core/taxonomy';
import { fieldLabel } from '../../core/finding/corrections';

/**
 * Short notices about a briefing people already have: a correction (what changed, not
 * the whole briefing again) and a withdrawal. Same shell as the briefings.
 */

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
  return online && html`<p style="${S.p}">${link(online.url, online.label)}</p>`;
};
const onlineText = (links: BriefingLinks, kind: 'correction' | 'withdrawal') => {
  const online = onlineLink(links, kind);
  return online ? [`${online.label}: ${online.url}`] : [];
};

function footerHtml(links: BriefingLinks): Html {
  const manage = links.manageUrl && link(links.manageUrl, 'Manage your preferences');
  return html`<div style="${S.footer}"><p style="${S.p}">${manage && [manage, raw(' &nbsp;|&nbsp; ')]}${link(links.unsubscribeUrl, 'Unsubscribe')}</p></div>`;
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
  const markup = emailDocument(
    subject,
    html`<h1 style="${S.h1}">${subject}</h1><p style="${S.p}">Dear ${greetingName(reader)},</p><p style="${S.p}">${intro}</p>${onlineHtml(links, 'correction')}<h2 style="${S.h2}">What changed</h2>${htmlList(
      changed.map(fieldLabel),
    )}${shown.map(
      ({ field, content }) => html`<h2 style="${S.h2}">${fieldLabel(field)}</h2>${typeof content === 'string' ? html`<p style="${S.p}">${content}</p>` : htmlList(content)}`,
    )}${footerHtml(links)}`,
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
  return { subject, html: markup, text: `${text}\n` };
}

export function renderWithdrawal(finding: Finding, reader: BriefingReader, links: BriefingLinks): RenderedBriefing {
  const subject = withdrawalSubject(finding);
  const paragraphs = [
    `The learning briefing "${singleLine(finding.title)}" you received has been withdrawn by your local safeguarding children partnership.`,
    'Please stop using it and do not share it further. If you shared it with your team or printed it, let them know.',
  ];
  const markup = emailDocument(
    subject,
    html`<h1 style="${S.h1}">${subject}</h1><p style="${S.p}">Dear ${greetingName(reader)},</p>${paragraphs.map((p) => html`<p style="${S.p}">${p}</p>`)}${onlineHtml(
      links,
      'withdrawal',
    )}${footerHtml(links)}`,
  );
  const text = [underline(subject, '='), `Dear ${greetingName(reader)},`, ...paragraphs, ...onlineText(links, 'withdrawal'), footerText(links)].join('\n\n');
  return { subject, html: markup, text: `${text}\n` };
}
