import { distributionListSchema, type DistributionList, type Member } from '../../core/audience';
import { fieldPath, type FieldError } from '../../core/finding/finding';
import type { ListStore } from '../../core/ports';
import { readMembersCsv, type BadRow } from '../../core/members-csv';

/**
 * Distribution lists as admins keep them, from the CLI or the console: create or update a list
 * with the pipeline's own field errors, and import members from CSV with per-row errors (good
 * rows are written, bad ones listed by line; importing the file again only updates).
 */

export interface ListInput {
  id: string;
  name: string;
  topics?: string[];
  agencies?: string[];
  roles?: string[];
}

export type SaveListResult = { ok: true; list: DistributionList; existed: boolean } | { ok: false; errors: FieldError[] };

export const listExists = async (lists: Pick<ListStore, 'getList'>, id: string) => {
  const found = await lists.getList(id);
  return found.valid.length + found.invalid.length > 0;
};

export async function saveList(lists: Pick<ListStore, 'getList' | 'putList'>, input: ListInput): Promise<SaveListResult> {
  const parsed = distributionListSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message })) };
  const existed = await listExists(lists, parsed.data.id);
  await lists.putList(parsed.data);
  return { ok: true, list: parsed.data, existed };
}

/** Reads the CSV (a whole-file problem throws MembersCsvError) and writes its good rows. */
export async function importMembersCsv(
  lists: Pick<ListStore, 'putMembers'>,
  listId: string,
  text: string,
  onProgress?: (written: number, of: number) => void,
): Promise<{ imported: Member[]; bad: BadRow[] }> {
  const { members, bad } = readMembersCsv(text);
  if (members.length) await lists.putMembers(listId, members, (written) => onProgress?.(written, members.length));
  return { imported: members, bad };
}

export const describeFilters = (list: Pick<DistributionList, 'topics' | 'agencies' | 'roles'>) =>
  [
    list.topics?.length ? `topics ${list.topics.join(',')}` : 'any topic',
    list.agencies?.length ? `agencies ${list.agencies.join(',')}` : 'any agency',
    list.roles?.length ? `roles ${list.roles.join(',')}` : 'any role',
  ].join('; ');
