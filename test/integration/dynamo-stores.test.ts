import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../shared/contract/tables';
import { startDynamoDb } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { DynamoBriefingStore } from '../../shared/adapters/dynamo/briefing-store';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import type { Member } from '../../shared/core/audience';
import { pendingDelivery, type DeliveryRow } from '../../shared/core/delivery';
import type { Finding } from '../../shared/core/finding/finding';
import type { Briefing } from '../../shared/core/ports';
import { claimOne } from '../support/ledger';

/**
 * The DynamoDB adapters against DynamoDB Local, with the tables built from
 * shared/contract/tables.ts exactly as the local pipeline builds them. Example.org only.
 */

const tables = localTableNames();
let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await ensureTables(dynamo.client);
  db = documentClient(dynamo.client);
}, 120_000);

afterAll(async () => {
  await dynamo?.stop();
});

const now = new Date('2024-03-01T09:00:00.000Z');

function rowsFor(findingId: string, version: number, count: number): DeliveryRow[] {
  return Array.from({ length: count }, (_, i) =>
    pendingDelivery(findingId, version, { email: `person.${i}@example.org`, name: `Person ${i}`, agency: 'csc', role: 'frontline', via: ['all'] }, now),
  );
}

const statusOf = async (deliveryId: string) =>
  (await db.send(new GetCommand({ TableName: tables.deliveries, Key: { deliveryId } }))).Item?.status as string | undefined;

describe('DynamoDeliveryStore', () => {
  const deliveries = () => new DynamoDeliveryStore(db, tables.deliveries);

  /** DynamoDB requests by operation, counted on this client while `work` runs. */
  async function requestsDuring(work: () => Promise<unknown>): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const name = `count-${Math.random()}`;
    dynamo.client.middlewareStack.add((next, context) => async (args) => {
      counts[context.commandName!] = (counts[context.commandName!] ?? 0) + 1;
      return next(args);
    }, { step: 'initialize', name });
    try {
      await work();
    } finally {
      dynamo.client.middlewareStack.remove(name);
    }
    return counts;
  }

  test('claimMany claims a batch in one transaction; a row claimed already, one written again and a duplicate are left out', async () => {
    const rows = rowsFor('claim-many', 1, 30);
    await deliveries().insertMissing(rows);
    expect(await claimOne(deliveries(), rows[3]!.deliveryId, rows[3]!.createdAt, now)).toBe(true);
    expect(await claimOne(deliveries(), rows[7]!.deliveryId, rows[7]!.createdAt, now)).toBe(true);
    const asked = [...rows.map((row, i) => (i === 11 ? { ...row, createdAt: '2020-01-01T00:00:00.000Z' } : row)), rows[5]!];
    let claimed = new Set<string>();
    const requests = await requestsDuring(async () => (claimed = await deliveries().claimMany(asked, now)));
    expect(claimed).toEqual(new Set(rows.filter((_, i) => ![3, 7, 11].includes(i)).map((row) => row.deliveryId)));
    // One cancelled transaction names the three that lost; the second makes the rest: two requests for 30 rows.
    expect(requests).toEqual({ TransactWriteItemsCommand: 2 });
    const stored = await deliveries().byBriefing('claim-many#v1');
    expect(stored.filter((row) => row.status === 'SENDING')).toHaveLength(29);
    expect(stored.find((row) => row.deliveryId === rows[11]!.deliveryId)!.status).toBe('PENDING');
    // The duplicate was claimed once: one attempt counted.
    expect((await db.send(new GetCommand({ TableName: tables.deliveries, Key: { deliveryId: rows[5]!.deliveryId } }))).Item?.attempts).toBe(1);
  });

  test('markSentMany records 150 rows SENT in two transactions, each still conditional: a row no longer SENDING is named, not overwritten', async () => {
    const rows = rowsFor('sent-many', 1, 151);
    await deliveries().insertMissing(rows);
    expect((await deliveries().claimMany(rows, now)).size).toBe(151);
    await deliveries().markFailed(rows[150]!.deliveryId, 'failed meanwhile', now);
    let notMarked = new Set<string>();
    const requests = await requestsDuring(async () => (notMarked = await deliveries().markSentMany(rows.map((row) => ({ deliveryId: row.deliveryId, messageId: `ses-${row.recipientKey}` })), now)));
    expect(notMarked).toEqual(new Set([rows[150]!.deliveryId]));
    // 100 in the first; the second (51) is cancelled once for the FAILED row, then made without it.
    expect(requests).toEqual({ TransactWriteItemsCommand: 3 });
    const stored = await deliveries().byBriefing('sent-many#v1');
    expect(stored.filter((row) => row.status === 'SENT' && row.messageId === `ses-${row.recipientKey}`)).toHaveLength(150);
    expect(stored.find((row) => row.deliveryId === rows[150]!.deliveryId)).toMatchObject({ status: 'FAILED', reason: 'failed meanwhile' });
    // SENT rows leave the sweeper's open-rows index, as markSent's do.
    expect(stored.filter((row) => row.status === 'SENT' && (row as { openShard?: string }).openShard !== undefined)).toEqual([]);
  });

  test('insertMissing writes 60 rows, more than one 25-item batch, and reports 60', async () => {
    const rows = rowsFor('ledger-batch', 1, 60);
    expect(await deliveries().insertMissing(rows)).toBe(60);
    const stored = await deliveries().byBriefing('ledger-batch#v1');
    expect(stored).toHaveLength(60);
    expect(new Set(stored.map((r) => r.deliveryId))).toEqual(new Set(rows.map((r) => r.deliveryId)));
    expect(stored.every((r) => r.status === 'PENDING')).toBe(true);
  });

  test('a second insertMissing writes nothing and never turns a SENT row back into PENDING', async () => {
    const rows = rowsFor('ledger-replay', 1, 30);
    const store = deliveries();
    expect(await store.insertMissing(rows)).toBe(30);
    const sentId = rows[7]!.deliveryId;
    expect(await claimOne(store, sentId, rows[7]!.createdAt, now)).toBe(true);
    await store.markSent(sentId, 'message-1', now);

    expect(await store.insertMissing(rows)).toBe(0);
    expect(await statusOf(sentId)).toBe('SENT');
    const stored = await store.byBriefing('ledger-replay#v1');
    expect(stored).toHaveLength(30);
    expect(stored.find((r) => r.deliveryId === sentId)).toMatchObject({ status: 'SENT', messageId: 'message-1' });
  });

  test('insertMissing adds only the rows that are new', async () => {
    const rows = rowsFor('ledger-partial', 1, 10);
    expect(await deliveries().insertMissing(rows.slice(0, 4))).toBe(4);
    expect(await deliveries().insertMissing(rows)).toBe(6);
    expect(await deliveries().byBriefing('ledger-partial#v1')).toHaveLength(10);
  });

  test('two concurrent claims: exactly one wins', async () => {
    const [row] = rowsFor('ledger-claim', 1, 1);
    await deliveries().insertMissing([row!]);
    // Two store instances, as two concurrent function invocations would hold.
    const results = await Promise.all([claimOne(deliveries(), row!.deliveryId, row!.createdAt, now), claimOne(deliveries(), row!.deliveryId, row!.createdAt, now)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await statusOf(row!.deliveryId)).toBe('SENDING');
    expect(await claimOne(deliveries(), row!.deliveryId, row!.createdAt, now)).toBe(false);
  });

  test('a stale record cannot claim a row that was written again since (createdAt must match)', async () => {
    const [row] = rowsFor('ledger-stale', 1, 1);
    await deliveries().insertMissing([row!]);
    expect(await claimOne(deliveries(), row!.deliveryId, '2000-01-01T00:00:00.000Z', now)).toBe(false);
    expect(await statusOf(row!.deliveryId)).toBe('PENDING');
    expect(await claimOne(deliveries(), row!.deliveryId, row!.createdAt, now)).toBe(true);
  });

  test('release hands a claimed row back so it can be claimed again', async () => {
    const [row] = rowsFor('ledger-release', 1, 1);
    const store = deliveries();
    await store.insertMissing([row!]);
    expect(await claimOne(store, row!.deliveryId, row!.createdAt, now)).toBe(true);
    await store.release(row!.deliveryId, 'throttled');
    const released = (await db.send(new GetCommand({ TableName: tables.deliveries, Key: { deliveryId: row!.deliveryId } }))).Item;
    expect(released).toMatchObject({ status: 'PENDING', lastError: 'throttled', attempts: 1 });
    expect(await claimOne(store, row!.deliveryId, row!.createdAt, now)).toBe(true);
    expect(await statusOf(row!.deliveryId)).toBe('SENDING');
  });

  test('a row that was never claimed cannot be marked sent', async () => {
    const [row] = rowsFor('ledger-unclaimed', 1, 1);
    const store = deliveries();
    await store.insertMissing([row!]);
    await expect(store.markSent(row!.deliveryId, 'message-2', now)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await statusOf(row!.deliveryId)).toBe('PENDING');
  });

  test('a sent row cannot be marked sent or failed again', async () => {
    const [row] = rowsFor('ledger-done', 1, 1);
    const store = deliveries();
    await store.insertMissing([row!]);
    await claimOne(store, row!.deliveryId, row!.createdAt, now);
    await store.markSent(row!.deliveryId, 'message-3', now);
    await expect(store.markSent(row!.deliveryId, 'message-4', now)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await expect(store.markFailed(row!.deliveryId, 'bounce', now)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const item = (await db.send(new GetCommand({ TableName: tables.deliveries, Key: { deliveryId: row!.deliveryId } }))).Item;
    expect(item).toMatchObject({ status: 'SENT', messageId: 'message-3' });
  });

  test('byBriefing returns the rows of one briefing only, through the by-briefing index', async () => {
    await deliveries().insertMissing([...rowsFor('report-a', 1, 3), ...rowsFor('report-a', 2, 2), ...rowsFor('report-b', 1, 4)]);
    const a1 = await deliveries().byBriefing('report-a#v1');
    expect(a1).toHaveLength(3);
    expect(a1.every((r) => r.briefingId === 'report-a#v1' && r.version === 1)).toBe(true);
    expect(await deliveries().byBriefing('report-a#v2')).toHaveLength(2);
    expect(await deliveries().byBriefing('report-b#v1')).toHaveLength(4);
    expect(await deliveries().byBriefing('report-c#v1')).toEqual([]);
    // Sorted by the index's sort key, which shows the index (not a scan) answered.
    const keys = a1.map((r) => r.recipientKey);
    expect(keys).toEqual([...keys].sort());
  });
});

describe('DynamoListStore', () => {
  test('putMembers writes 120 members, reporting progress per batch, and members() pages through them all', async () => {
    const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
    await lists.putList({ id: 'big-list', name: 'Everyone in the partnership' });
    // Long names make the list bigger than one 1 MB Query page, so members() must follow LastEvaluatedKey.
    const padding = 'x'.repeat(10_000);
    const members: Member[] = Array.from({ length: 120 }, (_, i) => ({
      email: `member.${String(i).padStart(3, '0')}@example.org`,
      name: `Member ${i} ${padding}`,
      agency: 'education',
      role: 'dsl',
    }));
    const progress: number[] = [];
    expect(await lists.putMembers('big-list', members, (written) => progress.push(written))).toBe(120);
    expect(progress).toEqual([25, 50, 75, 100, 120]);

    const firstPage = await db.send(
      new QueryCommand({ TableName: tables.listMembers, KeyConditionExpression: 'listId = :l', ExpressionAttributeValues: { ':l': 'big-list' } }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined(); // the premise: one page does not hold the whole list
    expect(firstPage.Items!.length).toBeLessThan(120);

    const stored = await lists.members('big-list');
    expect(stored.valid).toHaveLength(120);
    expect(stored.invalid).toEqual([]);
    expect(stored.valid.map((m) => m.email).sort()).toEqual(members.map((m) => m.email).sort());
    expect(await lists.members('another-list')).toEqual({ valid: [], invalid: [] });
  });

  test('a member or list typed badly in the console is set aside with its problem, not fatal', async () => {
    const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
    await lists.putList({ id: 'typo-list', name: 'Typo list' });
    await db.send(new PutCommand({ TableName: tables.lists, Item: { id: 'bad-filter-list', name: 'Bad', topics: ['neglct'] } }));
    await lists.putMembers('typo-list', [{ email: 'good.member@example.org', name: 'Good Member', agency: 'csc', role: 'frontline' }]);
    await db.send(new PutCommand({ TableName: tables.listMembers, Item: { listId: 'typo-list', email: 'typo.member@example.org', name: 'Typo', agency: 'helth', role: 'frontline' } }));

    const members = await lists.members('typo-list');
    expect(members.valid.map((m) => m.email)).toEqual(['good.member@example.org']);
    expect(members.invalid).toEqual([{ key: 'typo.member@example.org', problems: ["agency: 'helth' is not a known agency. Did you mean 'health'?"] }]);
    const all = await lists.allLists();
    expect(all.valid.map((l) => l.id)).toContain('typo-list');
    expect(all.invalid).toEqual([{ key: 'bad-filter-list', problems: ["topics[0]: 'neglct' is not a known topic. Did you mean 'neglect'?"] }]);
  });

  test('a list round-trips with its filters', async () => {
    const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
    await lists.putList({ id: 'school-dsls', name: 'School DSLs', agencies: ['education'], roles: ['dsl'] });
    expect(await lists.getList('school-dsls')).toEqual({ valid: [{ id: 'school-dsls', name: 'School DSLs', agencies: ['education'], roles: ['dsl'] }], invalid: [] });
    expect(await lists.getList('no-such-list')).toEqual({ valid: [], invalid: [] });
  });
});

describe('DynamoFindingStore', () => {
  const adminItem = {
    id: 'held-finding',
    status: 'published',
    version: 3,
    title: 'The front door',
    topics: new Set(['thresholds_mash', 'voice_of_child']),
    findings: ['Children waited too long.'],
  };

  test('markHeld writes the pipeline attributes and leaves every admin attribute as it was', async () => {
    const findings = new DynamoFindingStore(db, tables.findings);
    await findings.putRaw(adminItem);
    const errors = [{ field: 'topics[0]', message: "'neglct' is not a known topic. Did you mean 'neglect'?" }];
    expect(await findings.markHeld('held-finding', 3, errors, now)).toBe(true);

    const stored = await findings.getRaw('held-finding');
    expect(stored).toEqual({
      ...adminItem,
      pipelineStatus: 'held',
      pipelineMessage: expect.stringContaining('1 problem(s)'),
      pipelineErrors: ["topics[0]: 'neglct' is not a known topic. Did you mean 'neglect'?"],
      pipelineVersion: 3,
      pipelineAt: now.toISOString(),
      pipelineHoldKey: expect.any(String),
    });
    expect(stored).not.toHaveProperty('pipelineAdminToldAt');
    expect(stored?.topics).toBeInstanceOf(Set);
    // A message that already names its field (the gate's, the schema's) is not prefixed with it again.
    const named = [
      { field: 'background', message: 'background, character 130: a postcode (•••• •AA). Remove it, or describe the area in general terms.' },
      { field: 'title', message: 'title is missing. Add it.' },
    ];
    await findings.markHeld('held-finding', 4, named, now);
    expect((await findings.getRaw('held-finding'))?.pipelineErrors).toEqual(named.map((e) => e.message));
    await findings.markHeld('held-finding', 3, errors, now);
    // Until the admin email has gone, the same hold is still news (the email is retried with the record).
    expect(await findings.markHeld('held-finding', 3, errors, now)).toBe(true);
    await findings.markAdminTold('held-finding', now);
    // Then the same hold again is not news (no second admin email); a different one is.
    expect(await findings.markHeld('held-finding', 3, errors, now)).toBe(false);
    expect(await findings.markHeld('held-finding', 3, [{ field: 'title', message: 'title is missing.' }], now)).toBe(true);
  });

  test('a held note never replaces a planned note for the same or a later version', async () => {
    const findings = new DynamoFindingStore(db, tables.findings);
    await findings.putRaw({ ...adminItem, id: 'sent-then-edited' });
    await findings.markPlanned('sent-then-edited', 3, { recipients: 5, newDeliveries: 5, skipped: [] }, now);
    await findings.markHeld('sent-then-edited', 3, [{ field: 'title', message: 'title is missing.' }], now);
    await findings.markHeld('sent-then-edited', undefined, [{ field: 'version', message: 'version is missing.' }], now);
    expect(await findings.getRaw('sent-then-edited')).toMatchObject({ pipelineStatus: 'planned', pipelineVersion: 3 });
    await findings.markHeld('sent-then-edited', 4, [{ field: 'title', message: 'title is missing.' }], now);
    expect(await findings.getRaw('sent-then-edited')).toMatchObject({ pipelineStatus: 'held', pipelineVersion: 4 });
  });

  test('a late planned note for an older version does not replace a newer one', async () => {
    const findings = new DynamoFindingStore(db, tables.findings);
    await findings.putRaw({ ...adminItem, id: 'reissued-finding' });
    await findings.markPlanned('reissued-finding', 4, { recipients: 5, newDeliveries: 5, skipped: [] }, now);
    await findings.markPlanned('reissued-finding', 3, { recipients: 5, newDeliveries: 0, skipped: [] }, now);
    expect(await findings.getRaw('reissued-finding')).toMatchObject({ pipelineStatus: 'planned', pipelineVersion: 4 });
  });

  test('markHeld on an item that does not exist does nothing: no error, no item created', async () => {
    const findings = new DynamoFindingStore(db, tables.findings);
    await expect(findings.markHeld('deleted-meanwhile', 1, [{ field: 'title', message: 'title is missing.' }], now)).resolves.toBe(false);
    expect(await findings.getRaw('deleted-meanwhile')).toBeUndefined();
  });

  test('markPlanned replaces a held annotation', async () => {
    const findings = new DynamoFindingStore(db, tables.findings);
    await findings.putRaw({ ...adminItem, id: 'planned-finding' });
    await findings.markHeld('planned-finding', 3, [{ field: 'title', message: 'title is missing.' }], now);
    await findings.markPlanned('planned-finding', 3, { recipients: 12, newDeliveries: 12, skipped: [] }, now);
    expect(await findings.getRaw('planned-finding')).toMatchObject({
      title: 'The front door',
      pipelineStatus: 'planned',
      pipelineErrors: [],
      pipelineMessage: expect.stringContaining('12 recipient(s)'),
    });
  });
});

describe('DynamoBriefingStore', () => {
  // The store keeps whatever snapshot the planner hands it; a seed finding stands in for a validated one.
  const seedFinding = JSON.parse(
    readFileSync(join(__dirname, '../../infra/local/seed/findings/nr-myth-of-invisible-men-2021.json'), 'utf8'),
  ) as Finding;
  const base = { finding: { ...seedFinding, id: 'snapshot-example', version: 1, title: 'First wording' } };
  const snapshot = (finding: Finding, plannedAt: string): Briefing => ({
    briefingId: 'snapshot-example#v1',
    findingId: finding.id,
    version: 1,
    finding,
    plannedAt,
    recipients: 0,
  });

  test('putIfAbsent keeps the first snapshot when called twice with different content', async () => {
    const briefings = new DynamoBriefingStore(db, tables.briefings);
    const first = snapshot(base.finding, '2024-03-01T09:00:00.000Z');
    expect(await briefings.putIfAbsent(first)).toEqual({ briefing: first, created: true });

    const second = snapshot({ ...base.finding, title: 'Edited wording' }, '2024-03-01T09:05:00.000Z');
    const { briefing: kept, created } = await briefings.putIfAbsent(second);
    expect(created).toBe(false);
    expect(kept.finding.title).toBe('First wording');
    expect(kept.plannedAt).toBe('2024-03-01T09:00:00.000Z');
    expect((await briefings.get('snapshot-example#v1'))?.finding.title).toBe('First wording');
  });

  test('setRecipients records the count on the snapshot', async () => {
    const briefings = new DynamoBriefingStore(db, tables.briefings);
    await briefings.setRecipients('snapshot-example#v1', 42);
    expect(await briefings.get('snapshot-example#v1')).toMatchObject({ recipients: 42, finding: { title: 'First wording' } });
  });
});

describe('ensureTables', () => {
  test('adds an index a newer definition has to a table kept from before (a .local/ from an older version)', async () => {
    const names = Object.fromEntries(Object.entries(tables).map(([key, name]) => [key, `older-${name}`])) as typeof tables;
    // The ledger as an older version created it: no open-rows index.
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: names.deliveries,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'deliveryId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'deliveryId', KeyType: 'HASH' }],
      }),
    );
    const created = await ensureTables(dynamo.client, names);
    expect(created).not.toContain('deliveries');
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: names.deliveries }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.IndexStatus]).sort()).toEqual(
      TABLES.deliveries.globalIndexes.map((index) => [index.name, 'ACTIVE']).sort(),
    );
  });
});
