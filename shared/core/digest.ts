import {
  EMAIL_STYLES as S,
  agencyLabel,
  emailDocument,
  escapeHtml,
  formatPublished,
  greetingName,
  htmlList,
  link,
  ownList,
  safeUrl,
  singleLine,
  sourceLabel,
  textList,
  underline,
  type BriefingReader,
  type RenderedBriefing,
} from '../render/email/briefing';
import type { Finding } from './finding/finding';
import type { RecipientLinks } from './tokens';
import { ALL_AGENCIES } from './taxonomy';

/**
 * The weekly digest: one email listing the week's findings on a subscriber's topics,
 * each with its title, source, a two-line summary and the reader's own agency's actions.
 */

/** About two lines on a phone: the first sentences of "why it matters", cut at a word. */
export function summaryOf(finding: Pick<Finding, 'whyItMatters'>, maxChars = 200): string {
  const text = singleLine(finding.whyItMatters);
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars + 1);
  const sentence = cut.lastIndexOf('. ');
  if (sentence > maxChars / 2) return cut.slice(0, sentence + 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), maxChars / 2)).trimEnd()}…`;
}

/** ISO week of a wall-clock date: the ledger's key, so a re-run in the same week sends nothing twice. */
export function isoWeekId(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const firstOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - firstOfYear) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The ISO week of an instant, as the clock reads in `timeZone`. */
export function weekIdAt(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant).map((p) => [p.type, p.value]),
  );
  return isoWeekId(Number(parts.year), Number(parts.month), Number(parts.day));
}

export function digestSubject(count: number): string {
  return `Your weekly safeguarding learning digest: ${count} new briefing${count === 1 ? '' : 's'}`;
}

function actionsFor(finding: Finding, reader: BriefingReader) {
  return [...ownList(finding.actions, reader.agency), ...ownList(finding.actions, ALL_AGENCIES)];
}

/**
 * `briefingUrl` gives each finding's page on the web (GET /briefing, with this reader's agency and
 * role), so that what the digest only summarises can be read in full.
 */
/** A week's digests share one ledger briefing id, `digest#<ISO week>`; each person's row is `digest#<week>#<recipient key>`. */
export const digestBriefingIdOf = (weekId: string) => `digest#${weekId}`;
export const digestIdOf = (weekId: string, subscriberId: string) => `${digestBriefingIdOf(weekId)}#${subscriberId}`;

export function renderDigest(findings: readonly Finding[], reader: BriefingReader, links: RecipientLinks, briefingUrl?: (finding: Finding) => string): RenderedBriefing {
  const subject = digestSubject(findings.length);
  const intro = `Here are this week's learning briefings on the topics you chose, with the actions for ${agencyLabel(reader.agency)}.`;

  const htmlItems = findings.map((finding) => {
    const url = safeUrl(finding.source.url);
    const actions = actionsFor(finding, reader);
    return (
      `<h2 style="${S.h2}">${escapeHtml(finding.title)}</h2>` +
      `<p style="${S.source}">${escapeHtml(sourceLabel(finding.source.type))}: ${escapeHtml(finding.source.name)}, published ${escapeHtml(formatPublished(finding.source.published))}` +
      (url ? `. ${link(url, 'Read the original source')}` : '') +
      '</p>' +
      `<p style="${S.p}">${escapeHtml(summaryOf(finding))}</p>` +
      (actions.length
        ? `<h3 style="${S.h3}">What should I do?</h3>${htmlList(actions)}`
        : `<p style="${S.p}">No agency-specific actions: use the reflection questions in the full briefing with your team.</p>`) +
      (briefingUrl ? `<p style="${S.p}">${link(briefingUrl(finding), `Read the full briefing: ${singleLine(finding.title)}`)}</p>` : '')
    );
  });
  const html = emailDocument(
    subject,
    `<h1 style="${S.h1}">${escapeHtml(subject)}</h1>` +
      `<p style="${S.p}">Dear ${escapeHtml(greetingName(reader))},</p>` +
      `<p style="${S.p}">${escapeHtml(intro)}</p>` +
      htmlItems.join('') +
      `<div style="${S.footer}"><p style="${S.p}">You chose a weekly digest of safeguarding learning briefings.</p>` +
      `<p style="${S.p}">${link(links.manageUrl, 'Manage your preferences')} &nbsp;|&nbsp; ${link(links.unsubscribeUrl, 'Unsubscribe')}</p></div>`,
  );

  const textItems = findings.map((finding) => {
    const url = safeUrl(finding.source.url);
    const actions = actionsFor(finding, reader);
    return [
      underline(singleLine(finding.title), '-'),
      `${sourceLabel(finding.source.type)}: ${singleLine(finding.source.name)}, published ${formatPublished(finding.source.published)}${url ? `\n${url}` : ''}`,
      summaryOf(finding),
      actions.length ? `What should I do?\n${textList(actions)}` : 'No agency-specific actions: use the reflection questions in the full briefing with your team.',
      ...(briefingUrl ? [`Read the full briefing: ${briefingUrl(finding)}`] : []),
    ].join('\n\n');
  });
  const text = [
    underline(subject, '='),
    `Dear ${greetingName(reader)},`,
    intro,
    ...textItems,
    `----\nYou chose a weekly digest of safeguarding learning briefings.\nManage your preferences: ${links.manageUrl}\nUnsubscribe: ${links.unsubscribeUrl}`,
  ].join('\n\n');
  return { subject, html, text: `${text}\n` };
}
