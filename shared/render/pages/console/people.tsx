import type { FC } from 'hono/jsx';
import { AGENCIES, ROLES, TOPICS } from '../../../core/taxonomy';
import { ALL_TOPICS } from '../../../core/subscriber';
import type { PersonRecord } from '../../../core/person-record';
import { CsrfField, ErrorSummary, Layout, Notice, TextField, page, type PageContext } from './layout';

/** A form that acts on one address: the address goes in the POST body, with the CSRF token. */
const AddressForm: FC<{ context: PageContext; action: string; email: string; button: string; warning?: boolean; confirmed?: boolean }> = (props) => (
  <form method="post" action={props.action}>
    <CsrfField csrf={props.context.csrf} />
    <input type="hidden" name="email" value={props.email} />
    {props.confirmed ? <input type="hidden" name="confirmed" value="yes" /> : null}
    <button type="submit" class={props.warning ? 'warning' : 'secondary'}>{props.button}</button>
  </form>
);

export function peoplePage(context: PageContext, view: { email?: string; error?: string; notice?: string }) {
  const errors = view.error ? [{ field: 'email', messages: [view.error] }] : [];
  return page(
    <Layout title="People" context={context}>
      <ErrorSummary errors={errors} />
      {view.notice ? <Notice>{view.notice}</Notice> : null}
      <p>Find what is held about one person: their subscription, the lists they are on, and whether mail to them is stopped. From there, export it all for a subject access request, or erase it.</p>
      <form method="post" action="/console/people" novalidate>
        <CsrfField csrf={context.csrf} />
        <TextField name="email" label="Email address" type="email" autocomplete="off" value={view.email} errors={errors[0]?.messages} />
        <button type="submit">Look up</button>
      </form>
    </Layout>,
  );
}

const Record: FC<{ record: PersonRecord }> = ({ record }) => {
  const { subscriber, suppression, memberships } = record;
  return (
    <dl>
      <dt>Subscription</dt>
      <dd>
        {subscriber ? (
          <>
            {subscriber.status} since {subscriber.statusAt.slice(0, 10)}{subscriber.statusReason ? ` (${subscriber.statusReason})` : ''}; {AGENCIES[subscriber.agency]}, {ROLES[subscriber.role]};{' '}
            {subscriber.frequency}; topics: {subscriber.topics === ALL_TOPICS ? 'all' : subscriber.topics.map((t) => TOPICS[t]).join(', ')}
          </>
        ) : (
          'None'
        )}
      </dd>
      <dt>On lists</dt>
      <dd>{memberships.length ? memberships.map((m) => `${m.listId} (as ${m.name}, ${AGENCIES[m.agency]}, ${ROLES[m.role]})`).join('; ') : 'None'}</dd>
      <dt>Mail stopped</dt>
      <dd>{suppression ? `Yes: ${suppression.reason}, ${suppression.at.slice(0, 10)}${suppression.detail ? ` (${suppression.detail})` : ''}` : 'No'}</dd>
    </dl>
  );
};

export function personPage(context: PageContext, view: { record: PersonRecord; empty: boolean; notice?: string }) {
  const { record } = view;
  return page(
    <Layout title={record.email} context={context}>
      {view.notice ? <Notice>{view.notice}</Notice> : null}
      {view.empty ? <p>Nothing is held for this address: not a subscriber, on no list, and mail to it is not stopped. Emails sent to it earlier are in the export.</p> : <Record record={record} />}
      <h2>Subject access</h2>
      <p>Everything held about this address, with every email sent to it, as a JSON file.</p>
      <AddressForm context={context} action="/console/people/export" email={record.email} button="Download the data held" />
      {record.suppression ? null : (
        <>
          <h2>Stop mail</h2>
          <p>No briefing or digest goes to this address again, from any list or subscription.</p>
          <AddressForm context={context} action="/console/people/suppress" email={record.email} button="Stop all mail to this address" />
        </>
      )}
      <h2>Erasure</h2>
      <p>Removes the subscription and list entries, and the address from every email sent. You confirm on the next page.</p>
      <AddressForm context={context} action="/console/people/erase" email={record.email} button="Erase…" warning />
      <p><a href="/console/people">Look up someone else</a></p>
    </Layout>,
  );
}

export function eraseConfirmPage(context: PageContext, view: { record: PersonRecord }) {
  return page(
    <Layout title="Erase this person's data?" context={context}>
      <p><strong>{view.record.email}</strong></p>
      <Record record={view.record} />
      <Notice warn>
        This cannot be undone. The subscription and list entries go, and every email sent keeps only its briefing, agency, role and status, so the reports still
        count it. If mail to the address was stopped, that stays, without the address.
      </Notice>
      <div class="actions">
        <AddressForm context={context} action="/console/people/erase" email={view.record.email} button="Yes, erase it" warning confirmed />
        <a class="button secondary" href="/console/people">No, go back</a>
      </div>
    </Layout>,
  );
}
