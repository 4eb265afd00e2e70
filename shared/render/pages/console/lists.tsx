import type { BadRow } from '../../../core/members-csv';
import type { Member } from '../../../core/audience';
import { AGENCIES, AGENCY_IDS, ROLES, ROLE_IDS, TOPICS, TOPIC_IDS } from '../../../core/taxonomy';
import { Checkboxes, CsrfField, ErrorSummary, Layout, Notice, TextField, choicesOf, errorsFor, page, type FieldErrors, type PageContext } from './layout';

const listHref = (id: string) => `/console/list?id=${encodeURIComponent(id)}`;

export interface ListRow {
  id: string;
  name: string;
  filters: string;
  members: number;
  invalidMembers: number;
}

export function listsPage(context: PageContext, view: { rows: ListRow[]; invalid: { key: string; problems: string[] }[]; notice?: string }) {
  return page(
    <Layout title="Distribution lists" context={context}>
      {view.notice ? <Notice>{view.notice}</Notice> : null}
      <p>A list's members get every briefing that matches its filters, as well as the people who subscribed to its topics.</p>
      <p><a class="button" href="/console/list/edit">Create a list</a></p>
      {view.rows.length ? (
        <div class="table-wrap">
          <table>
            <caption class="skip">Every distribution list</caption>
            <thead><tr><th scope="col">List</th><th scope="col">Members</th><th scope="col">Gets briefings on</th></tr></thead>
            <tbody>
              {view.rows.map((row) => (
                <tr>
                  <td><a href={listHref(row.id)}>{row.name}</a><br /><span class="hint">{row.id}</span></td>
                  <td>{row.members}{row.invalidMembers ? ` (and ${row.invalidMembers} to fix)` : ''}</td>
                  <td>{row.filters}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No lists yet.</p>
      )}
      {view.invalid.length ? (
        <Notice warn>
          <h2>Lists stored badly (the pipeline skips them)</h2>
          <ul>{view.invalid.map((entry) => <li><a href={listHref(entry.key)}>{entry.key}</a>: {entry.problems.join(' ')}</li>)}</ul>
        </Notice>
      ) : null}
    </Layout>,
  );
}

type ShownList = { id: string; name: string; broken?: readonly string[] };

export function listPage(
  context: PageContext,
  view: { list: ShownList; filters?: string; total: number; invalid: { key: string; problems: string[] }[]; query: string; matching: number; shown: Member[]; notice?: string },
) {
  const { list } = view;
  return page(
    <Layout title={list.name} context={context}>
      {view.notice ? <Notice>{view.notice}</Notice> : null}
      {list.broken ? (
        <Notice warn>This list is stored badly and the pipeline skips it: {list.broken.join(' ')} Edit it to fix it.</Notice>
      ) : null}
      <dl>
        <dt>Id</dt><dd>{list.id}</dd>
        <dt>Gets briefings on</dt><dd>{view.filters ?? 'nothing until it is fixed'}</dd>
        <dt>Members</dt><dd>{view.total}</dd>
      </dl>
      <div class="actions"><a class="button secondary" href={`/console/list/edit?id=${encodeURIComponent(list.id)}`}>Edit the list</a></div>

      <h2>Add or update members</h2>
      <form method="post" action="/console/list/members" enctype="multipart/form-data">
        <CsrfField csrf={context.csrf} />
        <input type="hidden" name="id" value={list.id} />
        <div class="field">
          <label for="f-csv">CSV file</label>
          <p class="hint" id="f-csv-hint">
            The first line names the columns: email,name,agency,role. Rows already on the list are updated; rows with a problem are listed with
            their line number and nothing else is lost.
          </p>
          <input type="file" id="f-csv" name="csv" accept=".csv,text/csv" aria-describedby="f-csv-hint" />
        </div>
        <button type="submit">Upload</button>
      </form>

      <h2>Members</h2>
      <form method="get" action="/console/list" role="search">
        <input type="hidden" name="id" value={list.id} />
        <TextField name="q" label="Search members" hint="Part of an address, a name, an agency or a role." type="search" value={view.query} />
        <button type="submit" class="secondary">Search</button>
      </form>
      <p role="status">
        {view.query ? `${view.matching} of ${view.total} member(s) match “${view.query}”.` : `${view.total} member(s).`}
        {view.matching > view.shown.length ? ` Showing the first ${view.shown.length}: search to narrow them.` : ''}
      </p>
      {view.shown.length ? (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Agency</th><th scope="col">Role</th></tr></thead>
            <tbody>
              {view.shown.map((member) => (
                <tr><td>{member.email}</td><td>{member.name}</td><td>{AGENCIES[member.agency]}</td><td>{ROLES[member.role]}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {view.invalid.length ? (
        <Notice warn>
          <h2>Members stored badly (the pipeline skips them)</h2>
          <p>Upload them again in a CSV to fix them.</p>
          <ul>{view.invalid.map((entry) => <li>{entry.key}: {entry.problems.join(' ')}</li>)}</ul>
        </Notice>
      ) : null}
      <p><a href="/console/lists">All lists</a></p>
    </Layout>,
  );
}

export function listEditPage(context: PageContext, form: { values: { id?: string; name?: string; topics?: string[]; agencies?: string[]; roles?: string[] }; errors: FieldErrors; isNew: boolean }) {
  const { values, errors } = form;
  return page(
    <Layout title={form.isNew ? 'Create a list' : `Edit: ${values.name || values.id}`} context={context}>
      <ErrorSummary errors={errors} />
      <form method="post" action="/console/list/edit" novalidate>
        <CsrfField csrf={context.csrf} />
        <input type="hidden" name="new" value={form.isNew ? 'yes' : 'no'} />
        <TextField name="id" label="Id" hint="A short name, for example school-dsls: lower-case letters, digits and dashes. It cannot change later." value={values.id} errors={errorsFor(errors, 'id')} readonly={!form.isNew} />
        <TextField name="name" label="Name" hint="The name people recognise, for example School designated safeguarding leads." value={values.name} errors={errorsFor(errors, 'name')} />
        <Checkboxes name="topics" label="Topics" hint="Its members get briefings on any of these. Choose none for every topic." values={values.topics ?? []} options={choicesOf(TOPICS, TOPIC_IDS)} errors={errorsFor(errors, 'topics')} />
        <Checkboxes name="agencies" label="Agencies" hint="Only briefings for these agencies. Choose none for every agency." values={values.agencies ?? []} options={choicesOf(AGENCIES, AGENCY_IDS)} errors={errorsFor(errors, 'agencies')} />
        <Checkboxes name="roles" label="Roles" hint="Only members in these roles. Choose none for every role." values={values.roles ?? []} options={choicesOf(ROLES, ROLE_IDS)} errors={errorsFor(errors, 'roles')} />
        <div class="actions">
          <button type="submit">{form.isNew ? 'Create the list' : 'Save'}</button>
          <a class="button secondary" href={form.isNew || !values.id ? '/console/lists' : listHref(values.id)}>Cancel</a>
        </div>
      </form>
    </Layout>,
  );
}

export function importResultPage(context: PageContext, view: { list: ShownList; imported?: number; bad?: BadRow[]; error?: string }) {
  const errors = view.error ? [{ field: 'csv', messages: [view.error] }] : [];
  return page(
    <Layout title={`Upload to ${view.list.name}`} context={context}>
      <ErrorSummary errors={errors} />
      {view.imported !== undefined ? <Notice>{`${view.imported} member(s) added or updated.`}</Notice> : null}
      {view.bad?.length ? (
        <>
          <h2>{`${view.bad.length} row(s) were not imported`}</h2>
          <p>Fix these rows in the file and upload it again: rows already imported are simply updated.</p>
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Line</th><th scope="col">What to fix</th></tr></thead>
              <tbody>
                {view.bad.map((row) => (
                  <tr><td>{row.line}</td><td><ul>{row.problems.map((problem) => <li>{problem}</li>)}</ul></td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <p><a class="button secondary" id="f-csv" href={listHref(view.list.id)}>Back to the list</a></p>
    </Layout>,
  );
}
