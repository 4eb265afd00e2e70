import { readFileSync } from 'node:fs';
import { MembersCsvError } from '../../shared/core/members-csv';
import { describeFilters, importMembersCsv, listExists, saveList } from '../../shared/flows/lists/lists';
import type { Loaded } from '../../shared/core/ports';
import { table, type Output } from '../output';
import { UsageError, type Target } from '../target';

const splitIds = (value: string | undefined) =>
  value === undefined ? undefined : value.split(',').map((id) => id.trim()).filter(Boolean);

export async function createList(
  target: Target,
  io: Output,
  id: string,
  options: { name?: string; topics?: string; agencies?: string; roles?: string },
): Promise<number> {
  const saved = await saveList(target.lists, {
    id,
    name: options.name ?? '',
    topics: splitIds(options.topics),
    agencies: splitIds(options.agencies),
    roles: splitIds(options.roles),
  });
  if (!saved.ok) {
    io.err(`List '${id}' was not created:`);
    for (const error of saved.errors) io.err(`  - ${error.field}: ${error.message}`);
    return 1;
  }
  io.out(`${saved.existed ? 'Updated' : 'Created'} list '${id}' (${describeFilters(saved.list)}).`);
  if (!saved.existed) io.out(`Add members with: npm run cli -- lists import ${id} members.csv`);
  return 0;
}

export async function importMembers(target: Target, io: Output, listId: string, csvPath: string): Promise<number> {
  if (!(await listExists(target.lists, listId))) {
    io.err(`There is no list '${listId}'. Create it first: npm run cli -- lists create ${listId} --name "…"`);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(csvPath, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${csvPath}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  let imported;
  try {
    imported = await importMembersCsv(target.lists, listId, text, (written, of) => io.progress(`Importing: ${written}/${of}`));
  } catch (error) {
    if (error instanceof MembersCsvError) throw new UsageError(error.message);
    throw error;
  }
  const { imported: members, bad } = imported;
  if (members.length) io.progress('');
  io.out(`Imported ${members.length} member(s) into '${listId}'.`);
  if (bad.length) {
    io.err(`${bad.length} row(s) were not imported. Fix them and import the file again (good rows are simply updated):`);
    for (const row of bad) {
      for (const problem of row.problems) io.err(`  line ${row.line}, ${problem}`);
    }
    return 1;
  }
  return 0;
}

const printInvalid = (io: Output, what: string, invalid: Loaded<unknown>['invalid']) => {
  if (!invalid.length) return;
  io.err(`${invalid.length} ${what} cannot be used until fixed (the pipeline skips them):`);
  for (const entry of invalid) for (const problem of entry.problems) io.err(`  ${entry.key}: ${problem}`);
};

export async function showLists(target: Target, io: Output, listId?: string): Promise<number> {
  if (listId) {
    const found = await target.lists.getList(listId);
    const list = found.valid[0];
    if (!list && !found.invalid.length) {
      io.err(`There is no list '${listId}'. See the lists with: npm run cli -- lists show`);
      return 1;
    }
    const members = await target.lists.members(listId);
    if (list) io.out(`${list.id}: ${list.name} (${describeFilters(list)}), ${members.valid.length} member(s)`);
    else {
      printInvalid(io, 'list', found.invalid);
      io.err(`Fix it by creating it again: npm run cli -- lists create ${listId} --name "…" [--topics …] [--agencies …] [--roles …]`);
    }
    const rows = members.valid.map((m) => [m.email, m.name, m.agency, m.role]);
    if (rows.length) for (const line of table([['EMAIL', 'NAME', 'AGENCY', 'ROLE'], ...rows], [40, 30, 14, 14])) io.out(line);
    printInvalid(io, 'member(s)', members.invalid);
    return 0;
  }
  const lists = await target.lists.allLists();
  if (!lists.valid.length && !lists.invalid.length) {
    io.out(`No lists in ${target.description}. Create one with: npm run cli -- lists create <id> --name "…"`);
    return 0;
  }
  const rows = await Promise.all(
    lists.valid
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(async (list) => {
        const members = await target.lists.members(list.id);
        const count = `${members.valid.length}${members.invalid.length ? ` (+${members.invalid.length} invalid)` : ''}`;
        return [list.id, list.name, count, describeFilters(list)];
      }),
  );
  for (const line of table([['ID', 'NAME', 'MEMBERS', 'FILTERS'], ...rows], [30, 40, 16, 80])) io.out(line);
  printInvalid(io, 'list(s)', lists.invalid);
  return 0;
}
