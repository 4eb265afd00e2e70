import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { putIfAbsent } from '../../shared/adapters/dynamo/kit';
import { distributionListSchema, memberSchema } from '../../shared/core/audience';
import { localTableNames } from './tables';

/**
 * Demo data for the local default: draft findings paraphrased from public reviews and
 * five distribution lists of fictional example.org people. Only what is missing is
 * written, so a restart never undoes an admin's edits.
 */

const SEED_DIR = join(__dirname, 'seed');

export function seedFindings(): Record<string, unknown>[] {
  const dir = join(SEED_DIR, 'findings');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>);
}

export function seedLists() {
  const raw = JSON.parse(readFileSync(join(SEED_DIR, 'lists.json'), 'utf8')) as { members: unknown[] }[];
  return raw.map(({ members, ...list }) => ({ list: distributionListSchema.parse(list), members: members.map((m) => memberSchema.parse(m)) }));
}

export async function seedLocal(db: DynamoDBDocumentClient): Promise<{ findings: number; lists: number; members: number }> {
  const tables = localTableNames();
  let findings = 0;
  let lists = 0;
  let members = 0;
  for (const finding of seedFindings()) if (await putIfAbsent(db, tables.findings, finding, 'id')) findings++;
  const listStore = new DynamoListStore(db, tables.lists, tables.listMembers);
  for (const { list, members: people } of seedLists()) {
    if (!(await putIfAbsent(db, tables.lists, list, 'id'))) continue;
    lists++;
    members += await listStore.putMembers(list.id, people);
  }
  return { findings, lists, members };
}
