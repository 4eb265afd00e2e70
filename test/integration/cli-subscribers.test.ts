import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { runCapturing } from '../support/cli';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { DynamoSubscriberStore } from '../../shared/adapters/dynamo/subscriber-store';
import { recipientKey } from '../../shared/core/audience';
import { newSubscriber } from '../../shared/core/subscriber';

/** The subscriber and digest commands of the admin CLI, against the running local pipeline. */

const tables = localTableNames();
let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let env: NodeJS.ProcessEnv;

const cli = (...argv: string[]) => runCapturing(argv, env);

const seed = JSON.parse(readFileSync(join(__dirname, '../../infra/local/seed/findings/nr-myth-of-invisible-men-2021.json'), 'utf8')) as Record<string, unknown> & { id: string };
const ledger = async () => ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []) as Record<string, unknown>[];

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50 });
  db = documentClient(pipeline.dynamo.client);
  env = { DYNAMODB_ENDPOINT: pipeline.dynamo.url, SES_ENDPOINT: pipeline.ses.url, TOKEN_KEY_FILE: process.env.TOKEN_KEY_FILE, PUBLIC_BASE_URL: pipeline.pages.url };
  const subscribers = new DynamoSubscriberStore(db, tables.subscribers);
  const now = new Date();
  for (const [email, frequency] of [['weekly.one@example.org', 'weekly'], ['now.one@example.org', 'immediately']] as const) {
    await subscribers.put({ ...newSubscriber({ email, agency: 'education', role: 'dsl', topics: ['invisible_men'], frequency }, now), status: 'confirmed', confirmedAt: now.toISOString() });
  }
  await subscribers.put(newSubscriber({ email: 'pending.one@example.org', agency: 'police', role: 'manager', topics: 'all', frequency: 'weekly' }, now));
  const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
  await lists.putList({ id: 'education-dsls', name: 'Education DSLs' });
  await lists.putMembers('education-dsls', [{ email: 'now.one@example.org', name: 'Now One', agency: 'education', role: 'dsl' }]);
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

test('subscribers list shows each subscriber and counts by status; --status filters', async () => {
  const all = await cli('subscribers', 'list');
  expect(all.code).toBe(0);
  expect(all.out).toMatch(/weekly\.one@example\.org\s+education\s+dsl\s+weekly\s+confirmed/);
  expect(all.out).toContain('3 subscriber(s): 2 confirmed, 1 pending.');
  const pending = await cli('subscribers', 'list', '--status', 'pending');
  expect(pending.out).toContain('pending.one@example.org');
  expect(pending.out).not.toContain('weekly.one@example.org');
  expect((await cli('subscribers', 'list', '--status', 'Confirmed')).code).toBe(2);
});

test('digest run --now sends the week\'s digest once, with progress; a second run sends nothing', async () => {
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...seed, status: 'published' } }));
  await waitFor('the briefing to be planned and sent', async () => (await ledger()).some((r) => r.status === 'SENT') && pipeline.pollers['send-briefing'].isCaughtUp);

  expect((await cli('digest', 'run')).code).toBe(2); // sends email: asks for --now
  const first = await cli('digest', 'run', '--now');
  expect(first.code).toBe(0);
  expect(first.out).toMatch(/Week \d{4}-W\d{2}: 1 finding\(s\) published in the last two weeks\. 1 weekly subscriber\(s\) have findings on their topics for this week's digest: 1 sent now\./);
  expect(first.progress.at(-1)).toBe('Sending digests: 1/1');
  const digests = (await pipeline.ses.emails()).filter((e) => e.subject.startsWith('Your weekly'));
  expect(digests).toHaveLength(1);
  expect(digests[0]!.destination.to.join()).toContain('weekly.one@example.org');

  const second = await cli('digest', 'run', '--now');
  expect(second.out).toContain("1 weekly subscriber(s) have findings on their topics for this week's digest: 0 sent now, 1 had this week's digest from an earlier run (not sent again).");
  expect((await pipeline.ses.emails()).filter((e) => e.subject.startsWith('Your weekly'))).toHaveLength(1);
});

test('subscribers show and export give everything held about one person; nothing else', async () => {
  const shown = await cli('subscribers', 'show', 'NOW.one@example.org');
  expect(shown.out).toContain('status:    confirmed');
  expect(shown.out).toContain('On lists: education-dsls');
  expect(shown.out).toContain('Not suppressed.');

  const file = join(mkdtempSync(join(tmpdir(), 'sar-')), 'now-one.json');
  const exported = await cli('subscribers', 'export', 'now.one@example.org', '--out', file);
  expect(exported.code).toBe(0);
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  expect(data.email).toBe('now.one@example.org');
  expect(data.subscription).toMatchObject({ frequency: 'immediately', topics: ['invisible_men'] });
  expect(data.listMemberships).toEqual([{ listId: 'education-dsls', name: 'Now One', agency: 'education', role: 'dsl' }]);
  expect(data.emailsSent).toHaveLength(1);
  expect(JSON.stringify(data)).not.toContain('weekly.one@example.org');

  expect((await cli('subscribers', 'show', 'nobody.here@example.org')).out).toContain('Nothing is held for nobody.here@example.org');
  expect((await cli('subscribers', 'show', 'not an address')).code).toBe(2);
});

test('subscribers suppress stops every email to the address and unsubscribes the subscription', async () => {
  const result = await cli('subscribers', 'suppress', 'weekly.one@example.org', '--reason', 'asked by phone to stop');
  expect(result.code).toBe(0);
  expect(result.out).toContain('weekly.one@example.org is suppressed');
  expect(result.out).toContain('marked unsubscribed');
  const shown = await cli('subscribers', 'show', 'weekly.one@example.org');
  expect(shown.out).toContain('Suppressed: admin');
  expect(shown.out).toContain('status:    unsubscribed');
  expect((await cli('subscribers', 'suppress', 'weekly.one@example.org')).out).toContain('already suppressed');
});

test('subscribers erase removes the address everywhere and keeps anonymous counts', async () => {
  const before = await ledger();
  const result = await cli('subscribers', 'erase', 'now.one@example.org');
  expect(result.code).toBe(0);
  expect(result.out).toContain('Erased now.one@example.org: subscription removed, 1 list membership(s) removed, 1 ledger row(s) anonymised');

  const after = await ledger();
  expect(after).toHaveLength(before.length);
  const everything = JSON.stringify([
    after,
    (await db.send(new ScanCommand({ TableName: tables.subscribers }))).Items,
    (await db.send(new ScanCommand({ TableName: tables.listMembers }))).Items,
  ]);
  expect(everything).not.toContain('now.one@example.org');
  expect(everything).not.toContain(recipientKey('now.one@example.org'));
  const erased = after.find((r) => String(r.recipientKey).startsWith('erased-'));
  expect(erased).toMatchObject({ status: 'SENT', agency: 'education', role: 'dsl', email: 'erased', briefingId: `${seed.id}#v1` });
  expect((await cli('subscribers', 'show', 'now.one@example.org')).out).toContain('Nothing is held');
});
