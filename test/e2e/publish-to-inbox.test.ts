import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { waitFor } from '../../infra/local/emulators';
import { loadHandler, startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';

/**
 * The whole local pipeline with real parts: DynamoDB Local, its streams, the SES
 * emulator, and the handlers called by the stream pollers. A finding is published,
 * emails land in the SES store, and replaying every stream record sends nothing more.
 */

const tables = localTableNames();
const seedFinding = JSON.parse(
  readFileSync(join(__dirname, '../../infra/local/seed/findings/nr-myth-of-invisible-men-2021.json'), 'utf8'),
) as Record<string, unknown> & { actions: Record<string, string[]> };

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;

const ADMIN = 'safeguarding-admin@example.org';
const emailsTo = async (address: string) =>
  (await pipeline.ses.emails()).filter((email) => email.destination.to.some((to) => to.includes(address)));
/** Briefings to practitioners: everything but the notices to the admin mailbox. */
const briefingEmails = async () => (await pipeline.ses.emails()).filter((email) => !email.destination.to.some((to) => to.includes(ADMIN)));

const deliveries = async () =>
  ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []) as Record<string, unknown>[];

/** Waits until the plan poller has handed on a record for this finding at least `count` times in all. */
async function planRecordsSeen(findingId: string, count: number) {
  await waitFor(`plan-briefing to receive ${count} record(s) for ${findingId}`, async () => {
    const seen = pipeline.pollers['plan-briefing'].delivered.flat().filter((r) => r.dynamodb?.Keys?.id?.S === findingId);
    return seen.length >= count && pipeline.pollers['plan-briefing'].isCaughtUp && pipeline.pollers['send-briefing'].isCaughtUp;
  });
}

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50, keepHistory: true });
  db = documentClient(pipeline.dynamo.client);
  const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
  await lists.putList({ id: 'police-safeguarding', name: 'Police safeguarding', agencies: ['police'] });
  await lists.putList({ id: 'health-safeguarding', name: 'Health safeguarding', agencies: ['health'] });
  await lists.putList({ id: 'all-practitioners', name: 'All practitioners' });
  await lists.putList({ id: 'school-dsls', name: 'School DSLs', agencies: ['education'], roles: ['dsl'] });
  const officer = { email: 'officer.example@example.org', name: 'Officer Example', agency: 'police', role: 'frontline' } as const;
  const visitor = { email: 'visitor.example@example.org', name: 'Visitor Example', agency: 'health', role: 'frontline' } as const;
  await lists.putMembers('police-safeguarding', [officer]);
  await lists.putMembers('health-safeguarding', [visitor, { ...officer, email: 'OFFICER.Example@example.org' }]);
  await lists.putMembers('all-practitioners', [officer, visitor]);
  // Education is not among this finding's agencies, so this list does not take it.
  await lists.putMembers('school-dsls', [{ email: 'dsl.example@example.org', name: 'Dsl Example', agency: 'education', role: 'dsl' }]);
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe('a published finding becomes tailored briefing emails', () => {
  const id = seedFinding.id as string;

  test('a draft sends nothing; publishing sends one tailored email per person', async () => {
    await db.send(new PutCommand({ TableName: tables.findings, Item: seedFinding }));
    await db.send(
      new UpdateCommand({
        TableName: tables.findings,
        Key: { id },
        UpdateExpression: 'SET #s = :p',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':p': 'published' },
      }),
    );
    await waitFor('two briefing emails', async () => (await briefingEmails()).length >= 2);
    await planRecordsSeen(id, 2); // the publish, then the pipeline's own "planned" write-back
    await waitFor('the ledger to record both sends', async () => (await deliveries()).every((r) => r.status === 'SENT'));

    const all = await briefingEmails();
    expect(all).toHaveLength(2); // the officer sits on three lists, twice in one case, yet gets one
    const [toOfficer] = await emailsTo('officer.example@example.org');
    const [toVisitor] = await emailsTo('visitor.example@example.org');
    expect(toOfficer!.subject).toContain('National review');
    expect(toOfficer!.subject).toContain(seedFinding.title as string);

    const policeAction = seedFinding.actions.police![0]!;
    const healthAction = seedFinding.actions.health![0]!;
    const everyoneAction = seedFinding.actions.all![0]!;
    expect(toOfficer!.body.text).toContain(policeAction);
    expect(toOfficer!.body.text).toContain(everyoneAction);
    expect(toOfficer!.body.text).not.toContain(healthAction);
    expect(toVisitor!.body.text).toContain(healthAction);
    expect(toVisitor!.body.text).not.toContain(policeAction);
    expect(toVisitor!.body.html).toContain('Dear Visitor Example');

    const rows = await deliveries();
    expect(rows.map((r) => r.status)).toEqual(['SENT', 'SENT']);
    expect(rows.every((r) => typeof r.messageId === 'string')).toBe(true);
    const finding = await new DynamoFindingStore(db, tables.findings).getRaw(id);
    expect(finding).toMatchObject({ pipelineStatus: 'planned', pipelineVersion: 1 });
  });

  test('editing a published finding, or saving it unchanged, sends nothing', async () => {
    const seenBefore = pipeline.pollers['plan-briefing'].delivered.flat().length;
    await db.send(
      new UpdateCommand({
        TableName: tables.findings,
        Key: { id },
        UpdateExpression: 'SET whyItMatters = :w',
        ExpressionAttributeValues: { ':w': `${seedFinding.whyItMatters as string} (typo fixed)` },
      }),
    );
    await waitFor('plan-briefing to see the edit', async () =>
      pipeline.pollers['plan-briefing'].delivered.flat().length > seenBefore && pipeline.pollers['send-briefing'].isCaughtUp,
    );
    expect(await briefingEmails()).toHaveLength(2);
    expect(await deliveries()).toHaveLength(2);
  });

  test('bumping the version sends one correction to each earlier recipient, listing what changed', async () => {
    await db.send(
      new UpdateCommand({
        TableName: tables.findings,
        Key: { id },
        UpdateExpression: 'SET version = :v, learning = list_append(learning, :more)',
        ExpressionAttributeValues: { ':v': 2, ':more': ['Ask about every man in the household, every time.'] },
      }),
    );
    await waitFor('the two corrections', async () => (await briefingEmails()).length >= 4);
    await waitFor('the ledger to settle', async () => (await deliveries()).every((r) => r.status === 'SENT'));
    const corrections = (await briefingEmails()).filter((email) => email.subject.startsWith('Correction (version 2)'));
    expect(corrections).toHaveLength(2);
    const [toOfficer] = corrections.filter((email) => email.destination.to.join().includes('officer.example@example.org'));
    // The typo fixed after version 1 went out counts too: the correction is against what people received.
    expect(toOfficer!.body.text).toContain('WHAT CHANGED\n- Why it matters\n- Learning');
    expect(toOfficer!.body.text).toContain('Ask about every man in the household, every time.');
    expect(toOfficer!.body.text).not.toContain('1. BACKGROUND'); // not the whole briefing again
    expect(await deliveries()).toHaveLength(4);
  });

  test('replaying every stream record sends no second email and adds no delivery', async () => {
    const sendBatches = pipeline.pollers['send-briefing'].delivered;
    const planBatches = pipeline.pollers['plan-briefing'].delivered;
    expect(sendBatches.flat()).toHaveLength(4);
    const send = await loadHandler('send-briefing');
    const plan = await loadHandler('plan-briefing');
    for (const batch of planBatches) expect(await plan({ Records: batch })).toEqual({ batchItemFailures: [] });
    for (const batch of sendBatches) expect(await send({ Records: batch })).toEqual({ batchItemFailures: [] });
    // The same records again, all in one batch, as a duplicated delivery would bring them.
    expect(await send({ Records: sendBatches.flat() })).toEqual({ batchItemFailures: [] });
    expect(await briefingEmails()).toHaveLength(4);
    expect(await deliveries()).toHaveLength(4);
  });

  test('an invalid finding is held with its errors on the item, and does not block the valid one beside it', async () => {
    const before = (await briefingEmails()).length;
    const invalid = { ...seedFinding, id: 'held-example', status: 'published', topics: ['neglct'], findings: 'one line' };
    const valid = { ...seedFinding, id: 'valid-example', status: 'published', agencies: ['police'], topics: ['invisible_men'] };
    await db.send(
      new BatchWriteCommand({ RequestItems: { [tables.findings]: [{ PutRequest: { Item: invalid } }, { PutRequest: { Item: valid } }] } }),
    );
    await waitFor('the valid finding to be emailed', async () => (await briefingEmails()).length >= before + 2);
    const findings = new DynamoFindingStore(db, tables.findings);
    await waitFor('the held finding to carry its errors', async () => (await findings.getRaw('held-example'))?.pipelineStatus === 'held');
    const held = await findings.getRaw('held-example');
    expect(held?.pipelineErrors).toEqual(
      expect.arrayContaining([
        expect.stringContaining("topics[0]: 'neglct' is not a known topic. Did you mean 'neglect'?"),
        expect.stringContaining('findings must be a List (L)'),
      ]),
    );
    expect((await deliveries()).filter((r) => r.findingId === 'held-example')).toHaveLength(0);
    expect((await deliveries()).filter((r) => r.findingId === 'valid-example')).toHaveLength(2);
    // The admin is told what to fix, without the values that were typed.
    await waitFor('the notice to the admin', async () => (await emailsTo(ADMIN)).some((e) => e.subject.includes('held-example')));
    const [notice] = (await emailsTo(ADMIN)).filter((e) => e.subject.includes('held-example'));
    expect(notice!.body.text).toContain('topics[0]');
    expect(notice!.body.text).not.toContain('neglct');
  });
});

test('a list typed badly in the console leaves only its own people out, and the finding says so', async () => {
  await db.send(new PutCommand({ TableName: tables.lists, Item: { id: 'typo-list', name: 'Typo list', agencies: ['polise'] } }));
  const before = (await briefingEmails()).length;
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...seedFinding, id: 'despite-bad-list', status: 'published' } }));
  await waitFor('the briefing to go out despite the bad list', async () => (await briefingEmails()).length >= before + 2);
  const findings = new DynamoFindingStore(db, tables.findings);
  await waitFor('the finding to be marked planned', async () => (await findings.getRaw('despite-bad-list'))?.pipelineStatus === 'planned');
  const item = await findings.getRaw('despite-bad-list');
  expect(item?.pipelineMessage).toContain('1 list problem(s) left people out');
  expect(item?.pipelineErrors).toEqual([expect.stringContaining("list 'typo-list' was skipped: agencies[0]: 'polise' is not a known agency. Did you mean 'police'?")]);
});

test('an invalid edit saved right after publishing neither holds the sent briefing nor sends again', async () => {
  const before = (await briefingEmails()).length;
  const item = { ...seedFinding, id: 'edited-at-once', status: 'published' };
  await db.send(new PutCommand({ TableName: tables.findings, Item: item }));
  // Before the pipeline has planned it, the admin saves a slip: an empty title.
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...item, title: ' ' } }));
  await waitFor('the briefing to go out', async () => (await briefingEmails()).length >= before + 2);
  await waitFor('both changes to be judged', async () =>
    pipeline.pollers['plan-briefing'].delivered.flat().filter((r) => r.dynamodb?.Keys?.id?.S === 'edited-at-once').length >= 3 &&
    pipeline.pollers['plan-briefing'].isCaughtUp && pipeline.pollers['send-briefing'].isCaughtUp,
  );
  const finding = await new DynamoFindingStore(db, tables.findings).getRaw('edited-at-once');
  expect(finding).toMatchObject({ pipelineStatus: 'planned', pipelineVersion: 1 });
  expect((await briefingEmails()).length).toBe(before + 2);
});
