import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoBriefingStore } from '../../shared/adapters/dynamo/briefing-store';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { TokenSigner } from '../../shared/core/tokens';
import { runDigest } from '../../shared/flows/digest/digest';
import { digestRunSummary } from '../../cli/commands/digest';
import { DynamoSubscriberStore } from '../../shared/adapters/dynamo/subscriber-store';
import { DynamoSuppressionStore } from '../../shared/adapters/dynamo/suppression-store';
import { recipientKey } from '../../shared/core/audience';
import { newSubscriber, type Subscriber } from '../../shared/core/subscriber';
import type { DigestSummary } from '../../shared/flows/digest/digest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, waitFor } from '../../infra/local/emulators';
import { loadHandler, startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { sesNotification, snsEvent } from '../support/ses-fixtures';

/**
 * The weekly digest and the SES event handler, each called as Lambda calls it, on the
 * real local pipeline: findings are published through the stream, subscribers sit in
 * DynamoDB Local, and emails land in the SES emulator.
 */

const tables = localTableNames();
const seed = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../infra/local/seed/findings', `${name}.json`), 'utf8')) as Record<string, unknown> & { id: string; topics: string[] };
const invisibleMen = seed('nr-myth-of-invisible-men-2021');
const outOfRoutine = seed('nr-out-of-routine-2020');
const hardToEscape = seed('nr-it-was-hard-to-escape-2020');

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let subscribers: DynamoSubscriberStore;
let suppressions: DynamoSuppressionStore;
let deliveries: DynamoDeliveryStore;
let digest: (event: unknown) => Promise<DigestSummary>;
let sesEvents: (event: SNSEvent) => Promise<void>;

const emailsTo = async (address: string) => (await pipeline.ses.emails()).filter((e) => e.destination.to.some((to) => to.includes(address)));
const ledger = async () => ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []) as Record<string, unknown>[];

async function confirmedSubscriber(email: string, choice: Pick<Subscriber, 'topics' | 'frequency'>, agency: Subscriber['agency'] = 'health') {
  const now = new Date();
  const subscriber = { ...newSubscriber({ email, agency, role: 'frontline', ...choice }, now), status: 'confirmed' as const, confirmedAt: now.toISOString() };
  await subscribers.put(subscriber);
  return subscriber;
}

async function publish(finding: Record<string, unknown> & { id: string }) {
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...finding, status: 'published' } }));
  await waitFor(`${finding.id} to be planned`, async () => {
    const rows = await db.send(new ScanCommand({ TableName: tables.briefings }));
    return (rows.Items ?? []).some((b) => b.findingId === finding.id) && pipeline.pollers['send-briefing'].isCaughtUp && pipeline.pollers['plan-briefing'].isCaughtUp;
  });
}

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50 });
  db = documentClient(pipeline.dynamo.client);
  subscribers = new DynamoSubscriberStore(db, tables.subscribers);
  suppressions = new DynamoSuppressionStore(db, tables.suppressions);
  deliveries = new DynamoDeliveryStore(db, tables.deliveries);
  digest = await loadHandler<unknown, DigestSummary>('digest');
  sesEvents = await loadHandler<SNSEvent, void>('ses-events');
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe('immediate subscribers join the audience', () => {
  test('a confirmed "immediately" subscriber of a topic gets the briefing once, even when also on a list; weekly ones do not', async () => {
    const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
    await lists.putList({ id: 'health-practitioners', name: 'Health practitioners', agencies: ['health'] });
    await lists.putMembers('health-practitioners', [{ email: 'both.ways@example.org', name: 'Both Ways', agency: 'health', role: 'frontline' }]);
    await confirmedSubscriber('both.ways@example.org', { topics: ['invisible_men'], frequency: 'immediately' });
    await confirmedSubscriber('now.reader@example.org', { topics: 'all', frequency: 'immediately' }, 'police');
    await confirmedSubscriber('weekly.reader@example.org', { topics: ['invisible_men', 'safe_sleep'], frequency: 'weekly' });
    await confirmedSubscriber('other.topic@example.org', { topics: ['online_safety'], frequency: 'immediately' });

    await publish(invisibleMen);
    await waitFor('the briefings to go out', async () => (await ledger()).filter((r) => r.status === 'SENT').length === 2);
    expect(await emailsTo('both.ways@example.org')).toHaveLength(1);
    const [toSubscriber] = await emailsTo('now.reader@example.org');
    expect(toSubscriber!.body.text).toContain('Dear colleague');
    expect(toSubscriber!.body.text).toContain('/preferences?t=');
    expect(await emailsTo('weekly.reader@example.org')).toHaveLength(0);
    expect(await emailsTo('other.topic@example.org')).toHaveLength(0);
    const row = (await ledger()).find((r) => r.recipientKey === recipientKey('both.ways@example.org'));
    expect(row!.via).toEqual(['health-practitioners', 'topic-subscription']);
  });
});

describe('weekly digest', () => {
  test('each weekly subscriber with matching findings gets one digest; nobody else does', async () => {
    await confirmedSubscriber('weekly.sleep@example.org', { topics: ['safe_sleep'], frequency: 'weekly' }, 'police');
    await confirmedSubscriber('weekly.nothing@example.org', { topics: ['online_safety'], frequency: 'weekly' });
    // now.reader had the first finding by email, then switched to weekly.
    await confirmedSubscriber('now.reader@example.org', { topics: 'all', frequency: 'weekly' }, 'police');
    await publish(outOfRoutine);

    const summary = await digest({});
    expect(summary).toMatchObject({ findings: 2, subscribers: 3, sent: 3, alreadySent: 0, failed: 0 });
    // The digest leaves out what they were sent by email before they switched.
    const [switched] = await emailsTo('now.reader@example.org').then((emails) => emails.filter((e) => e.subject.startsWith('Your weekly')));
    expect(switched!.subject).toContain('1 new briefing');
    expect(switched!.body.text).toContain(outOfRoutine.title as string);
    expect(switched!.body.text).not.toContain(invisibleMen.title as string);
    const [both] = await emailsTo('weekly.reader@example.org');
    expect(both!.subject).toBe('Your weekly safeguarding learning digest: 2 new briefings');
    expect(both!.body.text).toContain(invisibleMen.title as string);
    expect(both!.body.text).toContain(outOfRoutine.title as string);
    const [sleepOnly] = await emailsTo('weekly.sleep@example.org');
    expect(sleepOnly!.subject).toContain('1 new briefing');
    expect(sleepOnly!.body.text).toContain(outOfRoutine.title as string);
    expect(sleepOnly!.body.text).not.toContain(invisibleMen.title as string);
    // Their own agency's actions, not another's.
    const actions = outOfRoutine.actions as Record<string, string[]>;
    expect(sleepOnly!.body.text).toContain(actions.police![0]!.slice(0, 40));
    expect(sleepOnly!.body.text).not.toContain(actions.health![0]!.slice(0, 40));
    // Each briefing links to its whole text on the web, with the reader's agency and role, and no personal link.
    const full = /Read the full briefing: (\S+)/.exec(sleepOnly!.body.text ?? '')?.[1];
    expect(full).toBe(`${pipeline.pages.url}/briefing?f=${outOfRoutine.id}&agency=police&role=frontline`);
    const page = await fetch(full!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(outOfRoutine.title as string);
    expect(html).toContain('7. What should I do?');
    expect(html).not.toMatch(/\?t=|Unsubscribe|I have read this briefing/);
    expect(await emailsTo('weekly.nothing@example.org')).toHaveLength(0);
    const digestRows = (await ledger()).filter((r) => r.kind === 'digest');
    expect(digestRows.map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
  });

  test('a second run in the same week sends nothing twice', async () => {
    const before = (await pipeline.ses.emails()).length;
    const summary = await digest({});
    expect(summary).toMatchObject({ sent: 0, alreadySent: 3 });
    expect(await pipeline.ses.emails()).toHaveLength(before);
    // What the CLI prints of it says one thing: none sent now, three had it from the earlier run.
    const said = digestRunSummary(summary);
    expect(said).toContain("3 weekly subscriber(s) have findings on their topics for this week's digest: 0 sent now, 3 had this week's digest from an earlier run (not sent again).");
    expect(said).not.toMatch(/not sent to them before/);
  });

  test("next week's run does not repeat what this week's digest carried (it looks back two weeks)", async () => {
    const nextWeek = new Date(Date.now() + 7 * 86_400_000);
    const before = (await pipeline.ses.emails()).length;
    const summary = await runDigest({
      findings: new DynamoFindingStore(db, tables.findings),
      briefings: new DynamoBriefingStore(db, tables.briefings),
      subscribers,
      suppressions,
      deliveries,
      mailer: new SesMailer(new SESClient({ endpoint: pipeline.ses.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })),
      signer: new TokenSigner(Buffer.from(readFileSync(process.env.TOKEN_KEY_FILE!, 'utf8').trim())),
      senderAddress: 'briefings@example.org',
      publicBaseUrl: pipeline.pages.url,
      timeZone: 'Europe/London',
      now: () => nextWeek,
    });
    expect(summary).toMatchObject({ findings: 2, subscribers: 0, sent: 0 });
    expect(await pipeline.ses.emails()).toHaveLength(before);
  });

  test('a withdrawn finding is left out, and nothing goes when nothing matches', async () => {
    await db.send(new UpdateCommand({ TableName: tables.findings, Key: { id: outOfRoutine.id }, UpdateExpression: 'SET #s = :w', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':w': 'withdrawn' } }));
    await waitFor('the withdrawal to be planned', async () => {
      const item = (await db.send(new ScanCommand({ TableName: tables.findings }))).Items?.find((f) => f.id === outOfRoutine.id);
      return item?.pipelineStatus === 'withdrawn';
    });
    await db.send(new ScanCommand({ TableName: tables.deliveries })).then(async ({ Items }) => {
      // Start the week afresh for this check: the ledger is what guards re-runs.
      for (const item of Items ?? []) if (item.kind === 'digest') await db.send(new UpdateCommand({ TableName: tables.deliveries, Key: { deliveryId: item.deliveryId }, UpdateExpression: 'SET #s = :f', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':f': 'FAILED' } }));
    });
    const before = (await pipeline.ses.emails()).length;
    const summary = await digest({});
    expect(summary).toMatchObject({ findings: 1, subscribers: 1, sent: 1 });
    // Withdrawing it told everyone who had it, weekly digest readers included.
    const withdrawnTo = async () => (await pipeline.ses.emails()).filter((e) => e.subject.startsWith('Withdrawn:')).map((e) => e.destination.to.join()).join();
    await waitFor('withdrawal notices to the digest readers', async () => {
      const to = await withdrawnTo();
      return ['weekly.reader@example.org', 'weekly.sleep@example.org'].every((address) => to.includes(address));
    });
    const withdrawals = (await pipeline.ses.emails()).filter((e) => e.subject.startsWith('Withdrawn:')).map((e) => e.destination.to.join());
    expect(withdrawals.some((to) => to.includes('weekly.reader@example.org'))).toBe(true);
    expect(withdrawals.some((to) => to.includes('weekly.sleep@example.org'))).toBe(true);
    // The digest is the one "weekly" email.
    const latest = (await pipeline.ses.emails()).slice(before).filter((e) => e.subject.startsWith('Your weekly'));
    expect(latest).toHaveLength(1);
    expect(latest[0]!.destination.to.join()).toContain('weekly.reader@example.org');
    expect(latest[0]!.body.text).not.toContain(outOfRoutine.title as string);
    // Its page on the web says it was withdrawn: 410 Gone.
    const gone = await fetch(`${pipeline.pages.url}/briefing?f=${outOfRoutine.id}&agency=police&role=frontline`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('This briefing was withdrawn');
    expect((await fetch(`${pipeline.pages.url}/briefing?f=never-published-one`)).status).toBe(404);
  });
});

describe('SES events (AWS documentation shapes, through the SNS envelope)', () => {
  const rowFor = async (email: string) => (await ledger()).find((r) => r.recipientKey === recipientKey(email) && r.kind === 'briefing');

  test('a delivery is recorded on the row and suppresses nobody', async () => {
    const row = await rowFor('now.reader@example.org');
    await sesEvents(snsEvent(sesNotification('delivery', { deliveryId: String(row!.deliveryId), email: 'now.reader@example.org' })));
    expect(await rowFor('now.reader@example.org')).toMatchObject({ mailEvent: 'delivered', status: 'SENT' });
    expect(await suppressions.get(recipientKey('now.reader@example.org'))).toBeUndefined();
  });

  test('a soft bounce is recorded only', async () => {
    const row = await rowFor('both.ways@example.org');
    await sesEvents(snsEvent(sesNotification('bounce-transient', { deliveryId: String(row!.deliveryId), email: 'both.ways@example.org' })));
    expect(await rowFor('both.ways@example.org')).toMatchObject({ mailEvent: 'soft-bounced' });
    expect(await suppressions.get(recipientKey('both.ways@example.org'))).toBeUndefined();
    expect(await subscribers.get(recipientKey('both.ways@example.org'))).toMatchObject({ status: 'confirmed' });
  });

  test('a hard bounce suppresses the address, unsubscribes the subscriber with the reason, and outranks a delivery', async () => {
    const row = await rowFor('both.ways@example.org');
    const event = snsEvent(sesNotification('bounce-permanent', { deliveryId: String(row!.deliveryId), email: 'both.ways@example.org' }));
    await sesEvents(event);
    await sesEvents(event); // SNS may deliver twice: harmless
    await sesEvents(snsEvent(sesNotification('delivery', { deliveryId: String(row!.deliveryId), email: 'both.ways@example.org' })));
    expect(await rowFor('both.ways@example.org')).toMatchObject({ mailEvent: 'bounced' });
    expect(await suppressions.get(recipientKey('both.ways@example.org'))).toMatchObject({ reason: 'hard-bounce' });
    const subscriber = await subscribers.get(recipientKey('both.ways@example.org'));
    expect(subscriber).toMatchObject({ status: 'unsubscribed', statusReason: expect.stringMatching(/hard bounce/) });
  });

  test('a complaint (identity-notification shape too) suppresses the address', async () => {
    await sesEvents(snsEvent(sesNotification('complaint', { email: 'now.reader@example.org' })));
    expect(await suppressions.get(recipientKey('now.reader@example.org'))).toMatchObject({ reason: 'complaint' });
    await sesEvents(snsEvent(sesNotification('identity-bounce-permanent', { email: 'weekly.sleep@example.org' })));
    expect(await suppressions.get(recipientKey('weekly.sleep@example.org'))).toMatchObject({ reason: 'hard-bounce' });
  });

  test('suppressed addresses are left out of the next briefing, from lists and subscriptions alike', async () => {
    await publish(hardToEscape);
    const version = Number(hardToEscape.version ?? 1);
    await waitFor('the plan note', async () => {
      const item = (await db.send(new ScanCommand({ TableName: tables.findings }))).Items?.find((f) => f.id === hardToEscape.id);
      return item?.pipelineStatus === 'planned' && item.pipelineVersion === version;
    });
    const rows = (await deliveries.byBriefing(`${hardToEscape.id}#v${version}`)).map((r) => r.recipientKey);
    expect(rows).not.toContain(recipientKey('both.ways@example.org')); // list member and subscriber, hard-bounced
    expect(rows).not.toContain(recipientKey('now.reader@example.org')); // all-topics subscriber, complained
    const finding = (await db.send(new ScanCommand({ TableName: tables.findings }))).Items?.find((f) => f.id === hardToEscape.id);
    expect(String(finding!.pipelineMessage)).toMatch(/left out/);
  });

  test('an event type the function does not handle is dropped without error', async () => {
    await expect(sesEvents(snsEvent({ eventType: 'Open', mail: { messageId: 'x', timestamp: new Date().toISOString() } }))).resolves.toBeUndefined();
  });
});
