import { EMAIL_STYLES as S, emailDocument, htmlList, link, type RenderedBriefing } from './kit';
import { html } from '../html';
import { singleLine } from '../words';
import { capNotes } from '../../core/finding/held-notes';
import { ALL_TOPICS, FREQUENCY_LABELS, type Preferences } from '../../core/subscriber';
import { AGENCIES, ROLES, TOPICS } from '../../core/taxonomy';

/**
 * Short transactional emails about a subscription (confirm it; you are already
 * subscribed). Same shell and styles as the briefings, so they look like one service.
 */

export function describeChoice(choice: Pick<Preferences, 'agency' | 'role' | 'topics' | 'frequency'>): string[] {
  const topics = choice.topics === ALL_TOPICS ? 'All topics, including new ones' : choice.topics.map((id) => TOPICS[id]).join('; ');
  return [
    `Agency: ${AGENCIES[choice.agency]}`,
    `Role: ${ROLES[choice.role]}`,
    `Topics: ${topics}`,
    `How often: ${FREQUENCY_LABELS[choice.frequency]}`,
  ];
}

interface Notice {
  subject: string;
  heading: string;
  paragraphs: string[];
  list?: string[];
  action?: { label: string; url: string };
  after: string[];
}

function renderNotice(notice: Notice): RenderedBriefing {
  const markup = emailDocument(
    notice.subject,
    html`<h1 style="${S.h1}">${notice.heading}</h1>${notice.paragraphs.map((p) => html`<p style="${S.p}">${p}</p>`)}${
      notice.list && htmlList(notice.list)
    }${notice.action && html`<p style="${S.p}">${link(notice.action.url, notice.action.label, S.ack)}</p>`}${notice.after.map((p) => html`<p style="${S.p}">${p}</p>`)}`,
  );
  const text = [
    notice.heading,
    ...notice.paragraphs,
    ...(notice.list ? [notice.list.map((item) => `- ${item}`).join('\n')] : []),
    ...(notice.action ? [`${notice.action.label}: ${notice.action.url}`] : []),
    ...notice.after,
  ].join('\n\n');
  return { subject: notice.subject, html: markup, text: `${text}\n` };
}

export function confirmationEmail(choice: Preferences, confirmUrl: string): RenderedBriefing {
  return renderNotice({
    subject: 'Confirm your subscription to safeguarding learning briefings',
    heading: 'Confirm your subscription',
    paragraphs: ['Someone, hopefully you, asked for safeguarding learning briefings to be sent to this address, with these choices:'],
    list: describeChoice(choice),
    action: { label: 'Confirm my subscription', url: confirmUrl },
    after: [
      'The link works for 48 hours.',
      'If you did not ask for this, ignore this email: you will not be subscribed and we will not write again.',
    ],
  });
}

export function alreadySubscribedEmail(manageUrl: string): RenderedBriefing {
  return renderNotice({
    subject: 'You already receive safeguarding learning briefings',
    heading: 'You are already subscribed',
    paragraphs: [
      'Someone, hopefully you, asked to subscribe this address to safeguarding learning briefings. It is already subscribed, so nothing has changed.',
    ],
    action: { label: 'Manage your preferences', url: manageUrl },
    after: ['If you did not ask for this, you can ignore this email.'],
  });
}

/** One problem as the admin email states it: where and what, never the text that was found. */
export interface HeldProblem {
  field: string;
  what: string;
}

export function heldNotice(findingId: string, version: number | undefined, problems: readonly HeldProblem[]): RenderedBriefing {
  const subject = `Held, not sent: finding ${singleLine(findingId)}${version !== undefined ? ` (version ${version})` : ''}`;
  // The first problems and a count, as on the item: thousands of lines would bury the fix (and SES takes 10 MB at most).
  const lines = capNotes(problems.map((p) => `${p.field}: ${p.what}`), 'problem');
  return renderNotice({
    subject,
    heading: 'A finding was held and nothing was sent',
    paragraphs: [
      `The finding "${singleLine(findingId)}" was published, but it was not sent to anyone because of ${problems.length} problem(s):`,
    ],
    list: lines,
    after: [
      'Fix each problem in the finding and save it: it is then checked again and sent.',
      'If the anonymisation check is wrong about some text, a named person can release it by adding anonymisationOverride (by, reason, version) to the finding.',
      'For the full list with positions: npm run cli -- findings show ' + singleLine(findingId),
    ],
  });
}

/** The one reminder to someone who has not said they read a briefing. */
export function reminderEmail(title: string, links: { acknowledgeUrl: string; manageUrl: string; unsubscribeUrl: string }): RenderedBriefing {
  return renderNotice({
    subject: singleLine(`Reminder: have you read "${title}"?`),
    heading: 'Have you read this briefing?',
    paragraphs: [
      `A few days ago your local safeguarding children partnership sent you the learning briefing "${singleLine(title)}".`,
      'If you have read it, or talked it through with your team, please let us know. It takes one click, and it helps the partnership show that the learning arrived.',
    ],
    action: { label: 'I have read this briefing', url: links.acknowledgeUrl },
    after: [
      'This is the only reminder we will send about it.',
      `Manage your preferences: ${links.manageUrl}`,
      `Unsubscribe: ${links.unsubscribeUrl}`,
    ],
  });
}

/**
 * To the admin mailbox when SES refuses to send for a reason of the account or its set-up: what
 * is wrong and what to fix. It names the SES error, never an address (SES's message lists them).
 */
export function sesSetupNotice(problem: { what: string; fix: string }, sesError: string): RenderedBriefing {
  return renderNotice({
    subject: 'Briefings are waiting: SES cannot send until its set-up is fixed',
    heading: 'SES is refusing to send, so briefings are waiting',
    paragraphs: [
      problem.what,
      `SES answered with ${singleLine(sesError)}. Every briefing that met this was put back in the queue: nothing is lost, and nothing was marked failed.`,
    ],
    list: [`What to fix: ${problem.fix}`],
    after: [
      'Once it is fixed, the waiting briefings go on their own while the stream still retries them. Rows it has given up on stay waiting: `npm run cli -- findings retry <id>` puts them back in the queue.',
      'You get this email at most once a day for each problem while it lasts. If sending itself is broken, it may not arrive at all: the alarm on the send-briefing log and the log line "SES set-up problem" say the same.',
    ],
  });
}
