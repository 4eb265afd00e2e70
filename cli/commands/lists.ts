import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { distributionListSchema, memberSchema, normaliseEmail, type Member } from '../../shared/domain/audience';
import { fieldPath } from '../../shared/domain/finding';
import type { Loaded } from '../../shared/domain/ports';
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
  const parsed = distributionListSchema.safeParse({
    id,
    name: options.name ?? '',
    topics: splitIds(options.topics),
    agencies: splitIds(options.agencies),
    roles: splitIds(options.roles),
  });
  if (!parsed.success) {
    io.err(`List '${id}' was not created:`);
    for (const issue of parsed.error.issues) io.err(`  - ${fieldPath(issue.path)}: ${issue.message}`);
    return 1;
  }
  const found = await target.lists.getList(id);
  const existed = found.valid.length + found.invalid.length > 0;
  await target.lists.putList(parsed.data);
  io.out(`${existed ? 'Updated' : 'Created'} list '${id}' (${describeFilters(parsed.data)}).`);
  if (!existed) io.out(`Add members with: npm run cli -- lists import ${id} members.csv`);
  return 0;
}

const describeFilters = (list: { topics?: string[]; agencies?: string[]; roles?: string[] }) =>
  [
    list.topics?.length ? `topics ${list.topics.join(',')}` : 'any topic',
    list.agencies?.length ? `agencies ${list.agencies.join(',')}` : 'any agency',
    list.roles?.length ? `roles ${list.roles.join(',')}` : 'any role',
  ].join('; ');

interface BadRow {
  line: number;
  problems: string[];
}

/** Reads members from CSV with a header row: email,name,agency,role (any order, any case). */
export function readMembersCsv(text: string): { members: Member[]; bad: BadRow[] } {
  const bad: BadRow[] = [];
  let records: { record: Record<string, string>; line: number; /** -1 a value too few, 1 too many. */ columns?: number }[];
  let header: string[] = [];
  try {
    records = (
      parseCsv(text, {
        columns: (names: string[]) => (header = names.map((h) => h.trim().toLowerCase())),
        skip_empty_lines: true,
        trim: true,
        bom: true,
        info: true,
        // One row with a column too few or too many is that row's problem, not the file's: kept, and flagged below.
        relax_column_count: true,
        // A row the parser cannot read at all (a quote never closed) is listed by line; the rows before it still count.
        skip_records_with_error: true,
        on_skip: (error: { code?: string; lines?: number } | undefined) => {
          if (error) bad.push({ line: error.lines ?? 0, problems: [csvProblem(error.code)] });
        },
      }) as { record: Record<string, string>; info: { lines: number; error?: { code?: string } } }[]
    ).map(({ record, info }) => ({
      record,
      line: info.lines,
      // With relax_column_count a short row keeps the values it has, a long one drops its extras.
      columns: info.error?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' ? (Object.keys(record).length < header.length ? -1 : 1) : undefined,
    }));
  } catch (error) {
    throw new UsageError(`The CSV could not be read: ${(error as Error).message}`);
  }
  const missing = ['email', 'name', 'agency', 'role'].filter((column) => !header.includes(column));
  if (records.length && missing.length) {
    throw new UsageError(`The CSV header lacks ${missing.join(', ')}. The first line must name the columns: email,name,agency,role`);
  }
  const members: Member[] = [];
  const seen = new Map<string, number>();
  for (const { record, line, columns } of records) {
    if (columns !== undefined) {
      bad.push({
        line,
        problems: [
          `the row has ${columns < 0 ? 'fewer' : 'more'} values than the header's ${header.length} (${header.join(',')}): ` +
            'give every column, and put quotes around a value that has a comma in it ("Smith, Jo").',
        ],
      });
      continue;
    }
    const parsed = memberSchema.safeParse(record);
    if (!parsed.success) {
      bad.push({ line, problems: parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`) });
      continue;
    }
    const email = normaliseEmail(parsed.data.email);
    const first = seen.get(email);
    if (first !== undefined) {
      bad.push({ line, problems: [`email: the same address is on line ${first}; keep one row per person.`] });
      continue;
    }
    seen.set(email, line);
    members.push(parsed.data);
  }
  return { members, bad: bad.sort((a, b) => a.line - b.line) };
}

/** csv-parse's error codes, as a person fixing the file needs them. */
function csvProblem(code: string | undefined): string {
  if (code === 'CSV_QUOTE_NOT_CLOSED') return 'a quote (") opened on this line or one before it is never closed, so the rows from there to here could not be read: close it, or remove it.';
  if (code === 'INVALID_OPENING_QUOTE' || code === 'CSV_INVALID_CLOSING_QUOTE') return 'a quote (") in the middle of a value: put the whole value in quotes and double any quote inside it ("").';
  return 'this row could not be read as CSV: check its commas and quotes.';
}

export async function importMembers(target: Target, io: Output, listId: string, csvPath: string): Promise<number> {
  const found = await target.lists.getList(listId);
  if (!found.valid.length && !found.invalid.length) {
    io.err(`There is no list '${listId}'. Create it first: npm run cli -- lists create ${listId} --name "…"`);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(csvPath, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${csvPath}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  const { members, bad } = readMembersCsv(text);
  if (members.length) {
    await target.lists.putMembers(listId, members, (written) => io.progress(`Importing: ${written}/${members.length}`));
    io.progress('');
  }
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
