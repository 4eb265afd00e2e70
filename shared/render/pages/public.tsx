import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import type { FieldError } from '../../core/finding/finding';
import { ALL_TOPICS, FREQUENCIES, FREQUENCY_LABELS, type SubscriberSummary } from '../../core/subscriber';
import { AGENCIES, labelIn, ROLES, TOPIC_GROUPS, TOPICS } from '../../core/taxonomy';
import { TOKEN_LIFETIME_SECONDS } from '../../core/tokens';

/**
 * The server-rendered public pages (subscriptions, acknowledgements, the briefing's web page).
 * No I/O and no JavaScript: the server's CSP allows inline styles and same-origin form posts
 * only. Written in hono's JSX, so every value from a request or a store is escaped when the page
 * is rendered, whoever wrote the caller. Links are root-relative because the pages may sit
 * behind API Gateway at any host.
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
/** Branding: the partnership's logo (https only) in the header, its contact details in the footer. */
let logoUrl: string | undefined;
let contactDetails: string | undefined;
export function configurePages(options: { partnershipName?: string; logoUrl?: string; contactDetails?: string }): void {
  partnershipName = options.partnershipName?.trim() || undefined;
  logoUrl = options.logoUrl?.startsWith('https://') ? options.logoUrl : undefined;
  contactDetails = options.contactDetails?.trim() || undefined;
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
  '.logo{display:block;max-height:48px;max-width:240px;margin:0 0 8px}',
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
  /** What <main> holds after the <h1>. */
  body: Child;
  /** What <main> holds before the <h1>: the error summary or a success banner. */
  top?: Child;
  heading?: string;
  hasErrors?: boolean;
  /** Only the subscribe page is meant to be found by search engines. */
  indexable?: boolean;
}

function page(shell: Shell): PageResult {
  const title = `${shell.hasErrors ? 'Error: ' : ''}${shell.title} – ${SERVICE}`;
  const document = (
    <html lang="en-GB" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        {/* Page addresses can carry a signed link; never pass them on to another site. */}
        <meta name="referrer" content="no-referrer" />
        {shell.indexable ? null : <meta name="robots" content="noindex, nofollow" />}
        <title>{title}</title>
        {/* The one raw string: the page's own constant style sheet. */}
        <style>{raw(`\n${STYLE}\n`)}</style>
      </head>
      <body>
        <header class="header">
          {logoUrl ? <img class="logo" src={logoUrl} alt="" /> : null}
          {headerText()}
        </header>
        <main id="main">
          {shell.top}
          <h1>{shell.heading ?? shell.title}</h1>
          {shell.body}
        </main>
        <footer class="footer">
          <p>{footerText()}</p>
          {contactDetails ? <p>{contactDetails}</p> : null}
        </footer>
      </body>
    </html>
  );
  // Boolean attributes in HTML's short form (`selected`, not `selected=""`), as these pages have always
  // been written. Only markup can match: every quote in text or a value is escaped to &quot;.
  const html = String(document).replace(/ (selected|checked|novalidate|autofocus)=""/g, ' $1');
  return { status: shell.status, html: `<!DOCTYPE html>\n${html}\n` };
}

const Link: FC<{ href: string; label: string }> = ({ href, label }) => <a href={href}>{label}</a>;
const Button: FC<{ label: string; warning?: boolean }> = ({ label, warning }) => (
  <button type="submit" class={`button${warning ? ' button--warning' : ''}`}>{label}</button>
);

/** Every form posts; `t` carries the signed link so the server can check it again on POST. */
const Form: FC<PropsWithChildren<{ action: string; token?: string }>> = ({ action, token, children }) => (
  // novalidate: the server's messages (in the error summary) replace the browser's bubbles.
  <form method="post" action={action} novalidate>
    {token === undefined ? null : <input type="hidden" name="t" value={token} />}
    {children}
  </form>
);

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
function errorSummary(errors: Errors, fieldsOnPage: readonly string[]): Child {
  if (errors.size === 0) return null;
  const rank = (field: string) => (fieldsOnPage.includes(field) ? fieldsOnPage.indexOf(field) : fieldsOnPage.length);
  const ordered = [...errors].sort(([a], [b]) => rank(a) - rank(b));
  // autofocus moves keyboard and screen-reader users straight to the problem, without JavaScript.
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>{ordered.map(([field, message]) => <li>{fieldsOnPage.includes(field) ? <Link href={`#${field}`} label={message} /> : message}</li>)}</ul>
    </div>
  );
}

const ErrorMessage: FC<{ name: string; message: string | undefined }> = ({ name, message }) =>
  message === undefined ? null : (
    <p class="error-message" id={`${name}-error`}>
      <span class="visually-hidden">Error: </span>
      {message}
    </p>
  );

const describedBy = (ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

const FieldWrap: FC<PropsWithChildren<{ error: string | undefined }>> = ({ error, children }) => (
  <div class={`field${error === undefined ? '' : ' field--error'}`}>{children}</div>
);

// ---- fields -------------------------------------------------------------------------------------

/** A one-line text field: label, hint, the error by it, and the input (`attributes`: what only this field sets). */
const TextInputField: FC<{ name: string; type: string; label: string; hint: string; value: string | undefined; error: string | undefined; attributes: object }> = (props) => (
  <FieldWrap error={props.error}>
    <label class="label" for={props.name}>{props.label}</label>
    <p class="hint" id={`${props.name}-hint`}>{props.hint}</p>
    <ErrorMessage name={props.name} message={props.error} />
    <input
      class="input"
      type={props.type}
      id={props.name}
      name={props.name}
      {...props.attributes}
      value={props.value || undefined}
      aria-describedby={describedBy([`${props.name}-hint`, props.error !== undefined && `${props.name}-error`])}
      aria-invalid={props.error === undefined ? undefined : 'true'}
    />
  </FieldWrap>
);

const EmailField: FC<{ value: string | undefined; error: string | undefined }> = ({ value, error }) => (
  <TextInputField
    name="email"
    type="email"
    label="Work email address"
    hint="We will send a link to this address to confirm it is yours."
    value={value}
    error={error}
    attributes={{ autocomplete: 'email', spellcheck: 'false' }}
  />
);

const SelectField: FC<{ name: string; label: string; placeholder: string; choices: Record<string, string>; value: string | undefined; error: string | undefined }> = (props) => (
  <FieldWrap error={props.error}>
    <label class="label" for={props.name}>{props.label}</label>
    <ErrorMessage name={props.name} message={props.error} />
    <select
      class="select"
      id={props.name}
      name={props.name}
      aria-describedby={describedBy([props.error !== undefined && `${props.name}-error`])}
      aria-invalid={props.error === undefined ? undefined : 'true'}
    >
      <option value="">{props.placeholder}</option>
      {Object.entries(props.choices).map(([id, optionLabel]) => <option value={id} selected={id === props.value}>{optionLabel}</option>)}
    </select>
  </FieldWrap>
);

/** One checkbox or radio with its label. The group's first control has the id the error links to. */
const Choice: FC<{ type: 'checkbox' | 'radio'; name: string; id: string; value: string; label: string; checked: boolean; invalid: boolean }> = (props) => (
  <div class="choice">
    <input type={props.type} id={props.id} name={props.name} value={props.value} checked={props.checked} aria-invalid={props.invalid ? 'true' : undefined} />
    <label for={props.id}>{props.label}</label>
  </div>
);

/** A group of choices: the fieldset carries the hint and the message; controls follow them. */
const ChoiceGroup: FC<PropsWithChildren<{ name: string; legend: string; hint?: string; error: string | undefined }>> = ({ name, legend, hint, error, children }) => (
  <FieldWrap error={error}>
    <fieldset aria-describedby={describedBy([hint !== undefined && `${name}-hint`, error !== undefined && `${name}-error`])}>
      <legend>{legend}</legend>
      {hint === undefined ? null : <p class="hint" id={`${name}-hint`}>{hint}</p>}
      <ErrorMessage name={name} message={error} />
      {children}
    </fieldset>
  </FieldWrap>
);

const TopicsField: FC<{ selected: readonly string[]; error: string | undefined }> = ({ selected, error }) => {
  const invalid = error !== undefined;
  return (
    <ChoiceGroup name="topics" legend="Which topics do you want briefings about?" hint="Choose all topics, or the ones that fit your work." error={error}>
      <Choice type="checkbox" name="topics" id="topics" value={ALL_TOPICS} label={ALL_TOPICS_LABEL} checked={selected.includes(ALL_TOPICS)} invalid={invalid} />
      {Object.entries(TOPIC_GROUPS).map(([group, ids]) => (
        <fieldset class="topic-group">
          <legend>{group}</legend>
          {ids.map((id) => <Choice type="checkbox" name="topics" id={`topics-${id}`} value={id} label={TOPICS[id]} checked={selected.includes(id)} invalid={invalid} />)}
        </fieldset>
      ))}
    </ChoiceGroup>
  );
};

const FrequencyField: FC<{ value: string | undefined; error: string | undefined }> = ({ value, error }) => {
  const current = FREQUENCIES.includes(value as (typeof FREQUENCIES)[number]) ? value : 'immediately';
  return (
    <ChoiceGroup name="frequency" legend="How often do you want briefings?" error={error}>
      {FREQUENCIES.map((f, i) => (
        <Choice type="radio" name="frequency" id={i === 0 ? 'frequency' : `frequency-${f}`} value={f} label={FREQUENCY_LABELS[f]} checked={f === current} invalid={error !== undefined} />
      ))}
    </ChoiceGroup>
  );
};

/** The choices both the subscribe and the preferences forms ask for, in the same order. */
const PreferenceFields: FC<{ values: FormValues; errors: Errors }> = ({ values, errors }) => (
  <>
    <SelectField name="agency" label="Your agency" placeholder="Choose your agency" choices={AGENCIES} value={values.agency} error={errors.get('agency')} />
    <SelectField name="role" label="Your role" placeholder="Choose your role" choices={ROLES} value={values.role} error={errors.get('role')} />
    <TopicsField selected={values.topics ?? []} error={errors.get('topics')} />
    <FrequencyField value={values.frequency} error={errors.get('frequency')} />
  </>
);

const PREFERENCE_FIELDS = ['agency', 'role', 'topics', 'frequency'] as const;

// ---- labels for what a subscriber chose ---------------------------------------------------------

const labelOf = (labels: Record<string, string>, id: string) => labelIn(labels, id) ?? id;

function topicLabels(topics: SubscriberSummary['topics']): string[] {
  return topics === ALL_TOPICS ? [ALL_TOPICS_LABEL] : topics.map((t) => labelOf(TOPICS, t));
}

const SummaryList: FC<{ summary: SubscriberSummary }> = ({ summary }) => (
  <dl class="summary">
    <dt>Agency</dt><dd>{labelOf(AGENCIES, summary.agency)}</dd>
    <dt>Role</dt><dd>{labelOf(ROLES, summary.role)}</dd>
    <dt>Topics</dt><dd><ul>{topicLabels(summary.topics).map((t) => <li>{t}</li>)}</ul></dd>
    <dt>How often</dt><dd>{labelOf(FREQUENCY_LABELS, summary.frequency)}</dd>
  </dl>
);

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
    body: (
      <>
        <p>Get short learning briefings from safeguarding reviews and inspections by email. Each one takes about 7 minutes to read.</p>
        <p>You can change what you get, or unsubscribe, at any time.</p>
        <Form action="/subscribe">
          <EmailField value={values.email} error={errors.get('email')} />
          <PreferenceFields values={values} errors={errors} />
          <Button label="Subscribe" />
        </Form>
      </>
    ),
  });
}

/** The same words whatever the address's state, so the page never tells anyone who is subscribed. */
export function checkYourEmailPage(): PageResult {
  return page({
    status: 200,
    title: 'Check your email',
    body: (
      <>
        <p>{`If this address can receive briefings, we have sent it an email with a link to confirm. The link works for ${CONFIRM_HOURS} hours.`}</p>
        <p>If the email has not arrived after 10 minutes, check your junk or spam folder.</p>
        <p>You can also <Link href="/subscribe" label="fill in the form again" />.</p>
      </>
    ),
  });
}

export function confirmedPage(opts: { manageUrl: string; summary: SubscriberSummary }): PageResult {
  const { manageUrl, summary } = opts;
  return page({
    status: 200,
    title: 'Subscription confirmed',
    body: (
      <>
        <p>{`We will send learning briefings to ${summary.maskedEmail}.`}</p>
        <h2>What you chose</h2>
        <SummaryList summary={summary} />
        {isWebLink(manageUrl) ? (
          <p><Link href={manageUrl.trim()} label="Change your preferences" /> at any time. Do not share this link: anyone who has it can change your briefings.</p>
        ) : (
          <p>You can change your preferences with the link at the bottom of every briefing.</p>
        )}
        <p>Every briefing also has links to change your preferences or unsubscribe.</p>
      </>
    ),
  });
}

/** What to do next depends on which link failed; without a purpose, give both ways out. */
function nextStep(kind: 'expired' | 'stale' | 'unknown', purpose: LinkPurpose | undefined): Child {
  const subscribe = <Link href="/subscribe" label="subscribe again" />;
  if (purpose === 'confirm') {
    if (kind === 'stale') return <p>Use the link in the newest confirmation email we sent you, or {subscribe}.</p>;
    return <p>To get a new link, {subscribe}.</p>;
  }
  if (purpose === 'manage' || purpose === 'unsubscribe') return <p>Use the link at the bottom of a more recent briefing email.</p>;
  if (purpose === 'acknowledge') return <p>Use the "I have read this briefing" link in the briefing email itself.</p>;
  return <p>If you get briefings, use the link at the bottom of a more recent briefing. If you were subscribing, {subscribe}.</p>;
}

const COPY_WHOLE_LINK = 'Go back to the email and copy the whole link. Paste it into the address bar of your browser.';

function linkProblemText(problem: LinkProblem, purpose: LinkPurpose | undefined): { title: string; body: Child } {
  switch (problem) {
    case 'missing':
      return { title: 'This link is not complete', body: <><p>Part of the link from the email is missing.</p><p>{COPY_WHOLE_LINK}</p></> };
    case 'malformed':
    case 'tampered':
      return { title: 'This link is not complete or has been changed', body: <><p>Some email programs split long links or add to them.</p><p>{COPY_WHOLE_LINK}</p></> };
    case 'wrong-purpose':
      return {
        title: 'This link is for a different page',
        body: (
          <>
            <p>Each link in our emails does one thing: confirm a subscription, change preferences, unsubscribe, or say you have read a briefing.</p>
            <p>Go back to the email and select the link for what you want to do.</p>
          </>
        ),
      };
    case 'expired':
      return {
        title: 'This link has expired',
        body: <>{purpose === 'confirm' ? <p>{`Confirmation links work for ${CONFIRM_HOURS} hours.`}</p> : null}{nextStep('expired', purpose)}</>,
      };
    case 'stale':
      return {
        title: 'This link no longer works',
        body: <><p>{purpose === 'confirm' ? 'A newer confirmation email has replaced this one.' : 'A newer link has replaced this one.'}</p>{nextStep('stale', purpose)}</>,
      };
    case 'unknown':
      return { title: 'This link does not work', body: <><p>We could not use this link.</p>{nextStep('unknown', purpose)}</> };
  }
}

/** Plain words and a way forward; never the token, never a technical reason. */
export function linkProblemPage(problem: LinkProblem, opts: { purpose?: LinkPurpose } = {}): PageResult {
  const { title, body } = linkProblemText(problem, opts.purpose);
  // Expired and replaced links will never work again: 410 Gone.
  const status = problem === 'expired' || problem === 'stale' ? 410 : 400;
  return page({ status, title, body });
}

const UnsubscribeForm: FC<{ intro: string; token: string }> = ({ intro, token }) => (
  <>
    <h2>Stop all briefings</h2>
    <p>{intro}</p>
    <Form action="/unsubscribe" token={token}><Button label="Unsubscribe from all briefings" warning /></Form>
  </>
);

export function preferencesPage(opts: {
  token: string;
  summary?: SubscriberSummary;
  values?: FormValues;
  errors?: FieldError[];
  saved?: boolean;
}): PageResult {
  const { token, summary } = opts;

  // Someone an admin put on a distribution list has no preferences of their own to change.
  if (!summary) {
    return page({
      status: 200,
      title: 'Your briefings',
      body: (
        <>
          <p>You get these briefings because someone in your organisation added you to a distribution list.</p>
          <p>To change which briefings you get, ask the person who runs that list.</p>
          <UnsubscribeForm intro="You can stop all briefings to this address." token={token} />
        </>
      ),
    });
  }

  const errors = errorMap(opts.errors);
  const hasErrors = errors.size > 0;
  const unsubscribed = summary.status === 'unsubscribed';
  const top = hasErrors ? (
    errorSummary(errors, PREFERENCE_FIELDS)
  ) : opts.saved ? (
    <div class="banner" role="status"><p>Your preferences are saved</p></div>
  ) : null;
  return page({
    status: hasErrors ? 400 : 200,
    title: 'Your briefing preferences',
    hasErrors,
    top,
    body: (
      <>
        <p class="lead">{`Preferences for ${summary.maskedEmail}`}</p>
        {unsubscribed ? <p>You are unsubscribed, so you do not get any briefings. To start them again, save your preferences: we will email you a link to confirm.</p> : null}
        <Form action="/preferences" token={token}>
          <PreferenceFields values={opts.values ?? valuesFrom(summary)} errors={errors} />
          <Button label="Save preferences" />
        </Form>
        {/* Already unsubscribed: a second unsubscribe button would only confuse. */}
        {unsubscribed ? null : (
          <div class="section"><UnsubscribeForm intro="You can stop all briefings. You can subscribe again at any time." token={token} /></div>
        )}
      </>
    ),
  });
}

/** Mail scanners follow GET links, so GET only asks; the POST from this button unsubscribes. */
export function unsubscribeConfirmPage(opts: { token: string }): PageResult {
  return page({
    status: 200,
    title: 'Unsubscribe from all briefings',
    heading: 'Unsubscribe from all briefings?',
    body: (
      <>
        <p>You will stop getting safeguarding learning briefings by email. You can subscribe again at any time.</p>
        <Form action="/unsubscribe" token={opts.token}><Button label="Unsubscribe from all briefings" warning /></Form>
      </>
    ),
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
  const errors: Errors = new Map(error === undefined ? [] : [['answer', error]]);
  return page({
    status: error === undefined ? 200 : 400,
    title: 'I have read this briefing',
    hasErrors: error !== undefined,
    top: errorSummary(errors, ['answer']),
    body: (
      <>
        <p>Briefing: <strong>{opts.title}</strong></p>
        {/* Answers are kept apart from the person, so one given cannot be found again to change: say so, and ask for none. */}
        {opts.already && opts.answered ? (
          <p>You have already told us you read it, and your team’s answer is saved. Answers are kept without your name or email address, so a saved answer cannot be changed.</p>
        ) : opts.already ? (
          <p>You have already told us you read it. You can still add your team’s answer: one answer is kept, and it cannot be changed afterwards.</p>
        ) : (
          <p>Thank you for reading it. Press the button to let your partnership know. An answer, if you give one, is kept as written and cannot be changed afterwards.</p>
        )}
        {opts.already && opts.answered ? null : (
          <Form action="/acknowledge" token={opts.token}>
            <TextInputField
              name="answer"
              type="text"
              label="What will your team do differently? (optional)"
              hint={`One line, up to ${ANSWER_MAX_CHARS} characters. It is kept apart from your name and email address, with your agency and role and the day only.`}
              value={opts.answer}
              error={error}
              attributes={{ maxlength: ANSWER_MAX_CHARS, autocomplete: 'off' }}
            />
            <Button label={opts.already ? 'Add our answer' : 'I have read this briefing'} />
          </Form>
        )}
      </>
    ),
  });
}

export function acknowledgedPage(opts: { title: string; answered: boolean; masked?: boolean; alreadyAnswered?: boolean }): PageResult {
  return page({
    status: 200,
    title: 'Thank you',
    body: (
      <>
        <p>Your partnership now knows you have read <strong>{opts.title}</strong>.</p>
        {opts.answered ? <p>Your answer is saved, without your name or email address.</p> : null}
        {opts.masked ? <p>It looked as if it held personal details (such as an email address, a phone or NHS number, or a name), so those were hidden before it was saved.</p> : null}
        {opts.alreadyAnswered ? <p>Your team’s answer was saved the first time; it is kept as it was.</p> : null}
        <p>You can close this page.</p>
      </>
    ),
  });
}

/** Mail scanners follow links in emails too, so the confirm link only asks; this button's POST confirms. */
export function confirmSubscriptionPage(opts: { token: string }): PageResult {
  return page({
    status: 200,
    title: 'Confirm your subscription',
    body: (
      <>
        <p>Confirm that you want safeguarding learning briefings sent to this email address.</p>
        <Form action="/confirm" token={opts.token}><Button label="Confirm my subscription" /></Form>
      </>
    ),
  });
}

export function unsubscribedPage(): PageResult {
  return page({
    status: 200,
    title: 'Unsubscribed',
    body: (
      <>
        <p>You are unsubscribed. You will not receive any more briefings.</p>
        <p>If you change your mind, <Link href="/subscribe" label="subscribe again" />.</p>
      </>
    ),
  });
}

export function tooManyRequestsPage(): PageResult {
  return page({
    status: 429,
    title: 'Too many requests',
    body: <><p>There have been too many requests in a short time.</p><p>Please try again in an hour.</p></>,
  });
}

export function notFoundPage(): PageResult {
  return page({
    status: 404,
    title: 'Page not found',
    body: (
      <>
        <p>If you typed the web address, check it is correct. If you used a link from an email, copy the whole link.</p>
        <p>To get learning briefings, <Link href="/subscribe" label="subscribe" />.</p>
      </>
    ),
  });
}

export function serverErrorPage(): PageResult {
  return page({ status: 500, title: 'Sorry, there is a problem with the service', body: <p>Please try again later.</p> });
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
  return page({
    status: 200,
    title,
    indexable: true,
    body: (
      <>
        <p>Each briefing ends with the actions for your agency. Choose yours:</p>
        <ul class="list">
          {Object.entries(AGENCIES).map(([agency, label]) => <li><Link href={briefingPagePath(findingId, { agency, role: 'frontline' })} label={label} /></li>)}
        </ul>
      </>
    ),
  });
}

/** A withdrawn briefing: 410 Gone, with a short notice. */
export function briefingWithdrawnPage(title: string): PageResult {
  return page({
    status: 410,
    title: 'This briefing was withdrawn',
    body: (
      <>
        <p><strong>{title}</strong> was withdrawn by the partnership. Do not use it.</p>
        <p>To get learning briefings, <Link href="/subscribe" label="subscribe" />.</p>
      </>
    ),
  });
}
