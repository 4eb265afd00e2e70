import { escapeHtml } from './briefing';
import type { FieldError } from './finding';
import { ALL_TOPICS, FREQUENCIES, FREQUENCY_LABELS, type SubscriberSummary } from './subscriber';
import { AGENCIES, ROLES, TOPIC_GROUPS, TOPICS } from './taxonomy';
import { TOKEN_LIFETIME_SECONDS } from './tokens';

/**
 * The server-rendered pages of the public subscriptions function. Pure string building, no
 * I/O and no JavaScript: the server's CSP allows inline styles and same-origin form posts
 * only. Everything that came from a request or a store is escaped where it is written.
 * Links are root-relative because the pages may sit behind API Gateway at any host.
 */

export interface PageResult {
  status: number;
  html: string;
}

export type FormValues = { email?: string; agency?: string; role?: string; frequency?: string; topics?: string[] };

export type LinkProblem = 'missing' | 'malformed' | 'tampered' | 'wrong-purpose' | 'expired' | 'stale' | 'unknown';
type LinkPurpose = 'confirm' | 'manage' | 'unsubscribe' | 'acknowledge';

const SERVICE = 'Safeguarding learning briefings';

/**
 * The deployment's partnership, named in every page's header and footer. Set once, when the
 * pages function starts (from PARTNERSHIP_NAME, like the rest of its configuration); unset, the
 * pages say "your local safeguarding children partnership".
 */
let partnershipName: string | undefined;
export function configurePages(options: { partnershipName?: string }): void {
  partnershipName = options.partnershipName?.trim() || undefined;
}
const footerText = () => `Safeguarding learning briefings from ${partnershipName ?? 'your local safeguarding children partnership'}.`;
const headerText = () => (partnershipName ? `${partnershipName}: ${SERVICE.toLowerCase()}` : SERVICE);
const ALL_TOPICS_LABEL = 'All topics, including new ones';
const CONFIRM_HOURS = TOKEN_LIFETIME_SECONDS.confirm / 3600;

// ---- look: the briefing email's palette and column, so page and email feel like one service ----

const TEXT = '#1b1b1b';
const LINK = '#1d4f91';
const ERROR = '#b10e1e'; // darker than GOV.UK red so error text stays well above 4.5:1 on white
const SUCCESS = '#00703c';
const HINT = '#505a5f';
const FOCUS = '#ffdd00';

const STYLE = [
  '*,*::before,*::after{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%;text-size-adjust:100%}',
  `body{margin:0;background-color:#ffffff;color:${TEXT};font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;overflow-wrap:anywhere}`,
  '.header,main,.footer{max-width:600px;margin:0 auto;padding:16px}',
  `.header{border-bottom:4px solid ${LINK};font-weight:bold;font-size:18px}`,
  `.footer{border-top:1px solid #8a8a8a;margin-top:32px}`,
  'h1{font-size:26px;line-height:1.25;margin:8px 0 16px}',
  'h2{font-size:20px;line-height:1.3;margin:28px 0 8px}',
  'p,ul,dl{margin:0 0 16px}',
  `a{color:${LINK};text-decoration:underline}`,
  'a:hover{text-decoration-thickness:3px}',
  // One visible focus style for every control; links also get a yellow background, as on GOV.UK.
  `:focus-visible{outline:3px solid ${TEXT};outline-offset:3px}`,
  `a:focus-visible{background-color:${FOCUS};color:${TEXT};text-decoration:none}`,
  '.lead{font-size:18px}',
  `.hint{color:${HINT};margin:0 0 8px}`,
  '.field{margin:0 0 24px}',
  `.field--error{border-left:5px solid ${ERROR};padding-left:12px}`,
  '.label{display:block;font-weight:bold;margin:0 0 4px}',
  `.error-message{color:${ERROR};font-weight:bold;margin:0 0 8px}`,
  `.input,.select{display:block;width:100%;min-height:44px;padding:8px;font:inherit;color:${TEXT};background-color:#ffffff;border:2px solid ${TEXT};border-radius:0}`,
  `.field--error .input,.field--error .select{border-color:${ERROR}}`,
  'fieldset{margin:0;padding:0;border:0;min-width:0}',
  'legend{display:table;max-width:100%;white-space:normal;padding:0;margin:0 0 4px;font-weight:bold;font-size:18px}',
  '.topic-group{margin:16px 0 0}',
  '.topic-group legend{font-size:16px}',
  // Native controls, enlarged: the box and its label together make a target at least 44px high.
  '.choice{display:flex;align-items:flex-start;gap:12px;min-height:44px}',
  `.choice input{flex:0 0 auto;width:28px;height:28px;margin:8px 0;accent-color:${LINK}}`,
  '.choice label{flex:1 1 auto;padding:10px 0;cursor:pointer}',
  `.button{display:inline-block;min-height:44px;max-width:100%;margin:0 0 16px;padding:10px 20px;font:inherit;font-weight:bold;line-height:1.25;color:#ffffff;background-color:${LINK};border:2px solid ${LINK};border-radius:4px;cursor:pointer}`,
  '.button:hover{background-color:#163d70}',
  `.button--warning{color:#ffffff;background-color:${ERROR};border-color:${ERROR}}`,
  '.button--warning:hover{background-color:#8a0b17}',
  '@media (max-width:640px){.button{width:100%}}',
  `.error-summary{border:5px solid ${ERROR};padding:16px;margin:0 0 24px}`,
  '.error-summary h2{margin-top:0}',
  '.error-summary ul{list-style:none;padding:0;margin:0}',
  `.error-summary a{color:${ERROR};font-weight:bold}`,
  `.banner{border:5px solid ${SUCCESS};padding:16px;margin:0 0 24px;font-weight:bold}`,
  '.banner p{margin:0}',
  '.summary dt{font-weight:bold}',
  '.summary dd{margin:0 0 12px}',
  '.summary ul{margin:0;padding-left:20px}',
  '.section{margin-top:32px;padding-top:8px;border-top:1px solid #8a8a8a}',
  '.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}',
].join('\n');

// ---- the document shell -------------------------------------------------------------------------

interface Shell {
  status: number;
  /** The page's name: the <title> (before the service name) and, by default, the <h1>. */
  title: string;
  /** HTML of <main> after the <h1>. */
  body: string;
  /** HTML of <main> before the <h1>: the error summary or a success banner. */
  top?: string;
  heading?: string;
  hasErrors?: boolean;
  /** Only the subscribe page is meant to be found by search engines. */
  indexable?: boolean;
}

function page(shell: Shell): PageResult {
  const title = `${shell.hasErrors ? 'Error: ' : ''}${shell.title} – ${SERVICE}`;
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en-GB" dir="ltr">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    // Page addresses can carry a signed link; never pass them on to another site.
    '<meta name="referrer" content="no-referrer">',
    ...(shell.indexable ? [] : ['<meta name="robots" content="noindex, nofollow">']),
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    `<header class="header">${escapeHtml(headerText())}</header>`,
    '<main id="main">',
    ...(shell.top ? [shell.top] : []),
    `<h1>${escapeHtml(shell.heading ?? shell.title)}</h1>`,
    shell.body,
    '</main>',
    `<footer class="footer"><p>${escapeHtml(footerText())}</p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { status: shell.status, html };
}

const para = (html: string, cls?: string) => `<p${cls ? ` class="${cls}"` : ''}>${html}</p>`;
const text = (s: string) => para(escapeHtml(s));
const link = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
const button = (label: string, warning = false) =>
  `<button type="submit" class="button${warning ? ' button--warning' : ''}">${escapeHtml(label)}</button>`;

/** Every form posts; `t` carries the signed link so the server can check it again on POST. */
function form(action: string, inner: string, token?: string): string {
  const hidden = token === undefined ? '' : `<input type="hidden" name="t" value="${escapeHtml(token)}">`;
  // novalidate: the server's messages (in the error summary) replace the browser's bubbles.
  return `<form method="post" action="${action}" novalidate>${hidden}\n${inner}\n</form>`;
}

// ---- errors, GOV.UK style -----------------------------------------------------------------------

/** The first message for each field, in the order the server gave them. */
type Errors = ReadonlyMap<string, string>;

function errorMap(errors: readonly FieldError[] | undefined): Errors {
  const map = new Map<string, string>();
  for (const e of errors ?? []) if (!map.has(e.field)) map.set(e.field, e.message);
  return map;
}

/**
 * Links go to fields on this page only; a message about anything else is shown as plain text.
 * `fieldsOnPage` is in the order the page shows them, and the summary follows it (GOV.UK's
 * pattern): someone working down the list meets the fields in the same order.
 */
function errorSummary(errors: Errors, fieldsOnPage: readonly string[]): string {
  if (errors.size === 0) return '';
  const rank = (field: string) => (fieldsOnPage.includes(field) ? fieldsOnPage.indexOf(field) : fieldsOnPage.length);
  const ordered = [...errors].sort(([a], [b]) => rank(a) - rank(b));
  const items = ordered.map(([field, message]) =>
    fieldsOnPage.includes(field) ? `<li>${link(`#${field}`, message)}</li>` : `<li>${escapeHtml(message)}</li>`,
  );
  // autofocus moves keyboard and screen-reader users straight to the problem, without JavaScript.
  return (
    '<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>' +
    '<h2 id="error-summary-title">There is a problem</h2>' +
    `<ul>${items.join('')}</ul></div>`
  );
}

const errorMessage = (name: string, message: string | undefined) =>
  message === undefined
    ? ''
    : `<p class="error-message" id="${name}-error"><span class="visually-hidden">Error: </span>${escapeHtml(message)}</p>`;

const describedBy = (ids: (string | false | undefined)[]) => {
  const list = ids.filter(Boolean).join(' ');
  return list ? ` aria-describedby="${list}"` : '';
};

const fieldWrap = (error: string | undefined, parts: string[]) =>
  `<div class="field${error === undefined ? '' : ' field--error'}">\n${parts.filter(Boolean).join('\n')}\n</div>`;

// ---- fields -------------------------------------------------------------------------------------

function emailField(value: string | undefined, error: string | undefined): string {
  return fieldWrap(error, [
    '<label class="label" for="email">Work email address</label>',
    '<p class="hint" id="email-hint">We will send a link to this address to confirm it is yours.</p>',
    errorMessage('email', error),
    `<input class="input" type="email" id="email" name="email" autocomplete="email" spellcheck="false"` +
      `${value ? ` value="${escapeHtml(value)}"` : ''}` +
      `${describedBy(['email-hint', error !== undefined && 'email-error'])}${error === undefined ? '' : ' aria-invalid="true"'}>`,
  ]);
}

function selectField(
  name: string,
  label: string,
  placeholder: string,
  choices: Record<string, string>,
  value: string | undefined,
  error: string | undefined,
): string {
  const options = [`<option value="">${escapeHtml(placeholder)}</option>`].concat(
    Object.entries(choices).map(
      ([id, optionLabel]) => `<option value="${escapeHtml(id)}"${id === value ? ' selected' : ''}>${escapeHtml(optionLabel)}</option>`,
    ),
  );
  return fieldWrap(error, [
    `<label class="label" for="${name}">${escapeHtml(label)}</label>`,
    errorMessage(name, error),
    `<select class="select" id="${name}" name="${name}"${describedBy([error !== undefined && `${name}-error`])}` +
      `${error === undefined ? '' : ' aria-invalid="true"'}>\n${options.join('\n')}\n</select>`,
  ]);
}

/** One checkbox or radio with its label. The group's first control has the id the error links to. */
function choice(type: 'checkbox' | 'radio', name: string, id: string, value: string, label: string, checked: boolean, invalid: boolean): string {
  return (
    `<div class="choice"><input type="${type}" id="${id}" name="${name}" value="${escapeHtml(value)}"` +
    `${checked ? ' checked' : ''}${invalid ? ' aria-invalid="true"' : ''}>` +
    `<label for="${id}">${escapeHtml(label)}</label></div>`
  );
}

/** A group of choices: the fieldset carries the hint and the message; controls follow them. */
function choiceGroup(name: string, legend: string, hint: string | undefined, error: string | undefined, controls: string): string {
  return fieldWrap(error, [
    `<fieldset${describedBy([hint !== undefined && `${name}-hint`, error !== undefined && `${name}-error`])}>`,
    `<legend>${escapeHtml(legend)}</legend>`,
    hint === undefined ? '' : `<p class="hint" id="${name}-hint">${escapeHtml(hint)}</p>`,
    errorMessage(name, error),
    controls,
    '</fieldset>',
  ]);
}

function topicsField(selected: readonly string[], error: string | undefined): string {
  const invalid = error !== undefined;
  const groups = Object.entries(TOPIC_GROUPS).map(([group, ids]) =>
    [
      '<fieldset class="topic-group">',
      `<legend>${escapeHtml(group)}</legend>`,
      ...ids.map((id) => choice('checkbox', 'topics', `topics-${id}`, id, TOPICS[id], selected.includes(id), invalid)),
      '</fieldset>',
    ].join('\n'),
  );
  return choiceGroup(
    'topics',
    'Which topics do you want briefings about?',
    'Choose all topics, or the ones that fit your work.',
    error,
    [choice('checkbox', 'topics', 'topics', ALL_TOPICS, ALL_TOPICS_LABEL, selected.includes(ALL_TOPICS), invalid), ...groups].join('\n'),
  );
}

function frequencyField(value: string | undefined, error: string | undefined): string {
  const current = FREQUENCIES.includes(value as (typeof FREQUENCIES)[number]) ? value : 'immediately';
  const radios = FREQUENCIES.map((f, i) =>
    choice('radio', 'frequency', i === 0 ? 'frequency' : `frequency-${f}`, f, FREQUENCY_LABELS[f], f === current, error !== undefined),
  );
  return choiceGroup('frequency', 'How often do you want briefings?', undefined, error, radios.join('\n'));
}

/** The choices both the subscribe and the preferences forms ask for, in the same order. */
function preferenceFields(values: FormValues, errors: Errors): string {
  return [
    selectField('agency', 'Your agency', 'Choose your agency', AGENCIES, values.agency, errors.get('agency')),
    selectField('role', 'Your role', 'Choose your role', ROLES, values.role, errors.get('role')),
    topicsField(values.topics ?? [], errors.get('topics')),
    frequencyField(values.frequency, errors.get('frequency')),
  ].join('\n');
}

const PREFERENCE_FIELDS = ['agency', 'role', 'topics', 'frequency'] as const;

// ---- labels for what a subscriber chose ---------------------------------------------------------

const labelOf = (labels: Record<string, string>, id: string) => labels[id] ?? id;

function topicLabels(topics: SubscriberSummary['topics']): string[] {
  return topics === ALL_TOPICS ? [ALL_TOPICS_LABEL] : topics.map((t) => labelOf(TOPICS, t));
}

function summaryList(summary: SubscriberSummary): string {
  const topics = topicLabels(summary.topics);
  return [
    '<dl class="summary">',
    `<dt>Agency</dt><dd>${escapeHtml(labelOf(AGENCIES, summary.agency))}</dd>`,
    `<dt>Role</dt><dd>${escapeHtml(labelOf(ROLES, summary.role))}</dd>`,
    `<dt>Topics</dt><dd><ul>${topics.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul></dd>`,
    `<dt>How often</dt><dd>${escapeHtml(labelOf(FREQUENCY_LABELS, summary.frequency))}</dd>`,
    '</dl>',
  ].join('\n');
}

const valuesFrom = (summary: SubscriberSummary): FormValues => ({
  agency: summary.agency,
  role: summary.role,
  frequency: summary.frequency,
  topics: summary.topics === ALL_TOPICS ? [ALL_TOPICS] : [...summary.topics],
});

/** The manage link comes from our own signer, but only a web address may reach an href. */
const isWebLink = (url: string) => /^(https?:\/\/|\/(?!\/))[^\s\u0000-\u001f\u007f]*$/i.test(url.trim());

// ---- pages --------------------------------------------------------------------------------------

export function subscribePage(opts: { values?: FormValues; errors?: FieldError[] } = {}): PageResult {
  const values = opts.values ?? {};
  const errors = errorMap(opts.errors);
  const hasErrors = errors.size > 0;
  return page({
    status: hasErrors ? 400 : 200,
    title: 'Subscribe to learning briefings',
    hasErrors,
    indexable: true,
    top: errorSummary(errors, ['email', ...PREFERENCE_FIELDS]),
    body: [
      text('Get short learning briefings from safeguarding reviews and inspections by email. Each one takes about 7 minutes to read.'),
      text('You can change what you get, or unsubscribe, at any time.'),
      form('/subscribe', [emailField(values.email, errors.get('email')), preferenceFields(values, errors), button('Subscribe')].join('\n')),
    ].join('\n'),
  });
}

/** The same words whatever the address's state, so the page never tells anyone who is subscribed. */
export function checkYourEmailPage(): PageResult {
  return page({
    status: 200,
    title: 'Check your email',
    body: [
      text(`If this address can receive briefings, we have sent it an email with a link to confirm. The link works for ${CONFIRM_HOURS} hours.`),
      text('If the email has not arrived after 10 minutes, check your junk or spam folder.'),
      para(`You can also ${link('/subscribe', 'fill in the form again')}.`),
    ].join('\n'),
  });
}

export function confirmedPage(opts: { manageUrl: string; summary: SubscriberSummary }): PageResult {
  const { manageUrl, summary } = opts;
  const manage = isWebLink(manageUrl)
    ? para(`${link(manageUrl.trim(), 'Change your preferences')} at any time. Do not share this link: anyone who has it can change your briefings.`)
    : text('You can change your preferences with the link at the bottom of every briefing.');
  return page({
    status: 200,
    title: 'Subscription confirmed',
    body: [
      text(`We will send learning briefings to ${summary.maskedEmail}.`),
      '<h2>What you chose</h2>',
      summaryList(summary),
      manage,
      text('Every briefing also has links to change your preferences or unsubscribe.'),
    ].join('\n'),
  });
}

/** What to do next depends on which link failed; without a purpose, give both ways out. */
function nextStep(kind: 'expired' | 'stale' | 'unknown', purpose: LinkPurpose | undefined): string {
  const subscribe = link('/subscribe', 'subscribe again');
  if (purpose === 'confirm') {
    if (kind === 'stale') return para(`Use the link in the newest confirmation email we sent you, or ${subscribe}.`);
    return para(`To get a new link, ${subscribe}.`);
  }
  if (purpose === 'manage' || purpose === 'unsubscribe') {
    return text('Use the link at the bottom of a more recent briefing email.');
  }
  if (purpose === 'acknowledge') return text('Use the "I have read this briefing" link in the briefing email itself.');
  return para(`If you get briefings, use the link at the bottom of a more recent briefing. If you were subscribing, ${subscribe}.`);
}

const COPY_WHOLE_LINK = 'Go back to the email and copy the whole link. Paste it into the address bar of your browser.';

function linkProblemText(problem: LinkProblem, purpose: LinkPurpose | undefined): { title: string; body: string[] } {
  switch (problem) {
    case 'missing':
      return { title: 'This link is not complete', body: [text('Part of the link from the email is missing.'), text(COPY_WHOLE_LINK)] };
    case 'malformed':
    case 'tampered':
      return {
        title: 'This link is not complete or has been changed',
        body: [text('Some email programs split long links or add to them.'), text(COPY_WHOLE_LINK)],
      };
    case 'wrong-purpose':
      return {
        title: 'This link is for a different page',
        body: [
          text('Each link in our emails does one thing: confirm a subscription, change preferences, unsubscribe, or say you have read a briefing.'),
          text('Go back to the email and select the link for what you want to do.'),
        ],
      };
    case 'expired':
      return {
        title: 'This link has expired',
        body: [purpose === 'confirm' ? text(`Confirmation links work for ${CONFIRM_HOURS} hours.`) : '', nextStep('expired', purpose)],
      };
    case 'stale':
      return {
        title: 'This link no longer works',
        body: [
          text(purpose === 'confirm' ? 'A newer confirmation email has replaced this one.' : 'A newer link has replaced this one.'),
          nextStep('stale', purpose),
        ],
      };
    case 'unknown':
      return { title: 'This link does not work', body: [text('We could not use this link.'), nextStep('unknown', purpose)] };
  }
}

/** Plain words and a way forward; never the token, never a technical reason. */
export function linkProblemPage(problem: LinkProblem, opts: { purpose?: LinkPurpose } = {}): PageResult {
  const { title, body } = linkProblemText(problem, opts.purpose);
  // Expired and replaced links will never work again: 410 Gone.
  const status = problem === 'expired' || problem === 'stale' ? 410 : 400;
  return page({ status, title, body: body.filter(Boolean).join('\n') });
}

export function preferencesPage(opts: {
  token: string;
  summary?: SubscriberSummary;
  values?: FormValues;
  errors?: FieldError[];
  saved?: boolean;
}): PageResult {
  const { token, summary } = opts;
  const unsubscribeForm = (intro: string) =>
    ['<h2>Stop all briefings</h2>', text(intro), form('/unsubscribe', button('Unsubscribe from all briefings', true), token)].join('\n');

  // Someone an admin put on a distribution list has no preferences of their own to change.
  if (!summary) {
    return page({
      status: 200,
      title: 'Your briefings',
      body: [
        text('You get these briefings because someone in your organisation added you to a distribution list.'),
        text('To change which briefings you get, ask the person who runs that list.'),
        unsubscribeForm('You can stop all briefings to this address.'),
      ].join('\n'),
    });
  }

  const errors = errorMap(opts.errors);
  const hasErrors = errors.size > 0;
  const unsubscribed = summary.status === 'unsubscribed';
  const top = hasErrors
    ? errorSummary(errors, PREFERENCE_FIELDS)
    : opts.saved
      ? '<div class="banner" role="status"><p>Your preferences are saved</p></div>'
      : '';
  return page({
    status: hasErrors ? 400 : 200,
    title: 'Your briefing preferences',
    hasErrors,
    top,
    body: [
      para(escapeHtml(`Preferences for ${summary.maskedEmail}`), 'lead'),
      unsubscribed
        ? text('You are unsubscribed, so you do not get any briefings. To start them again, save your preferences: we will email you a link to confirm.')
        : '',
      form('/preferences', [preferenceFields(opts.values ?? valuesFrom(summary), errors), button('Save preferences')].join('\n'), token),
      // Already unsubscribed: a second unsubscribe button would only confuse.
      unsubscribed ? '' : `<div class="section">${unsubscribeForm('You can stop all briefings. You can subscribe again at any time.')}</div>`,
    ]
      .filter(Boolean)
      .join('\n'),
  });
}

/** Mail scanners follow GET links, so GET only asks; the POST from this button unsubscribes. */
export function unsubscribeConfirmPage(opts: { token: string }): PageResult {
  return page({
    status: 200,
    title: 'Unsubscribe from all briefings',
    heading: 'Unsubscribe from all briefings?',
    body: [
      text('You will stop getting safeguarding learning briefings by email. You can subscribe again at any time.'),
      form('/unsubscribe', button('Unsubscribe from all briefings', true), opts.token),
    ].join('\n'),
  });
}

/** The longest "what will your team do differently?" answer: one line, as the briefing asks. */
export const ANSWER_MAX_CHARS = 280;

/**
 * "I have read this briefing". Mail scanners pre-fetch links, so the GET only asks; the
 * button's POST records it. The optional answer is stored without the address.
 */
export function acknowledgePage(opts: { token: string; title: string; answer?: string; error?: string; already?: boolean; answered?: boolean }): PageResult {
  const error = opts.error;
  const field = fieldWrap(error, [
    '<label class="label" for="answer">What will your team do differently? (optional)</label>',
    `<p class="hint" id="answer-hint">One line, up to ${ANSWER_MAX_CHARS} characters. It is kept apart from your name and email address, with your agency and role and the day only.</p>`,
    errorMessage('answer', error),
    `<input class="input" type="text" id="answer" name="answer" maxlength="${ANSWER_MAX_CHARS}" autocomplete="off"` +
      `${opts.answer ? ` value="${escapeHtml(opts.answer)}"` : ''}` +
      `${describedBy(['answer-hint', error !== undefined && 'answer-error'])}${error === undefined ? '' : ' aria-invalid="true"'}>`,
  ]);
  const errors: Errors = new Map(error === undefined ? [] : [['answer', error]]);
  return page({
    status: error === undefined ? 200 : 400,
    title: 'I have read this briefing',
    hasErrors: error !== undefined,
    top: errorSummary(errors, ['answer']),
    body: [
      para(`Briefing: <strong>${escapeHtml(opts.title)}</strong>`),
      // Answers are kept apart from the person, so one given cannot be found again to change: say so, and ask for none.
      opts.already && opts.answered
        ? text('You have already told us you read it, and your team’s answer is saved. Answers are kept without your name or email address, so a saved answer cannot be changed.')
        : opts.already
          ? text('You have already told us you read it. You can still add your team’s answer: one answer is kept, and it cannot be changed afterwards.')
          : text('Thank you for reading it. Press the button to let your partnership know. An answer, if you give one, is kept as written and cannot be changed afterwards.'),
      opts.already && opts.answered ? '' : form('/acknowledge', [field, button(opts.already ? 'Add our answer' : 'I have read this briefing')].join('\n'), opts.token),
    ].join('\n'),
  });
}

export function acknowledgedPage(opts: { title: string; answered: boolean; masked?: boolean; alreadyAnswered?: boolean }): PageResult {
  return page({
    status: 200,
    title: 'Thank you',
    body: [
      para(`Your partnership now knows you have read <strong>${escapeHtml(opts.title)}</strong>.`),
      opts.answered ? text('Your answer is saved, without your name or email address.') : '',
      opts.masked ? text('It looked as if it held personal details (such as an email address, a phone or NHS number, or a name), so those were hidden before it was saved.') : '',
      opts.alreadyAnswered ? text('Your team’s answer was saved the first time; it is kept as it was.') : '',
      text('You can close this page.'),
    ]
      .filter(Boolean)
      .join('\n'),
  });
}

/** Mail scanners follow links in emails too, so the confirm link only asks; this button's POST confirms. */
export function confirmSubscriptionPage(opts: { token: string }): PageResult {
  return page({
    status: 200,
    title: 'Confirm your subscription',
    body: [
      text('Confirm that you want safeguarding learning briefings sent to this email address.'),
      form('/confirm', button('Confirm my subscription'), opts.token),
    ].join('\n'),
  });
}

export function unsubscribedPage(): PageResult {
  return page({
    status: 200,
    title: 'Unsubscribed',
    body: [
      text('You are unsubscribed. You will not receive any more briefings.'),
      para(`If you change your mind, ${link('/subscribe', 'subscribe again')}.`),
    ].join('\n'),
  });
}

export function tooManyRequestsPage(): PageResult {
  return page({
    status: 429,
    title: 'Too many requests',
    body: [text('There have been too many requests in a short time.'), text('Please try again in an hour.')].join('\n'),
  });
}

export function notFoundPage(): PageResult {
  return page({
    status: 404,
    title: 'Page not found',
    body: [
      text('If you typed the web address, check it is correct. If you used a link from an email, copy the whole link.'),
      para(`To get learning briefings, ${link('/subscribe', 'subscribe')}.`),
    ].join('\n'),
  });
}

export function serverErrorPage(): PageResult {
  return page({
    status: 500,
    title: 'Sorry, there is a problem with the service',
    body: text('Please try again later.'),
  });
}

// ---- a briefing on the web ----------------------------------------------------------------------

/**
 * Where a briefing can be read in full: the latest version of a published finding, with the
 * actions for one agency and role. It carries no personal link, so it can be shared.
 */
export function briefingPagePath(findingId: string, reader?: { agency: string; role: string }): string {
  const query = new URLSearchParams({ f: findingId, ...(reader ? { agency: reader.agency, role: reader.role } : {}) });
  return `/briefing?${query.toString()}`;
}

/** The agencies to choose from, when a briefing's address names none (its actions are per agency). */
export function chooseAgencyPage(findingId: string, title: string): PageResult {
  const choices = Object.entries(AGENCIES).map(([agency, label]) => `<li>${link(briefingPagePath(findingId, { agency, role: 'frontline' }), label)}</li>`);
  return page({
    status: 200,
    title,
    indexable: true,
    body: [text('Each briefing ends with the actions for your agency. Choose yours:'), `<ul class="list">${choices.join('')}</ul>`].join('\n'),
  });
}

/** A withdrawn briefing: 410 Gone, with a short notice. */
export function briefingWithdrawnPage(title: string): PageResult {
  return page({
    status: 410,
    title: 'This briefing was withdrawn',
    body: [para(`<strong>${escapeHtml(title)}</strong> was withdrawn by the partnership. Do not use it.`), para(`To get learning briefings, ${link('/subscribe', 'subscribe')}.`)].join('\n'),
  });
}
