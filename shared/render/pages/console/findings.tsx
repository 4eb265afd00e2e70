import type { FC } from 'hono/jsx';
import type { GateResult } from '../../../core/gate/anonymisation';
import { AGENCIES, ROLES, SOURCE_TYPES, TOPICS, AGENCY_IDS, ROLE_IDS, SOURCE_TYPE_IDS, TOPIC_IDS, ALL_AGENCIES } from '../../../core/taxonomy';
import type { AuditEntry } from '../../../core/console/audit';
import { ACTION_LABELS, type FindingAction } from '../../../core/console/finding-actions';
import { ACTION_KEYS, type FindingFormValues } from '../../../core/console/finding-form';
import { Checkboxes, CsrfField, ErrorSummary, Layout, Notice, Select, TextArea, TextField, choicesOf, errorsFor, page, type FieldErrors, type PageContext } from './layout';
import { can } from '../../../core/console/roles';
import type { SignInChallenge } from '../../../core/console/sign-in';


export function signInPage(context: PageContext, form: { token: string; email?: string; error?: string; next?: string }) {
  const errors = form.error ? [{ field: 'email', messages: [form.error] }] : [];
  return page(
    <Layout title="Sign in" context={context}>
      <ErrorSummary errors={errors} />
      <p>Sign in with the work email address and password your partnership's administrator gave you.</p>
      <form method="post" action="/console/sign-in" novalidate>
        <input type="hidden" name="token" value={form.token} />
        <input type="hidden" name="next" value={form.next ?? ''} />
        <TextField name="email" label="Email address" type="email" autocomplete="username" value={form.email} errors={errors[0]?.messages} />
        <TextField name="password" label="Password" type="password" autocomplete="current-password" />
        <button type="submit">Sign in</button>
      </form>
    </Layout>,
  );
}

const CHALLENGE_WORDS: Record<SignInChallenge, { title: string; label: string; hint: string; type: string; autocomplete: string }> = {
  NEW_PASSWORD_REQUIRED: {
    title: 'Choose a new password',
    label: 'New password',
    hint: 'This is your first sign-in: choose your own password, at least 12 characters with upper and lower case letters, a number and a symbol.',
    type: 'password',
    autocomplete: 'new-password',
  },
  SOFTWARE_TOKEN_MFA: { title: 'Enter your code', label: 'Code from your authenticator app', hint: 'The 6-digit code your authenticator app shows now.', type: 'text', autocomplete: 'one-time-code' },
  MFA_SETUP: {
    title: 'Set up your authenticator app',
    label: 'Code from your authenticator app',
    hint: 'Add the key below to an authenticator app, then type the 6-digit code it shows. You will need the app each time you sign in.',
    type: 'text',
    autocomplete: 'one-time-code',
  },
};

export function challengePage(context: PageContext, form: { token: string; challenge: SignInChallenge; session: string; email: string; secret?: string; error?: string; next?: string }) {
  const words = CHALLENGE_WORDS[form.challenge];
  const errors = form.error ? [{ field: 'answer', messages: [form.error] }] : [];
  return page(
    <Layout title={words.title} context={context}>
      <ErrorSummary errors={errors} />
      {form.secret ? (
        <p>
          Key for your authenticator app: <code>{form.secret}</code>
        </p>
      ) : null}
      <form method="post" action="/console/sign-in" novalidate>
        <input type="hidden" name="token" value={form.token} />
        <input type="hidden" name="challenge" value={form.challenge} />
        <input type="hidden" name="session" value={form.session} />
        <input type="hidden" name="email" value={form.email} />
        <input type="hidden" name="next" value={form.next ?? ''} />
        <TextField name="answer" label={words.label} hint={words.hint} type={words.type} autocomplete={words.autocomplete} errors={errors[0]?.messages} />
        <button type="submit">Continue</button>
      </form>
    </Layout>,
  );
}

export interface FindingRow {
  id: string;
  title: string;
  status: string;
  version?: number;
  held: string[];
  approvedBy?: string;
  progress?: { sent: number; failed: number; recipients: number };
  publishedVersion?: number;
}

const StatusTag: FC<{ row: Pick<FindingRow, 'status' | 'held' | 'approvedBy' | 'publishedVersion' | 'version'> }> = ({ row }) => (
  <>
    <span class={`tag ${row.held.length ? 'held' : row.status}`}>{row.held.length ? `${row.status}, held` : row.status}</span>
    {row.status === 'draft' && row.publishedVersion ? <> correction of version {row.publishedVersion}</> : null}
    {row.status === 'draft' ? <> {row.approvedBy ? `approved by ${row.approvedBy}` : 'waiting for approval'}</> : null}
  </>
);

const Progress: FC<{ progress?: FindingRow['progress'] }> = ({ progress }) =>
  progress ? (
    <>
      <progress max={Math.max(progress.recipients, 1)} value={progress.sent + progress.failed} aria-label="Sending progress" />
      <br />
      {progress.sent} of {progress.recipients} sent{progress.failed ? `, ${progress.failed} failed` : ''}
    </>
  ) : (
    <>Not sent</>
  );

export function findingsPage(context: PageContext, rows: FindingRow[], notice?: string) {
  return page(
    <Layout title="Findings" context={context}>
      {notice ? <Notice>{notice}</Notice> : null}
      {context.user && can(context.user, 'edit') ? (
        <p>
          <a class="button" href="/console/finding/edit">Write a new finding</a>
        </p>
      ) : null}
      {rows.length ? (
        <div class="table-wrap">
          <table>
            <caption class="skip">Every finding, newest first</caption>
            <thead>
              <tr><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Version</th><th scope="col">Held because</th><th scope="col">Sending</th></tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  <td><a href={`/console/finding?id=${encodeURIComponent(row.id)}`}>{row.title || row.id}</a></td>
                  <td><StatusTag row={row} /></td>
                  <td>{row.version ?? '?'}</td>
                  <td>{row.held.length ? <ul>{row.held.map((line) => <li>{line}</li>)}</ul> : 'Nothing'}</td>
                  <td><Progress progress={row.progress} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No findings yet.</p>
      )}
    </Layout>,
  );
}

const GateResults: FC<{ gate?: GateResult; released?: string }> = ({ gate, released }) => {
  if (!gate) return null;
  if (!gate.blocked.length && !gate.warnings.length) return <Notice>Anonymisation check: nothing found.</Notice>;
  return (
    <div class={gate.blocked.length && !released ? 'notice warn' : 'notice'} role="status">
      <h2>Anonymisation check</h2>
      {gate.blocked.length ? <p>{released ? `Released: ${released}` : 'It holds this finding: nothing is sent while it finds these.'}</p> : null}
      <ul>
        {gate.blocked.map((hit) => <li>{hit.message}</li>)}
        {gate.warnings.map((hit) => <li>Warning (not held): {hit.message}</li>)}
      </ul>
    </div>
  );
};

export interface FindingView {
  row: FindingRow;
  item: Record<string, unknown>;
  gate?: GateResult;
  problems: string[];
  actions: { action: FindingAction; problem?: string }[];
  changedFields?: string[];
  released?: string;
}

export function findingPage(context: PageContext, view: FindingView, notice?: string) {
  const { row, item } = view;
  const canEdit = context.user && can(context.user, 'edit');
  return page(
    <Layout title={row.title || row.id} context={context}>
      {notice ? <Notice>{notice}</Notice> : null}
      <dl>
        <dt>Id</dt><dd>{row.id}</dd>
        <dt>Status</dt><dd><StatusTag row={row} /></dd>
        <dt>Version</dt><dd>{row.version ?? '?'}</dd>
        <dt>Written by</dt><dd>{String(item.editedBy ?? item.createdBy ?? 'not recorded (written outside the console)')}</dd>
        <dt>Sending</dt><dd><Progress progress={row.progress} /></dd>
        {view.changedFields?.length ? <><dt>Changed since the version sent</dt><dd>{view.changedFields.join(', ')}</dd></> : null}
      </dl>
      {row.held.length ? (
        <div class="notice warn" role="status">
          <h2>Held: not sent</h2>
          <ul>{row.held.map((line) => <li>{line}</li>)}</ul>
        </div>
      ) : null}
      {view.problems.length ? (
        <div class="notice warn" role="status">
          <h2>To fix before it can be approved</h2>
          <ul>{view.problems.map((line) => <li>{line}</li>)}</ul>
        </div>
      ) : null}
      <GateResults gate={view.gate} released={view.released} />
      <div class="actions">
        {canEdit ? <a class="button secondary" href={`/console/finding/edit?id=${encodeURIComponent(row.id)}`}>{row.status === 'published' ? 'Correct it' : 'Edit'}</a> : null}
        <a class="button secondary" href={`/console/finding/preview?id=${encodeURIComponent(row.id)}`}>Preview</a>
        <a class="button secondary" href={`/console/reports?finding=${encodeURIComponent(row.id)}`}>Report</a>
        {row.status === 'published' ? <a class="button secondary" href={`/briefing?f=${encodeURIComponent(row.id)}`}>In the archive</a> : null}
      </div>
      {view.actions.length ? (
        <>
          <h2>Actions</h2>
          <ul>
            {view.actions.map(({ action, problem }) => (
              <li>
                {problem ? (
                  <>{ACTION_LABELS[action].button}: not now. {problem}</>
                ) : (
                  <a href={`/console/finding/confirm?id=${encodeURIComponent(row.id)}&action=${action}`}>{ACTION_LABELS[action].button}</a>
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Layout>,
  );
}


export function editPage(context: PageContext, form: { values: FindingFormValues; errors: FieldErrors; isNew: boolean; correcting?: number; gate?: GateResult }) {
  const { values, errors } = form;
  const value = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]).join('\n') : ((values[name] as string | undefined) ?? ''));
  const chosen = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : values[name] ? [values[name] as string] : []);
  return page(
    <Layout title={form.isNew ? 'Write a new finding' : `Edit: ${value('title') || value('id')}`} context={context}>
      <ErrorSummary errors={errors} />
      {form.correcting ? <Notice>Version {form.correcting} went out. Saving starts version {form.correcting + 1}: a correction, sent once it is approved and published to those who had it.</Notice> : null}
      <GateResults gate={form.gate} />
      <form method="post" action="/console/finding/edit" novalidate>
        <CsrfField csrf={context.csrf} />
        <input type="hidden" name="new" value={form.isNew ? 'yes' : 'no'} />
        <TextField name="id" label="Id" hint="A short name for this finding, for example jtai-mash-2022: letters, digits and dashes. It cannot change later." value={value('id')} errors={errorsFor(errors, 'id')} readonly={!form.isNew} />
        <TextField name="title" label="Title" hint="The briefing's heading and the email's subject." value={value('title')} errors={errorsFor(errors, 'title')} />
        <Select name="source.type" label="Source" hint="Where the learning comes from." value={value('source.type')} options={choicesOf(SOURCE_TYPES, SOURCE_TYPE_IDS)} errors={errorsFor(errors, 'source.type')} />
        <TextField name="source.name" label="Name of the review or inspection" value={value('source.name')} errors={errorsFor(errors, 'source.name')} />
        <TextField name="source.published" label="Published" hint="YYYY-MM or YYYY-MM-DD, for example 2022-05." value={value('source.published')} errors={errorsFor(errors, 'source.published')} />
        <TextField name="source.url" label="Web address of the report (optional)" value={value('source.url')} errors={errorsFor(errors, 'source.url')} />
        <Checkboxes name="topics" label="Topics" hint="Subscribers who chose any of these get it." values={chosen('topics')} options={choicesOf(TOPICS, TOPIC_IDS)} errors={errorsFor(errors, 'topics')} />
        <Checkboxes name="agencies" label="Agencies" hint="Whose practitioners it is for; lists for these agencies get it." values={chosen('agencies')} options={choicesOf(AGENCIES, AGENCY_IDS)} errors={errorsFor(errors, 'agencies')} />
        <TextArea name="background" label="Background" hint="What happened, in general terms: no names, dates of birth, addresses or case numbers." value={value('background')} errors={errorsFor(errors, 'background')} />
        <TextArea name="whyItMatters" label="Why it matters" value={value('whyItMatters')} errors={errorsFor(errors, 'whyItMatters')} />
        <TextArea name="findings" label="What was found" hint="One finding per line." value={value('findings')} errors={errorsFor(errors, 'findings')} />
        <TextArea name="learning" label="Learning" hint="One learning point per line." value={value('learning')} errors={errorsFor(errors, 'learning')} />
        <TextArea name="goodPractice" label="Good practice (optional)" hint="One example per line." value={value('goodPractice')} errors={errorsFor(errors, 'goodPractice')} />
        <TextArea name="questions" label="Questions for the team" hint="One question per line." value={value('questions')} errors={errorsFor(errors, 'questions')} />
        <h2>What should each agency do?</h2>
        <p class="hint">One action per line. Everyone gets the actions for all agencies; each agency also gets its own.</p>
        {ACTION_KEYS.map((key) => (
          <TextArea name={`actions.${key}`} label={key === ALL_AGENCIES ? 'All agencies' : AGENCIES[key as keyof typeof AGENCIES]} value={value(`actions.${key}`)} errors={errorsFor(errors, `actions.${key}`)} rows={3} />
        ))}
        {errorsFor(errors, 'actions') ? <p class="error-message" id="f-actions">{errorsFor(errors, 'actions')!.join(' ')}</p> : null}
        <TextArea name="furtherReading" label="Further reading (optional)" hint="One per line: title | https://web address" value={value('furtherReading')} errors={errorsFor(errors, 'furtherReading')} rows={3} />
        {errorsFor(errors, '(item)') ? <p class="error-message" id="f-item-">{errorsFor(errors, '(item)')!.join(' ')}</p> : null}
        <div class="actions">
          <button type="submit">Save as a draft</button>
          <a class="button secondary" href={form.isNew ? '/console/findings' : `/console/finding?id=${encodeURIComponent(value('id'))}`}>Cancel</a>
        </div>
      </form>
    </Layout>,
  );
}

export function previewPage(context: PageContext, view: { id: string; title: string; agency: string; role: string; html: string; text: string; subject: string }) {
  return page(
    <Layout title={`Preview: ${view.title}`} context={context}>
      <form method="get" action="/console/finding/preview">
        <input type="hidden" name="id" value={view.id} />
        <Select name="agency" label="Agency" value={view.agency} options={choicesOf(AGENCIES, AGENCY_IDS)} />
        <Select name="role" label="Role" value={view.role} options={choicesOf(ROLES, ROLE_IDS)} />
        <button type="submit" class="secondary">Show this preview</button>
      </form>
      <h2>Subject: {view.subject}</h2>
      <h2>The email (HTML)</h2>
      {/* The email's own HTML, sandboxed: no script runs and nothing it links to loads in the console. */}
      <iframe title={`The email as ${view.agency} ${view.role} receive it`} sandbox="" srcdoc={view.html} />
      <h2>The email (plain text)</h2>
      <pre>{view.text}</pre>
      <p><a href={`/console/finding?id=${encodeURIComponent(view.id)}`}>Back to the finding</a></p>
    </Layout>,
  );
}

export function confirmPage(context: PageContext, view: { id: string; title: string; action: FindingAction; changedFields?: string[]; gate?: GateResult; error?: string; reason?: string }) {
  const words = ACTION_LABELS[view.action];
  const errors = view.error ? [{ field: 'reason', messages: [view.error] }] : [];
  return page(
    <Layout title={words.confirm} context={context}>
      <ErrorSummary errors={errors} />
      <p>Finding: <strong>{view.title}</strong> ({view.id})</p>
      {view.changedFields?.length ? <Notice>This is a correction. Changed since the version sent: {view.changedFields.join(', ')}. Those who had it get these changes.</Notice> : null}
      <GateResults gate={view.gate} />
      <form method="post" action="/console/finding/confirm" novalidate>
        <CsrfField csrf={context.csrf} />
        <input type="hidden" name="id" value={view.id} />
        <input type="hidden" name="action" value={view.action} />
        {view.action === 'release' ? (
          <TextArea name="reason" label="Why is what the check found not personal data?" hint="Recorded with your name on the finding and in the audit log." value={view.reason} errors={errors[0]?.messages} rows={3} />
        ) : null}
        <div class="actions">
          <button type="submit" class={view.action === 'withdraw' ? 'warning' : undefined}>{`Yes, ${words.button.toLowerCase()}`}</button>
          <a class="button secondary" href={`/console/finding?id=${encodeURIComponent(view.id)}`}>No, go back</a>
        </div>
      </form>
    </Layout>,
  );
}

export function reportsPage(context: PageContext, view: { finding?: string; from?: string; to?: string; error?: string; reportHtml?: string; description?: string; empty?: boolean }) {
  const errors = view.error ? [{ field: 'from', messages: [view.error] }] : [];
  return page(
    <Layout title="Reports" context={context}>
      <ErrorSummary errors={errors} />
      <form method="get" action="/console/reports">
        <TextField name="finding" label="Finding id (optional)" hint="One finding's report; leave it empty for a period." value={view.finding} />
        <TextField name="from" label="From (optional)" hint="YYYY-MM-DD" value={view.from} errors={errors[0]?.messages} />
        <TextField name="to" label="To (optional)" hint="YYYY-MM-DD" value={view.to} />
        <button type="submit" class="secondary">Show the report</button>
      </form>
      {view.empty ? <p>{view.description}: nothing was sent, so there is nothing to report.</p> : null}
      {view.reportHtml ? (
        <>
          <h2>{view.description}</h2>
          {/* The report's own HTML page (charts included), escaped by its renderer, shown sandboxed. */}
          <iframe title={`Dissemination report: ${view.description ?? ''}`} sandbox="" srcdoc={view.reportHtml} />
        </>
      ) : null}
    </Layout>,
  );
}

export function auditPage(context: PageContext, view: { month: string; entries: AuditEntry[] }) {
  return page(
    <Layout title={`Audit log: ${view.month}`} context={context}>
      <p>Every change made in the console, newest first. Entries are only ever added.</p>
      <form method="get" action="/console/audit">
        <TextField name="month" label="Month" hint="YYYY-MM" value={view.month} />
        <button type="submit" class="secondary">Show</button>
      </form>
      {view.entries.length ? (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Finding</th><th scope="col">Version</th></tr></thead>
            <tbody>
              {view.entries.map((entry) => (
                <tr><td>{entry.at.replace('T', ' ').slice(0, 19)}</td><td>{entry.who}</td><td>{entry.action}{entry.detail ? `: ${entry.detail}` : ''}</td><td>{entry.findingId ?? ''}</td><td>{entry.version ?? ''}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>Nothing was done in the console that month.</p>
      )}
    </Layout>,
  );
}

export function messagePage(context: PageContext, title: string, message: string) {
  return page(
    <Layout title={title} context={context}>
      <p>{message}</p>
      <p><a href="/console/findings">Back to the findings</a></p>
    </Layout>,
  );
}
