import { randomBytes } from 'node:crypto';
import { TokenSigner } from '../../shared/core/tokens';
import { DynamoSuppressionStore } from '../../shared/adapters/dynamo/suppression-store';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { startDynamoDb } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { publishedSeed, snapshotOf } from '../support/findings';
import { DynamoBriefingStore } from '../../shared/adapters/dynamo/briefing-store';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { pendingDelivery } from '../../shared/core/delivery';
import { sendBatch, sendDelivery, TransientSendError, type SendDeps } from '../../shared/flows/send/send-briefing';

/**
 * Send failures the SES emulator cannot produce (it accepts everything), so only the
 * SES client is mocked here; the ledger is real DynamoDB Local. What matters is what
 * happens to the row: a throttle hands it back for a retry, a rejection records why.
 */

const tables = localTableNames();
let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let db: DynamoDBDocumentClient;
const sesMock = mockClient(SESClient);

const finding = publishedSeed('nr-out-of-routine-2020');

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await ensureTables(dynamo.client);
  db = documentClient(dynamo.client);
  await new DynamoBriefingStore(db, tables.briefings).putIfAbsent(snapshotOf(finding, new Date(), 3));
}, 120_000);

afterAll(async () => {
  sesMock.restore();
  await dynamo?.stop();
});

beforeEach(() => sesMock.reset());

const signer = new TokenSigner(randomBytes(32));
/** The back-off waits, recorded instead of slept: the policy is under test, not the clock. */
const pauses: number[] = [];
beforeEach(() => pauses.splice(0));
function deps(): SendDeps {
  return {
    briefings: new DynamoBriefingStore(db, tables.briefings),
    deliveries: new DynamoDeliveryStore(db, tables.deliveries),
    suppressions: new DynamoSuppressionStore(db, tables.suppressions),
    mailer: new SesMailer(new SESClient({ region: 'eu-west-2' }), undefined, {
      attempts: 4,
      baseDelayMs: 250,
      pause: async (ms) => {
        pauses.push(ms);
      },
    }),
    signer,
    senderAddress: 'briefings@example.org',
    publicBaseUrl: 'https://briefings.example.org',
  };
}

async function pendingRow(local: string) {
  const row = pendingDelivery(finding.id, 1, { email: `${local}@example.org`, name: 'Test Reader', agency: 'health', role: 'frontline', via: ['test'] }, new Date());
  await new DynamoDeliveryStore(db, tables.deliveries).insertMissing([row]);
  return row;
}

const stored = async (deliveryId: string) =>
  (await db.send(new GetCommand({ TableName: tables.deliveries, Key: { deliveryId } }))).Item as Record<string, unknown>;

const sesError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: {} });

test('SES throttling once (mocked): the sender backs off and retries within the invocation; one email, one claim', async () => {
  const row = await pendingRow('briefly.throttled');
  sesMock.on(SendRawEmailCommand).rejectsOnce(sesError('Throttling', 'Maximum sending rate exceeded.')).resolves({ MessageId: 'ses-after-backoff' });

  await expect(sendDelivery(deps(), row)).resolves.toEqual({ outcome: 'sent', messageId: 'ses-after-backoff' });
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'SENT', messageId: 'ses-after-backoff', attempts: 1 });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(2);
  expect(pauses).toHaveLength(1);
  expect(pauses[0]).toBeGreaterThanOrEqual(125); // half the base delay, plus jitter
});

test('SES throttling (mocked): every attempt, the retry included, waits its turn at the send-rate pacer', async () => {
  const row = await pendingRow('paced.reader');
  sesMock.on(SendRawEmailCommand).rejectsOnce(sesError('Throttling', 'Maximum sending rate exceeded.')).resolves({ MessageId: 'ses-paced' });
  const events: string[] = [];
  const calls = () => sesMock.commandCalls(SendRawEmailCommand).length;
  const pacer = { take: async () => void events.push(`token, then SES call ${calls() + 1}`) };
  const mailer = new SesMailer(new SESClient({ region: 'eu-west-2' }), undefined, { attempts: 4, baseDelayMs: 250, pause: async () => void events.push('back-off') }, pacer);

  await expect(sendDelivery({ ...deps(), mailer }, row)).resolves.toEqual({ outcome: 'sent', messageId: 'ses-paced' });
  expect(calls()).toBe(2);
  expect(events).toEqual(['token, then SES call 1', 'back-off', 'token, then SES call 2']);
});

test('SES throttling that persists (mocked): growing back-off, then the row goes back to PENDING and the stream retries it', async () => {
  const row = await pendingRow('throttled.reader');
  sesMock
    .on(SendRawEmailCommand)
    .rejectsOnce(sesError('Throttling', 'Maximum sending rate exceeded.'))
    .rejectsOnce(sesError('Throttling', 'Maximum sending rate exceeded.'))
    .rejectsOnce(sesError('Throttling', 'Maximum sending rate exceeded.'))
    .rejectsOnce(sesError('Throttling', 'Maximum sending rate exceeded.'))
    .resolves({ MessageId: 'ses-after-retry' });

  await expect(sendDelivery(deps(), row)).rejects.toBeInstanceOf(TransientSendError);
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'PENDING', lastError: expect.stringContaining('Throttling') });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(4);
  expect(pauses).toHaveLength(3);
  expect(pauses[2]!).toBeGreaterThan(pauses[0]!); // it backs off further each time

  // The retried record claims it again and this time it goes.
  await expect(sendDelivery(deps(), row)).resolves.toEqual({ outcome: 'sent', messageId: 'ses-after-retry' });
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'SENT', messageId: 'ses-after-retry', attempts: 2 });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(5);
});

test('SES rejecting one address (mocked): that row is FAILED with the reason and nothing is thrown', async () => {
  const row = await pendingRow('rejected.reader');
  // An address SES refuses (the SES sending-errors page). "Email address is not verified" is a set-up problem instead: test/integration/ses-errors.test.ts.
  sesMock.on(SendRawEmailCommand).rejects(sesError('InvalidParameterValue', "Missing final '@domain'"));

  await expect(sendDelivery(deps(), row)).resolves.toMatchObject({ outcome: 'failed' });
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('InvalidParameterValue') });
  // A replay of the same record finds the row finished and does not call SES again.
  await expect(sendDelivery(deps(), row)).resolves.toEqual({ outcome: 'skipped', reason: 'already-claimed' });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(1);
});

test('the message SES receives is the tailored briefing, with the one-click unsubscribe headers', async () => {
  const row = await pendingRow('health.reader');
  sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
  await sendDelivery(deps(), row);
  const raw = Buffer.from(sesMock.commandCalls(SendRawEmailCommand)[0]!.args[0].input.RawMessage!.Data!).toString('utf8');
  const header = /^List-Unsubscribe: ?\r?\n? ?<(https:\/\/briefings\.example\.org\/unsubscribe\?t=[^>]+)>/m.exec(raw);
  expect(header).not.toBeNull();
  expect(header![1]).not.toContain('@');
  // The header's link is a signed unsubscribe token for this recipient, and nothing else.
  const check = signer.verify(new URL(header![1]!).searchParams.get('t'), 'unsubscribe', new Date());
  expect(check).toMatchObject({ ok: true, claims: { subject: row.recipientKey } });
  expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  expect(raw).toMatch(new RegExp(`^X-Delivery-ID: ${row.deliveryId.replace(/[#]/g, '\\#')}`, 'mi'));
  expect(raw).toContain('To: Test Reader <health.reader@example.org>');
});

test('a snapshot that cannot be rendered marks the row FAILED with the reason, never leaves it SENDING', async () => {
  const broken = { ...finding, id: 'unrenderable', actions: undefined } as unknown as typeof finding;
  await new DynamoBriefingStore(db, tables.briefings).putIfAbsent({
    briefingId: 'unrenderable#v1', findingId: 'unrenderable', version: 1, finding: broken, plannedAt: new Date().toISOString(), recipients: 1,
  });
  const row = pendingDelivery('unrenderable', 1, { email: 'render.reader@example.org', name: 'Render Reader', agency: 'health', role: 'frontline', via: ['test'] }, new Date());
  await new DynamoDeliveryStore(db, tables.deliveries).insertMissing([row]);
  await expect(sendDelivery(deps(), row)).resolves.toMatchObject({ outcome: 'failed' });
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('could not be rendered') });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(0);
});

test('a row whose snapshot cannot be read yet goes back to PENDING and is retried, not failed', async () => {
  const row = pendingDelivery('not-planned-yet', 1, { email: 'early.reader@example.org', name: 'Early Reader', agency: 'health', role: 'frontline', via: ['test'] }, new Date());
  await new DynamoDeliveryStore(db, tables.deliveries).insertMissing([row]);
  await expect(sendDelivery(deps(), row)).rejects.toBeInstanceOf(TransientSendError);
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'PENDING', lastError: expect.stringContaining('snapshot') });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(0);
});

test('a person who unsubscribed while their row waited in the queue is not sent to; the row says why', async () => {
  const row = await pendingRow('changed.mind');
  await new DynamoSuppressionStore(db, tables.suppressions).put({ recipientKey: row.recipientKey, reason: 'unsubscribed', at: new Date().toISOString() });
  sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'should-not-happen' });

  await expect(sendDelivery(deps(), row)).resolves.toEqual({ outcome: 'suppressed' });
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('suppressed (unsubscribed') });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(0);
});

test("a batch's suppressions in two batched reads: the first part's rows alone, then the rest; a suppressed row in either is not sent", async () => {
  // Six rows: the first claim part is four, so the first read is those four keys, and the second the other two.
  const rows = [
    await pendingRow('first.part.one'),
    await pendingRow('left.meanwhile'),
    await pendingRow('first.part.three'),
    await pendingRow('first.part.four'),
    await pendingRow('second.part.one'),
    await pendingRow('bounced.meanwhile'),
  ];
  const suppressions = new DynamoSuppressionStore(db, tables.suppressions);
  await suppressions.put({ recipientKey: rows[1]!.recipientKey, reason: 'unsubscribed', at: new Date().toISOString() });
  await suppressions.put({ recipientKey: rows[5]!.recipientKey, reason: 'hard-bounce', at: new Date().toISOString() });
  sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-batch' });
  const reads: string[][] = [];
  const counting = new Proxy(suppressions, {
    get: (target, key) => {
      const value = Reflect.get(target, key) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        reads.push(key === 'suppressed' ? [...(args[0] as string[])] : [String(key)]);
        return value.apply(target, args);
      };
    },
  });

  const results = await sendBatch({ ...deps(), suppressions: counting }, rows);
  expect(results.map((result) => ('outcome' in result ? result.outcome : result))).toEqual(['sent', 'suppressed', 'sent', 'sent', 'sent', 'suppressed']);
  expect(reads).toEqual([rows.slice(0, 4).map((row) => row.recipientKey), rows.slice(4).map((row) => row.recipientKey)]);
  expect(await stored(rows[1]!.deliveryId)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('suppressed (unsubscribed') });
  expect(await stored(rows[5]!.deliveryId)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('suppressed (hard-bounce') });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(4);
});

test("a failed suppressions read hands back only the rows it covers, for the stream to retry; the other part's rows are sent", async () => {
  const rows = await Promise.all(['a.one', 'a.two', 'a.three', 'a.four', 'b.one'].map((name) => pendingRow(`read.fails.${name}`)));
  const suppressions = new DynamoSuppressionStore(db, tables.suppressions);
  let call = 0;
  const failingSecond = Object.assign(Object.create(suppressions) as DynamoSuppressionStore, {
    suppressed: (keys: readonly string[]) => (++call === 2 ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : suppressions.suppressed(keys)),
  });
  sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-part' });

  const results = await sendBatch({ ...deps(), suppressions: failingSecond }, rows);
  expect(results.slice(0, 4)).toEqual(Array(4).fill({ outcome: 'sent', messageId: 'ses-part' }));
  expect(results[4]).toBeInstanceOf(TransientSendError);
  expect(await stored(rows[4]!.deliveryId)).toMatchObject({ status: 'PENDING' });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(4);
});

test('a batch is claimed in one go before its sends, each SES call waits for its slot on the wire, and SENT is written for the batch after', async () => {
  const rows = [await pendingRow('waits.its.turn'), await pendingRow('waits.its.turn.too')];
  sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-after-slot' });
  const slots: string[] = [];
  const statuses = async () => (await Promise.all(rows.map(async (row) => (await stored(row.deliveryId)).status))).join(',');
  const recorder = (name: string) => ({ take: async () => void slots.push(`${name}; rows ${await statuses()}`) });
  const mailer = new SesMailer(new SESClient({ region: 'eu-west-2' }), undefined, undefined, recorder('wire slot'));

  await expect(sendBatch({ ...deps(), mailer }, rows)).resolves.toEqual([
    { outcome: 'sent', messageId: 'ses-after-slot' },
    { outcome: 'sent', messageId: 'ses-after-slot' },
  ]);
  expect(slots).toEqual(['wire slot; rows SENDING,SENDING', 'wire slot; rows SENDING,SENDING']);
  expect(await statuses()).toBe('SENT,SENT');
});

test('with too little of the invocation left to send safely, the row is not claimed: it stays PENDING and the stream retries it', async () => {
  const row = await pendingRow('late.in.the.invocation');
  sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'should-not-happen' });

  await expect(sendDelivery({ ...deps(), timeLeftMs: () => 5_000 }, row)).rejects.toBeInstanceOf(TransientSendError);
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'PENDING' });
  expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(0);
  await expect(sendDelivery({ ...deps(), timeLeftMs: () => 50_000 }, row)).resolves.toMatchObject({ outcome: 'sent' });
});
