import { parse as parseCsv } from 'csv-parse/sync';
import { memberSchema, normaliseEmail, type Member } from './audience';
import { fieldPath } from './finding/finding';

/** A file that is no members CSV at all (no header, unreadable): the whole file's problem, not a row's. */
export class MembersCsvError extends Error {
  override readonly name = 'MembersCsvError';
}

export interface BadRow {
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
    throw new MembersCsvError(`The CSV could not be read: ${(error as Error).message}`);
  }
  const missing = ['email', 'name', 'agency', 'role'].filter((column) => !header.includes(column));
  if (records.length && missing.length) {
    throw new MembersCsvError(`The CSV header lacks ${missing.join(', ')}. The first line must name the columns: email,name,agency,role`);
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

