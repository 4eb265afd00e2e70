import type { DistributionList, Member } from '../../core/audience';
import type { ListStore } from '../../core/ports';
import { describeFilters, importMembersCsv, listExists, saveList } from '../lists/lists';
import { MembersCsvError } from '../../core/members-csv';
import { fieldOf, type ConsoleKit } from './kit';
import type { FieldError } from '../../core/finding/finding';
import { importResultPage, listEditPage, listPage, listsPage } from '../../render/pages/console/lists';

/** How many members one page shows; a search narrows them. */
export const MEMBERS_SHOWN = 100;

const LIST_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const matches = (member: Member, query: string) =>
  [member.email, member.name, member.agency, member.role].some((value) => value.toLowerCase().includes(query));

/**
 * Distribution lists in the console: create and edit them (the pipeline's own field errors),
 * upload members as CSV (good rows written, bad rows listed by line), search members. Editors only:
 * members are named people.
 */
export function listRoutes(kit: ConsoleKit, lists: ListStore) {
  const { app, html, context, message, refuse, audit } = kit;
  const listOr404 = async (id: string | undefined) => {
    if (!id || !LIST_ID.test(id)) return undefined;
    const found = await lists.getList(id);
    return found.valid[0] ?? (found.invalid.length ? ({ id, name: id, broken: found.invalid.flatMap((entry) => entry.problems) } as const) : undefined);
  };

  app.get('/console/lists', async (c) => {
    const denied = refuse(c, 'edit');
    if (denied) return denied;
    const all = await lists.allLists();
    const rows = await Promise.all(
      all.valid
        .sort((a, b) => a.id.localeCompare(b.id))
        .map(async (list) => {
          const members = await lists.members(list.id);
          return { id: list.id, name: list.name, filters: describeFilters(list), members: members.valid.length, invalidMembers: members.invalid.length };
        }),
    );
    return html(c, listsPage(context(c), { rows, invalid: all.invalid, notice: c.req.query('done') }));
  });

  app.get('/console/list', async (c) => {
    const denied = refuse(c, 'edit');
    if (denied) return denied;
    const list = await listOr404(c.req.query('id'));
    if (!list) return message(c, 404, 'Not found', 'There is no list with that id.');
    const members = await lists.members(list.id);
    const query = c.req.query('q')?.trim() ?? '';
    const found = query ? members.valid.filter((member) => matches(member, query.toLowerCase())) : members.valid;
    found.sort((a, b) => a.email.localeCompare(b.email));
    return html(
      c,
      listPage(context(c), {
        list,
        filters: 'broken' in list ? undefined : describeFilters(list),
        total: members.valid.length,
        invalid: members.invalid,
        query,
        matching: found.length,
        shown: found.slice(0, MEMBERS_SHOWN),
        notice: c.req.query('done'),
      }),
    );
  });

  app.get('/console/list/edit', async (c) => {
    const denied = refuse(c, 'edit');
    if (denied) return denied;
    const id = c.req.query('id');
    if (!id) return html(c, listEditPage(context(c), { values: {}, errors: [], isNew: true }));
    const list = await listOr404(id);
    if (!list) return message(c, 404, 'Not found', 'There is no list with that id.');
    const values = 'broken' in list ? { id } : valuesOf(list);
    return html(c, listEditPage(context(c), { values, errors: [], isNew: false }));
  });

  app.post('/console/list/edit', async (c) => {
    const denied = refuse(c, 'edit');
    if (denied) return denied;
    const form = (await c.req.parseBody({ all: true })) as Record<string, string | string[]>;
    const chosen = (name: string) => [form[name] ?? []].flat().filter((v): v is string => typeof v === 'string');
    const isNew = form.new === 'yes';
    const values = { id: fieldOf(form, 'id'), name: fieldOf(form, 'name'), topics: chosen('topics'), agencies: chosen('agencies'), roles: chosen('roles') };
    if (isNew && LIST_ID.test(values.id) && (await listExists(lists, values.id))) {
      return html(c, listEditPage(context(c), { values, errors: [{ field: 'id', messages: [`id '${values.id}' is taken by another list: choose another.`] }], isNew }), 400);
    }
    // An empty choice is no filter: the list gets every topic, agency or role.
    const saved = await saveList(lists, {
      ...values,
      topics: values.topics.length ? values.topics : undefined,
      agencies: values.agencies.length ? values.agencies : undefined,
      roles: values.roles.length ? values.roles : undefined,
    });
    if (!saved.ok) return html(c, listEditPage(context(c), { values, errors: listErrors(saved.errors), isNew }), 400);
    await audit(c, { action: saved.existed ? 'edited a list' : 'created a list', detail: saved.list.id });
    const done = saved.existed ? 'Saved.' : 'Created. Add its members by uploading a CSV below.';
    return c.redirect(`/console/list?id=${encodeURIComponent(saved.list.id)}&done=${encodeURIComponent(done)}`, 303);
  });

  app.post('/console/list/members', async (c) => {
    const denied = refuse(c, 'edit');
    if (denied) return denied;
    const form = await c.req.parseBody();
    const list = await listOr404(fieldOf(form, 'id'));
    if (!list) return message(c, 404, 'Not found', 'There is no list with that id.');
    const file = form.csv;
    const text = typeof file === 'string' ? file : file ? await file.text() : '';
    if (!text.trim()) {
      return html(c, importResultPage(context(c), { list, error: 'Choose a CSV file to upload. Its first line names the columns: email,name,agency,role.' }), 400);
    }
    try {
      const { imported, bad } = await importMembersCsv(lists, list.id, text);
      if (imported.length) await audit(c, { action: `imported ${imported.length} member(s) into a list`, detail: list.id });
      return html(c, importResultPage(context(c), { list, imported: imported.length, bad }), bad.length && !imported.length ? 400 : 200);
    } catch (error) {
      if (error instanceof MembersCsvError) return html(c, importResultPage(context(c), { list, error: error.message }), 400);
      throw error;
    }
  });
}

const valuesOf = (list: DistributionList) => ({ id: list.id, name: list.name, topics: list.topics ?? [], agencies: list.agencies ?? [], roles: list.roles ?? [] });

/** The pipeline's messages by the list form's fields: 'topics[1]' shows at the topics boxes. */
function listErrors(errors: readonly FieldError[]) {
  const byField = new Map<string, string[]>();
  for (const { field, message } of errors) {
    const base = field.replace(/\[\d+\].*$/, '');
    byField.set(base, [...(byField.get(base) ?? []), message]);
  }
  return [...byField].map(([field, messages]) => ({ field, messages }));
}
