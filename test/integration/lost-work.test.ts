import { randomBytes } from 'node:crypto';
import { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb, startSes } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { publishedSeed, snapshotOf } from '../support/findings';
import { DynamoBriefingStore } from '../../shared/adapters/dynamo/briefing-store';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { DynamoSuppressionStore } from '../../shared/adapters/dynamo/suppression-store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { pendingDelivery, type DeliveryRow } from '../../shared/core/delivery';
import { TokenSigner } from '../../shared/core/tokens';
import { requeueDeliveries } from '../../shared/flows/send/requeue';
import { sendBatch, sendDelivery, type SendDeps } from '../../shared/flows/send/send-briefing';
import { OUTCOME_UNKNOWN_REASON, SWEEP_LIMITS, sweep } from '../../shared/flows/housekeeping/sweeper';
import { claimOne } from '../support/ledger';

/**
 * Nothing lost, at most one duplicate. Real DynamoDB Local and the SES emulator; the only
 * stand-in is the crash itself: a ledger whose "SENT" write fails, as when the process
 * dies after SES accepted the message. The stream is played by hand: each re-queued row
 * is handed to the sender as its INSERT record would be.
 */

const tables = localTableNames();
let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let ses: Awaited<ReturnType<typeof startSes>>;
let db: DynamoDBDocumentClient;
let ledger: DynamoDeliveryStore;

const finding = publishedSeed('nr-out-of-routine-2020');

class ProcessDied extends Error {
  override readonly name = 'ProcessDied';
}

/** The real ledger, except that the next `crashes` SENT writes never happen: the process died first. */
function crashingLedger(crashes: { left: number }): DynamoDeliveryStore {
  return new Proxy(ledger, {
    get(target, key, receiver) {
      if ((key === 'markSent' || key === 'markSentMany') && crashes.left > 0) {
        return async () => {
          crashes.left--;
          throw new ProcessDied('the process died after SES accepted the message');
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function deps(deliveries = ledger): SendDeps {
  return {
    briefings: new DynamoBriefingStore(db, tables.briefings),
    deliveries,
    suppressions: new DynamoSuppressionStore(db, tables.suppressions),
    mailer: new SesMailer(new SESClient({ endpoint: ses.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 })),
    signer: new TokenSigner(randomBytes(32)),
    senderAddress: 'briefings@example.org',
    publicBaseUrl: 'https://briefings.example.org',
  };
}

const emailsTo = async (address: string) => (await ses.emails()).filter((e) => e.destination.to.some((to) => to.includes(address)));
const minutesLater = (minutes: number) => new Date(Date.now() + minutes * 60_000);

async function pendingRow(local: string): Promise<DeliveryRow> {
  const row = pendingDelivery(finding.id, 1, { email: `${local}@example.org`, name: 'Test Reader', agency: 'police', role: 'frontline', via: ['test'] }, new Date());
  await ledger.insertMissing([row]);
  return row;
}

beforeAll(async () => {
  dynamo = await startDynamoDb();
  ses = await startSes();
  await ensureTables(dynamo.client);
  db = documentClient(dynamo.client);
  ledger = new DynamoDeliveryStore(db, tables.deliveries);
  await new DynamoBriefingStore(db, tables.briefings).putIfAbsent(snapshotOf(finding, new Date(), 3));
}, 120_000);

afterAll(async () => {
  await ses?.stop();
  await dynamo?.stop();
});

test('a PENDING row whose stream record ran out of retries is found by the sweeper and sent once', async () => {
  const row = await pendingRow('forgotten.reader');
  expect(await sweep(ledger, new Date())).toMatchObject({ requeuedPending: 0 }); // not stuck yet
  expect(await sweep(ledger, minutesLater(SWEEP_LIMITS.pendingAfterMs / 60_000 + 1))).toMatchObject({ requeuedPending: 1 });

  const requeued = (await ledger.get(row.deliveryId))!;
  expect(requeued).toMatchObject({ status: 'PENDING', redrives: 0 });
  // The old record, if it ever came back, finds a different row and sends nothing.
  await expect(sendDelivery(deps(), row)).resolves.toEqual({ outcome: 'skipped', reason: 'already-claimed' });
  await expect(sendDelivery(deps(), requeued)).resolves.toMatchObject({ outcome: 'sent' });
  expect(await emailsTo('forgotten.reader@example.org')).toHaveLength(1);
  // Finished rows leave the sweeper's index.
  const open = [...(await ledger.openRows('PENDING', minutesLater(60), 100)), ...(await ledger.openRows('SENDING', minutesLater(60), 100))];
  expect(open.map((r) => r.deliveryId)).not.toContain(row.deliveryId);
});

test('a crash between the SES send and the SENT write: re-driven once, so at most one duplicate, then left for a person', async () => {
  const row = await pendingRow('crash.reader');
  const crashes = { left: 2 };

  // First attempt: SES accepts, the process dies before recording it.
  await expect(sendDelivery(deps(crashingLedger(crashes)), row)).rejects.toBeInstanceOf(ProcessDied);
  expect(await ledger.get(row.deliveryId)).toMatchObject({ status: 'SENDING' });
  expect(await emailsTo('crash.reader@example.org')).toHaveLength(1);
  // A stream retry of the same record cannot send it again: the row is claimed.
  await expect(sendDelivery(deps(), row)).resolves.toEqual({ outcome: 'skipped', reason: 'already-claimed' });

  // The sweeper re-drives it once: that is the one duplicate at-least-once delivery can cost.
  const later = minutesLater(SWEEP_LIMITS.sendingAfterMs / 60_000 + 1);
  expect(await sweep(ledger, later)).toMatchObject({ redrivenSending: 1 });
  const redriven = (await ledger.get(row.deliveryId))!;
  expect(redriven).toMatchObject({ status: 'PENDING', redrives: 1 });
  // It crashes again after SES accepted.
  await expect(sendDelivery(deps(crashingLedger(crashes)), redriven)).rejects.toBeInstanceOf(ProcessDied);
  expect(await emailsTo('crash.reader@example.org')).toHaveLength(2);

  // Left SENDING a second time: never re-driven again, and marked for a person to check.
  expect(await sweep(ledger, minutesLater(2 * (SWEEP_LIMITS.sendingAfterMs / 60_000) + 2))).toMatchObject({ outcomeUnknown: 1, redrivenSending: 0 });
  expect(await ledger.get(row.deliveryId)).toMatchObject({ status: 'FAILED', outcomeUnknown: true, reason: OUTCOME_UNKNOWN_REASON });
  expect(await sweep(ledger, minutesLater(120))).toMatchObject({ redrivenSending: 0, requeuedPending: 0, outcomeUnknown: 0 });

  // `deliveries retry` after a fix does not touch it either: the bound holds.
  const retry = await requeueDeliveries(ledger, await ledger.byBriefing(row.briefingId), { includeFailed: true, stuckAfterMs: 0 });
  expect((await ledger.get(row.deliveryId))!.status).toBe('FAILED');
  expect(retry.candidates).toBe(0);
  expect(await emailsTo('crash.reader@example.org')).toHaveLength(2);
});

test('a crash before SES was called: the re-drive sends it, and nobody gets a duplicate', async () => {
  const row = await pendingRow('early.crash');
  // The claim happened, then the process died before sending: the row is SENDING, nothing sent.
  expect(await claimOne(ledger, row.deliveryId, row.createdAt, new Date())).toBe(true);
  expect(await sweep(ledger, minutesLater(SWEEP_LIMITS.sendingAfterMs / 60_000 + 1))).toMatchObject({ redrivenSending: 1 });
  await expect(sendDelivery(deps(), (await ledger.get(row.deliveryId))!)).resolves.toMatchObject({ outcome: 'sent' });
  expect(await emailsTo('early.crash@example.org')).toHaveLength(1);
  expect(await ledger.get(row.deliveryId)).toMatchObject({ status: 'SENT' });
});

test('a crash after a batch was claimed and before any send: every row re-driven once, each person emailed once', async () => {
  const rows = [await pendingRow('batch.claimed.1'), await pendingRow('batch.claimed.2'), await pendingRow('batch.claimed.3')];
  // The batch's one claim happened, then the process died.
  expect(await ledger.claimMany(rows, new Date())).toEqual(new Set(rows.map((row) => row.deliveryId)));
  // The stream's retry of the batch finds every row claimed and sends nothing.
  expect(await sendBatch(deps(), rows)).toEqual(rows.map(() => ({ outcome: 'skipped', reason: 'already-claimed' })));
  expect(await sweep(ledger, minutesLater(SWEEP_LIMITS.sendingAfterMs / 60_000 + 1))).toMatchObject({ redrivenSending: 3 });
  const redriven = await Promise.all(rows.map(async (row) => (await ledger.get(row.deliveryId))!));
  expect(await sendBatch(deps(), redriven)).toEqual(rows.map(() => expect.objectContaining({ outcome: 'sent' })));
  for (const n of [1, 2, 3]) expect(await emailsTo(`batch.claimed.${n}@example.org`)).toHaveLength(1);
});

test('a crash in the middle of a batch (one email accepted, the next call never returns): nobody lost, at most one duplicate', async () => {
  const rows = [await pendingRow('mid.batch.1'), await pendingRow('mid.batch.2'), await pendingRow('mid.batch.3')];
  const real = deps().mailer;
  let calls = 0;
  // The first email reaches SES; then the process dies during the second call: nothing after it runs.
  const dying = { sendRaw: (raw: Buffer) => (++calls === 1 ? real.sendRaw(raw) : new Promise<string>(() => undefined)) };
  void sendBatch({ ...deps(), mailer: dying }, rows);
  const emailed = async () => (await Promise.all([1, 2, 3].map(async (n) => (await emailsTo(`mid.batch.${n}@example.org`)).length))).reduce((a, b) => a + b, 0);
  for (let waited = 0; (await emailed()) < 1 || calls < 3; waited += 50) {
    if (waited > 10_000) throw new Error('the first email never reached SES');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Every row is SENDING: the batch's SENT write never happened.
  expect(await Promise.all(rows.map(async (row) => (await ledger.get(row.deliveryId))!.status))).toEqual(['SENDING', 'SENDING', 'SENDING']);

  expect(await sweep(ledger, minutesLater(SWEEP_LIMITS.sendingAfterMs / 60_000 + 1))).toMatchObject({ redrivenSending: 3 });
  const redriven = await Promise.all(rows.map(async (row) => (await ledger.get(row.deliveryId))!));
  await sendBatch(deps(), redriven);
  const counts = await Promise.all([1, 2, 3].map(async (n) => (await emailsTo(`mid.batch.${n}@example.org`)).length));
  // Each person has it; the one whose email went out before the crash has it twice, nobody more.
  expect(counts.every((count) => count >= 1 && count <= 2)).toBe(true);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
  expect(await Promise.all(rows.map(async (row) => (await ledger.get(row.deliveryId))!.status))).toEqual(['SENT', 'SENT', 'SENT']);
});

test('deliveries retry re-drives a FAILED row after a fix, once, and never a SENT one', async () => {
  const sent = await pendingRow('already.sent');
  await sendDelivery(deps(), sent);
  const failed = await pendingRow('was.rejected');
  await claimOne(ledger, failed.deliveryId, failed.createdAt, new Date());
  await ledger.markFailed(failed.deliveryId, 'SES MessageRejected: Email address is not verified.', new Date());

  const rows = (await ledger.byBriefing(sent.briefingId)).filter((r) => [sent.deliveryId, failed.deliveryId].includes(r.deliveryId));
  expect(await requeueDeliveries(ledger, rows, { includeFailed: true, stuckAfterMs: 0 })).toEqual({ candidates: 1, requeued: 1 });
  // Running it twice re-queues nothing more: the row is PENDING again, not FAILED.
  expect(await requeueDeliveries(ledger, rows, { includeFailed: true, stuckAfterMs: 60_000 })).toEqual({ candidates: 1, requeued: 0 });
  await sendDelivery(deps(), (await ledger.get(failed.deliveryId))!);
  expect(await emailsTo('was.rejected@example.org')).toHaveLength(1);
  expect(await emailsTo('already.sent@example.org')).toHaveLength(1);
});
