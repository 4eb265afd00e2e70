/** The subscription pages: subscribe, confirm, preferences, unsubscribe, and what to do about a link that cannot be used. */
import type { Child, FC } from 'hono/jsx';
import type { FieldError } from '../../core/finding/finding';
import type { SubscriberSummary } from '../../core/subscriber';
import { TOKEN_LIFETIME_SECONDS, type LinkProblem, type TokenPurpose as LinkPurpose } from '../../core/tokens';
import { type PageResult, page, Link, Button, Form } from './shell';
import { type FormValues, errorMap, errorSummary, EmailField, PreferenceFields, PREFERENCE_FIELDS, SummaryList, valuesFrom } from './fields';

const CONFIRM_HOURS = TOKEN_LIFETIME_SECONDS.confirm / 3600;

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
