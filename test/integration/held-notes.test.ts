import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDb } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { parseFinding, type FieldError } from '../../shared/core/finding/finding';
import { NOTE_LIMITS } from '../../shared/core/finding/held-notes';
import { validationProblem } from '../../shared/flows/publish/admin-notice';
import { heldNotice } from '../../shared/render/email/notices';
import { sample } from '../support/findings';

/**
 * A held note is capped (the first problems, each cut to length, and a count of the rest),
 * so the write-back always fits in DynamoDB's 400 KB item. Before, an `actions` map with
 * 3,000 unknown keys made ~415 KB of pipelineErrors: the write-back failed, and the record
 * went to the dead letters with no status on the item and no email to the admin.
 */

const tables = localTableNames();
let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let db: DynamoDBDocumentClient;
let findings: DynamoFindingStore;
const now = new Date('2024-03-01T09:00:00.000Z');

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await ensureTables(dynamo.client);
  db = documentClient(dynamo.client);
  findings = new DynamoFindingStore(db, tables.findings);
}, 120_000);

afterAll(async () => {
  await dynamo?.stop();
});

/** 3,000 agency keys nobody has heard of, each with one action: what a bad import or a script can write. */
const unknownKeys = (count: number, keyLength = 40) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`agency-${String(i).padStart(keyLength - 7, '0')}`, ['Follow up.']]));

async function putFinding(id: string, item: Record<string, unknown>) {
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...item, id } }));
}

describe('markHeld caps what it writes back', () => {
  const id = 'three-thousand-keys';
  let errors: FieldError[];

  beforeAll(async () => {
    const item = { ...sample, id, actions: { all: ['Record it.'], ...unknownKeys(3_000) } };
    await putFinding(id, item);
    const parsed = parseFinding(item);
    if (parsed.ok) throw new Error('expected the unknown keys to be refused');
    errors = parsed.errors;
    expect(errors.length).toBe(3_000);
    // Uncapped, the note alone would be over DynamoDB's item limit.
    expect(Buffer.byteLength(JSON.stringify(errors.map((e) => `${e.field}: ${e.message}`)))).toBeGreaterThan(400 * 1024);
  });

  test('the hold is written: the first problems and a count of the rest', async () => {
    expect(await findings.markHeld(id, 1, errors, now)).toBe(true);
    const stored = await findings.getRaw(id);
    expect(stored?.pipelineStatus).toBe('held');
    expect(stored?.pipelineMessage).toContain('3000 problem(s)');
    const lines = stored?.pipelineErrors as string[];
    expect(lines).toHaveLength(NOTE_LIMITS.notes + 1);
    expect(lines[0]).toBe(`${errors[0]!.field}: ${errors[0]!.message}`);
    expect(lines.at(-1)).toBe('…and 2,980 more problems, not listed here. Fix these first and save: the rest are then listed.');
  });

  test('each line is cut to a readable length, even for a key of 10,000 characters', async () => {
    const longId = 'one-huge-key';
    const item = { ...sample, id: longId, actions: { all: ['Record it.'], ['x'.repeat(10_000)]: ['Follow up.'] } };
    await putFinding(longId, item);
    const parsed = parseFinding(item);
    if (parsed.ok) throw new Error('expected the key to be refused');
    expect(await findings.markHeld(longId, 1, parsed.errors, now)).toBe(true);
    const lines = (await findings.getRaw(longId))?.pipelineErrors as string[];
    expect(lines).toHaveLength(1);
    expect([...lines[0]!].length).toBeLessThanOrEqual(NOTE_LIMITS.lineChars);
    expect(lines[0]!.endsWith('…')).toBe(true);
  });

  test('an item with no room left for even the capped list is still marked held, saying why', async () => {
    const fullId = 'nearly-full-item';
    // Just under 400 KB of the admin's own content: the capped list (~6 KB) no longer fits.
    const item = { ...sample, id: fullId, padding: 'p'.repeat(400 * 1024 - 6_000) };
    await putFinding(fullId, item);
    expect(await findings.markHeld(fullId, 1, errors, now)).toBe(true);
    const stored = await findings.getRaw(fullId);
    expect(stored?.pipelineStatus).toBe('held');
    expect(stored?.pipelineErrors).toBeUndefined();
    expect(stored?.pipelineMessage).toContain('too close to DynamoDB');
    // The admin is then told as usual: markAdminTold fits too.
    await findings.markAdminTold(fullId, now);
    expect((await findings.getRaw(fullId))?.pipelineAdminToldAt).toBe(now.toISOString());
  });

  test('the admin email is capped the same way', () => {
    const notice = heldNotice(id, 1, errors.map(validationProblem));
    expect(notice.text).toContain('because of 3000 problem(s)');
    expect(notice.text).toContain('…and 2,980 more problems, not listed here.');
    expect(notice.text.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(NOTE_LIMITS.notes + 1);
    expect(Buffer.byteLength(notice.html) + Buffer.byteLength(notice.text)).toBeLessThan(40 * 1024);
  });
});

describe('markPlanned caps its notes too', () => {
  test('thousands of skipped lists and warnings leave the first ones and a count', async () => {
    const id = 'many-warnings';
    await putFinding(id, { ...sample, id });
    const many = (what: string) => Array.from({ length: 5_000 }, (_, i) => `${what} ${i}: ${'w'.repeat(100)}`);
    await findings.markPlanned(id, 1, { recipients: 0, newDeliveries: 0, skipped: many('list'), suppressed: 0, correction: false, warnings: many('warning') }, now);
    const stored = await findings.getRaw(id);
    expect(stored?.pipelineStatus).toBe('planned');
    expect(stored?.pipelineErrors as string[]).toHaveLength(NOTE_LIMITS.notes + 1);
    expect((stored?.pipelineErrors as string[]).at(-1)).toContain('…and 4,980 more list problems');
    expect((stored?.pipelineWarnings as string[]).at(-1)).toContain('…and 4,980 more warnings');
  });
});
