import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS } from '../../shared/contract/functions';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { DynamoSuppressionStore } from '../../shared/adapters/dynamo/suppression-store';
import { recipientKey } from '../../shared/core/audience';
import { runCapturing } from '../support/cli';

/**
 * SES events locally, end to end: the local runner turns each message the SES emulator accepts
 * into the notifications AWS's configuration set would publish (SES's mailbox simulator decides
 * bounces and complaints) and hands them, in the SNS envelope, to the real ses-events handler.
 * A finding goes to a list with an example.org reader and two simulator addresses; the
 * dissemination report then shows the delivery and the bounce, the bounced and complaining
 * addresses are suppressed, and the next finding leaves them out.
 */

const tables = localTableNames();
const seed = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../infra/local/seed/findings', `${name}.json`), 'utf8')) as Record<string, unknown> & { id: string };
const first = seed('jtai-mash-solihull-2022');
const second = seed('nr-out-of-routine-2020');
const READER = 'police.reader@example.org';
const BOUNCES = 'bounce@simulator.amazonses.com';
const COMPLAINS = 'complaint+briefings@simulator.amazonses.com';

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let env: NodeJS.ProcessEnv;

const ledger = async () => ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []) as Record<string, unknown>[];
const rowOf = async (findingId: string, email: string) => (await ledger()).find((r) => r.findingId === findingId && r.recipientKey === recipientKey(email) && r.kind === 'briefing');
const emailsTo = async (address: string) => (await pipeline.ses.emails()).filter((e) => e.destination.to.some((to) => to.includes(address)));

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50 });
  db = documentClient(pipeline.dynamo.client);
  env = { DYNAMODB_ENDPOINT: pipeline.dynamo.url };
  const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
  await lists.putList({ id: 'simulated-partners', name: 'Partners, with SES mailbox simulator addresses' });
  await lists.putMembers('simulated-partners', [
    { email: READER, name: 'Police Reader', agency: 'police', role: 'frontline' },
    { email: BOUNCES, name: 'Bouncing Reader', agency: 'health', role: 'frontline' },
    { email: COMPLAINS, name: 'Complaining Reader', agency: 'csc', role: 'mash' },
  ]);
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

test('the local runner wires every function of the definitions, ses-events to the SES emulator', () => {
  expect([...pipeline.wiring.keys()].sort()).toEqual(Object.keys(FUNCTIONS).sort());
  expect(pipeline.wiring.get('ses-events')).toMatch(/SES events/);
});

test('a delivery, a bounce and a complaint from the SES emulator reach the ledger through the real ses-events handler', async () => {
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...first, status: 'published' } }));
  await waitFor('three briefings in the SES emulator', async () => (await pipeline.ses.emails()).length >= 3);
  await waitFor(
    'the SES events on the three ledger rows',
    async () =>
      (await rowOf(first.id, READER))?.mailEvent === 'delivered' &&
      (await rowOf(first.id, BOUNCES))?.mailEvent === 'bounced' &&
      (await rowOf(first.id, COMPLAINS))?.mailEvent === 'complained',
    30_000,
  );
  expect((await ledger()).filter((r) => r.findingId === first.id).map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
  // What the configuration set publishes to the topic: deliveries for the reader and the complainer, one bounce, one complaint; no Send.
  await waitFor('the SES events to be handed on', async () => pipeline.sesEvents.isIdle);
  expect(pipeline.sesEvents.published).toEqual({ Delivery: 2, Bounce: 1, Complaint: 1 });
  expect(pipeline.sesEvents.deadLettered).toBe(0);
});

test('the dissemination report shows delivered for the example.org reader and bounced for the simulator', async () => {
  const csv = await runCapturing(['report', 'dissemination', '--finding', first.id, '--format', 'csv'], env);
  expect(csv.code).toBe(0);
  const rows = csv.out.split(/\r?\n/).map((line) => line.split(','));
  const header = rows[0]!;
  const cell = (section: string, key: string, column: string) => rows.find((r) => r[header.indexOf('section')] === section && r[header.indexOf('key')] === key)![header.indexOf(column)];
  expect(cell('agency', 'police', 'delivered')).toBe('1');
  expect(cell('agency', 'police', 'bounced')).toBe('0');
  expect(cell('agency', 'health', 'delivered')).toBe('0');
  expect(cell('agency', 'health', 'bounced')).toBe('1');
  // Marked as spam: neither delivered (as the report defines it) nor bounced.
  expect(cell('agency', 'csc', 'delivered')).toBe('0');
  expect(cell('agency', 'csc', 'bounced')).toBe('0');
  expect(cell('total', 'total', 'sent')).toBe('3');
  expect(cell('total', 'total', 'delivered')).toBe('1');
  expect(cell('total', 'total', 'bounced')).toBe('1');
});

test('the bounced and the complaining addresses are suppressed, as in AWS; the reader is not', async () => {
  const suppressions = new DynamoSuppressionStore(db, tables.suppressions);
  expect(await suppressions.get(recipientKey(BOUNCES))).toMatchObject({ reason: 'hard-bounce', detail: expect.stringMatching(/hard bounce \(General\)/) });
  expect(await suppressions.get(recipientKey(COMPLAINS))).toMatchObject({ reason: 'complaint', detail: expect.stringMatching(/complaint \(abuse\)/) });
  expect(await suppressions.get(recipientKey(READER))).toBeUndefined();
  const shown = await runCapturing(['subscribers', 'show', BOUNCES], env);
  expect(shown.out).toMatch(/hard-bounce/);
});

test('the next finding to the same list goes to the reader only', async () => {
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...second, status: 'published' } }));
  await waitFor('the second briefing to the reader', async () => (await emailsTo(READER)).length >= 2);
  await waitFor('the plan note', async () => {
    const item = (await db.send(new ScanCommand({ TableName: tables.findings }))).Items?.find((f) => f.id === second.id);
    return item?.pipelineStatus === 'planned' && pipeline.pollers['send-briefing'].isCaughtUp;
  });
  const rows = (await ledger()).filter((r) => r.findingId === second.id);
  expect(rows.map((r) => r.recipientKey)).toEqual([recipientKey(READER)]);
  expect(await emailsTo(BOUNCES)).toHaveLength(1);
  expect(await emailsTo('complaint+briefings@')).toHaveLength(1);
  await waitFor('its delivery event', async () => (await rowOf(second.id, READER))?.mailEvent === 'delivered');
});
