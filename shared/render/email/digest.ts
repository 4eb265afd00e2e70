import { EMAIL_STYLES as S, emailDocument, htmlList, link, textList, type RenderedBriefing } from './kit';
import { formatPublished, greetingName, singleLine, underline } from '../words';
import { html, raw, safeUrl } from '../html';
import { ownList, type BriefingReader } from './briefing';
import type { Finding } from '../../core/finding/finding';
import type { RecipientLinks } from '../../core/tokens';
import { agencyLabel, ALL_AGENCIES, sourceLabel } from '../../core/taxonomy';

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
export function renderDigest(findings: readonly Finding[], reader: BriefingReader, links: RecipientLinks, briefingUrl?: (finding: Finding) => string): RenderedBriefing {
  const subject = digestSubject(findings.length);
  const intro = `Here are this week's learning briefings on the topics you chose, with the actions for ${agencyLabel(reader.agency)}.`;

  const htmlItems = findings.map((finding) => {
    const url = safeUrl(finding.source.url);
    const actions = actionsFor(finding, reader);
    return html`<h2 style="${S.h2}">${finding.title}</h2><p style="${S.source}">${sourceLabel(finding.source.type)}: ${finding.source.name}, published ${formatPublished(finding.source.published)}${
      url && html`. ${link(url, 'Read the original source')}`
    }</p><p style="${S.p}">${summaryOf(finding)}</p>${
      actions.length
        ? html`<h3 style="${S.h3}">What should I do?</h3>${htmlList(actions)}`
        : html`<p style="${S.p}">No agency-specific actions: use the reflection questions in the full briefing with your team.</p>`
    }${briefingUrl && html`<p style="${S.p}">${link(briefingUrl(finding), `Read the full briefing: ${singleLine(finding.title)}`)}</p>`}`;
  });
  const markup = emailDocument(
    subject,
    html`<h1 style="${S.h1}">${subject}</h1><p style="${S.p}">Dear ${greetingName(reader)},</p><p style="${S.p}">${intro}</p>${htmlItems}<div style="${S.footer}"><p style="${S.p}">You chose a weekly digest of safeguarding learning briefings.</p><p style="${S.p}">${link(
      links.manageUrl,
      'Manage your preferences',
    )}${raw(' &nbsp;|&nbsp; ')}${link(links.unsubscribeUrl, 'Unsubscribe')}</p></div>`,
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
  return { subject, html: markup, text: `${text}\n` };
}
