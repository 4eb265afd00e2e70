import { randomUUID } from 'node:crypto';
import { startDynamoDb } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { stores } from '../../shared/adapters/wiring';
import { pendingDelivery, type DeliveryRow } from '../../shared/core/delivery';
import { newSubscriber } from '../../shared/core/subscriber';
import type { BriefingStore, DeliveryStore, FindingStore, RateLimiter, SubscriberStore, SuppressionStore } from '../../shared/core/ports';
import { memoryStores } from '../support/fakes';
import { publishedSeed, snapshotOf } from '../support/findings';

/**
 * The in-memory stores (test/support/fakes.ts) that the flows' unit tests use must behave as the
 * DynamoDB adapters do. Each case here runs against both: the adapters on DynamoDB Local (the
 * outside oracle: DynamoDB's own condition expressions) and the fakes. A fake that drifts from
 * the real store fails here, not silently in a flow's unit test. Example.org addresses only.
 */

interface Backend {
  findings: FindingStore;
  briefings: BriefingStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  rateLimiter: RateLimiter;
}

let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
const backends: Record<string, Backend> = {};

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await ensureTables(dynamo.client);
  const real = stores({ tables: localTableNames() }, dynamo.client);
  backends['DynamoDB Local'] = {
    findings: real.findings(),
    briefings: real.briefings(),
    deliveries: real.deliveries(),
    subscribers: real.subscribers(),
    suppressions: real.suppressions(),
    rateLimiter: real.rateLimiter(),
  };
  backends['in memory'] = memoryStores();
}, 120_000);

afterAll(async () => {
  await dynamo?.stop();
});

const T0 = new Date('2026-03-02T09:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
/** A fresh row each time, so the cases share neither backend's state. */
const row = (local = `reader-${randomUUID().slice(0, 8)}`): DeliveryRow =>
  pendingDelivery(`contract-${randomUUID().slice(0, 8)}`, 1, { email: `${local}@example.org`, name: 'Test Reader', agency: 'health', role: 'frontline', via: ['contract'] }, T0);
const conditionFailure = expect.objectContaining({ name: 'ConditionalCheckFailedException' });

describe.each(['DynamoDB Local', 'in memory'])('%s', (name) => {
  const b = () => backends[name]!;

  describe('deliveries', () => {
    test('insertMissing writes only rows that are not there, and never resets a SENT row', async () => {
      const [first, second] = [row(), row()];
      expect(await b().deliveries.insertMissing([first!])).toBe(1);
      await b().deliveries.claimMany([first!], later(1));
      await b().deliveries.markSent(first!.deliveryId, 'm-1', later(2));
      expect(await b().deliveries.insertMissing([first!, second!])).toBe(1);
      expect((await b().deliveries.get(first!.deliveryId))?.status).toBe('SENT');
      expect((await b().deliveries.get(second!.deliveryId))?.status).toBe('PENDING');
    });

    test('a claim takes a PENDING row once, and only with the createdAt it was written with', async () => {
      const [a, c] = [row(), row()];
      await b().deliveries.insertMissing([a!, c!]);
      const stale = { deliveryId: c!.deliveryId, createdAt: later(-60).toISOString() };
      expect([...(await b().deliveries.claimMany([a!, a!, stale], later(1)))]).toEqual([a!.deliveryId]);
      expect([...(await b().deliveries.claimMany([a!], later(2)))]).toEqual([]);
      const claimed = await b().deliveries.get(a!.deliveryId);
      expect(claimed).toMatchObject({ status: 'SENDING', claimedAt: later(1).toISOString() });
    });

    test('marking sent needs SENDING: markSentMany returns the rows it could not mark, markSent throws', async () => {
      const [sending, pending] = [row(), row()];
      await b().deliveries.insertMissing([sending!, pending!]);
      await b().deliveries.claimMany([sending!], later(1));
      const notMarked = await b().deliveries.markSentMany(
        [
          { deliveryId: sending!.deliveryId, messageId: 'm-2' },
          { deliveryId: pending!.deliveryId, messageId: 'm-3' },
        ],
        later(2),
      );
      expect([...notMarked]).toEqual([pending!.deliveryId]);
      const sent = await b().deliveries.get(sending!.deliveryId);
      expect(sent).toMatchObject({ status: 'SENT', messageId: 'm-2', sentAt: later(2).toISOString() });
      expect(sent?.openSince).toBeUndefined();
      await expect(b().deliveries.markSent(pending!.deliveryId, 'm-4', later(3))).rejects.toEqual(conditionFailure);
    });

    test('release hands a claimed row back; cancel is false once the row has moved on', async () => {
      const r = row();
      await b().deliveries.insertMissing([r]);
      await b().deliveries.claimMany([r], later(1));
      await b().deliveries.release(r.deliveryId, 'Throttling');
      expect(await b().deliveries.get(r.deliveryId)).toMatchObject({ status: 'PENDING' });
      expect(await b().deliveries.cancel(r.deliveryId, 'SENDING', 'withdrawn', later(2))).toBe(false);
      expect(await b().deliveries.cancel(r.deliveryId, 'PENDING', 'withdrawn', later(2))).toBe(true);
      expect(await b().deliveries.cancel(r.deliveryId, 'PENDING', 'withdrawn', later(3))).toBe(false);
      expect(await b().deliveries.get(r.deliveryId)).toMatchObject({ status: 'CANCELLED', reason: 'withdrawn' });
    });

    test('a weaker mail event never replaces a stronger one; an unknown row records nothing', async () => {
      const r = row();
      await b().deliveries.insertMissing([r]);
      expect(await b().deliveries.recordMailEvent(r.deliveryId, 'bounced', later(5).toISOString())).toBe(true);
      expect(await b().deliveries.recordMailEvent(r.deliveryId, 'delivered', later(6).toISOString())).toBe(false);
      expect(await b().deliveries.recordMailEvent(r.deliveryId, 'complained', later(7).toISOString())).toBe(true);
      expect((await b().deliveries.get(r.deliveryId))?.mailEvent).toBe('complained');
      expect(await b().deliveries.recordMailEvent(`${r.deliveryId}-none`, 'delivered', later(8).toISOString())).toBe(false);
    });

    test('acknowledge only a SENT row, the first time stands; one answer; one reminder, never after reading', async () => {
      const [r, unread] = [row(), row()];
      await b().deliveries.insertMissing([r, unread]);
      expect(await b().deliveries.acknowledge(r.deliveryId, later(1))).toBeUndefined();
      await b().deliveries.claimMany([r, unread], later(1));
      await b().deliveries.markSentMany([r, unread].map((x) => ({ deliveryId: x.deliveryId, messageId: 'm' })), later(2));
      expect(await b().deliveries.acknowledge(r.deliveryId, later(10))).toMatchObject({ first: true, row: { ackAgency: 'health', ackRole: 'frontline' } });
      expect(await b().deliveries.acknowledge(r.deliveryId, later(20))).toMatchObject({ first: false, row: { acknowledgedAt: later(10).toISOString() } });
      expect(await b().deliveries.markAnswered(r.deliveryId)).toBe(true);
      expect(await b().deliveries.markAnswered(r.deliveryId)).toBe(false);
      expect(await b().deliveries.claimReminder(r.deliveryId, later(30))).toBe(false);
      expect(await b().deliveries.claimReminder(unread.deliveryId, later(30))).toBe(true);
      expect(await b().deliveries.claimReminder(unread.deliveryId, later(31))).toBe(false);
    });

    test('claimNew: a new row, a FAILED one or one left SENDING too long; never one sent or being sent', async () => {
      const r = row();
      expect(await b().deliveries.claimNew(r, later(1), later(-600))).toBe(true);
      expect(await b().deliveries.claimNew(r, later(2), later(-600))).toBe(false);
      expect(await b().deliveries.claimNew(r, later(900), later(600))).toBe(true); // SENDING since 1 s: stale by 600 s
      await b().deliveries.markFailed(r.deliveryId, 'rejected', later(901));
      expect(await b().deliveries.claimNew(r, later(902), later(0))).toBe(true);
      await b().deliveries.markSent(r.deliveryId, 'm', later(903));
      expect(await b().deliveries.claimNew(r, later(5000), later(4000))).toBe(false);
    });

    test('requeue puts a FAILED row back as PENDING with a new createdAt; an out-of-date copy does nothing', async () => {
      const r = row();
      await b().deliveries.insertMissing([r]);
      await b().deliveries.claimMany([r], later(1));
      await b().deliveries.markFailed(r.deliveryId, 'Throttling', later(2));
      const failed = (await b().deliveries.get(r.deliveryId))!;
      expect(await b().deliveries.requeue(failed, later(60))).toBe(true);
      expect(await b().deliveries.get(r.deliveryId)).toMatchObject({ status: 'PENDING', createdAt: later(60).toISOString(), redrives: 0 });
      expect((await b().deliveries.get(r.deliveryId))?.reason).toBeUndefined();
      expect(await b().deliveries.requeue(failed, later(61))).toBe(false);
    });

    test('open rows: PENDING ones older than the cut-off; a finished row is not open', async () => {
      const [old, done] = [row(), row()];
      await b().deliveries.insertMissing([old, done]);
      await b().deliveries.claimMany([done], later(1));
      await b().deliveries.markSent(done.deliveryId, 'm', later(2));
      const open = (await b().deliveries.openRows('PENDING', later(1), 1000)).map((x) => x.deliveryId);
      expect(open).toContain(old.deliveryId);
      expect(open).not.toContain(done.deliveryId);
      expect((await b().deliveries.openRows('PENDING', later(-1), 1000)).map((x) => x.deliveryId)).not.toContain(old.deliveryId);
    });

    test('erasure replaces the row by one without the person: a sent row stays SENT, an unsent one is FAILED', async () => {
      const [sent, queued] = [row(), row()];
      await b().deliveries.insertMissing([sent, queued]);
      await b().deliveries.claimMany([sent], later(1));
      await b().deliveries.markSent(sent.deliveryId, 'm', later(2));
      for (const r of [sent, queued]) await b().deliveries.anonymise((await b().deliveries.get(r.deliveryId))!, later(3));
      for (const r of [sent, queued]) {
        expect(await b().deliveries.get(r.deliveryId)).toBeUndefined();
        expect(await b().deliveries.byRecipient(r.recipientKey)).toEqual([]);
      }
      const left = await b().deliveries.byBriefing(sent.briefingId, { consistent: true });
      expect(left).toEqual([expect.objectContaining({ email: 'erased', name: '', status: 'SENT', agency: 'health' })]);
      expect((await b().deliveries.byBriefing(queued.briefingId, { consistent: true }))[0]).toMatchObject({ status: 'FAILED', reason: 'Not sent (the recipient’s data was erased).' });
    });

    test('removing personal data keeps the counts and happens once', async () => {
      const r = row();
      await b().deliveries.insertMissing([r]);
      expect(await b().deliveries.removePersonalData(r.deliveryId, later(1))).toBe(true);
      expect(await b().deliveries.removePersonalData(r.deliveryId, later(2))).toBe(false);
      expect(await b().deliveries.get(r.deliveryId)).toMatchObject({ email: 'removed', name: '', agency: 'health', status: 'PENDING' });
    });
  });

  describe('briefings', () => {
    test('the first snapshot stands; the first stop mark stands; supersededBy only rises', async () => {
      const finding = { ...publishedSeed('nr-out-of-routine-2020'), id: `contract-${randomUUID().slice(0, 8)}` };
      const snapshot = snapshotOf(finding, T0, 3);
      expect((await b().briefings.putIfAbsent(snapshot)).created).toBe(true);
      const again = await b().briefings.putIfAbsent({ ...snapshot, recipients: 99 });
      expect(again).toMatchObject({ created: false, briefing: { recipients: 3 } });
      await b().briefings.markStopped(snapshot.briefingId, 'supersededAt', later(1), 3);
      await b().briefings.markStopped(snapshot.briefingId, 'supersededAt', later(2), 2);
      await b().briefings.markStopped(snapshot.briefingId, 'supersededAt', later(3), 4);
      expect(await b().briefings.get(snapshot.briefingId)).toMatchObject({ supersededAt: later(1).toISOString(), supersededBy: 4 });
    });
  });

  describe('findings', () => {
    const item = () => ({ ...publishedSeed('nr-out-of-routine-2020'), id: `contract-${randomUUID().slice(0, 8)}` });
    const problem = [{ field: 'title', message: 'says a postcode' }];

    test('a hold is news once, and again after a different problem; told, the same hold is not news', async () => {
      const finding = item();
      await b().findings.putRaw(finding);
      expect(await b().findings.markHeld(finding.id, 1, problem, later(1))).toBe(true);
      expect(await b().findings.markHeld(finding.id, 1, problem, later(2))).toBe(true); // the admin was not told yet
      await b().findings.markAdminTold(finding.id, later(3));
      expect(await b().findings.markHeld(finding.id, 1, problem, later(4))).toBe(false);
      expect(await b().findings.markHeld(finding.id, 1, [{ field: 'title', message: 'says a phone number' }], later(5))).toBe(true);
      expect(await b().findings.getRaw(finding.id)).toMatchObject({ pipelineStatus: 'held', pipelineVersion: 1 });
    });

    test('a planned version outranks a hold of the same or an older version, not of a newer one', async () => {
      const finding = item();
      await b().findings.putRaw(finding);
      await b().findings.markPlanned(finding.id, 2, { recipients: 3, newDeliveries: 3, skipped: [] }, later(1));
      expect(await b().findings.markHeld(finding.id, 2, problem, later(2))).toBe(false);
      expect(await b().findings.markHeld(finding.id, undefined, problem, later(2))).toBe(false);
      expect(await b().findings.getRaw(finding.id)).toMatchObject({ pipelineStatus: 'planned', pipelineVersion: 2 });
      expect(await b().findings.markHeld(finding.id, 3, problem, later(3))).toBe(true);
      expect(await b().findings.getRaw(finding.id)).toMatchObject({ pipelineStatus: 'held', pipelineVersion: 3 });
      await b().findings.markPlanned(finding.id, 1, { recipients: 1, newDeliveries: 0, skipped: [] }, later(4));
      expect(await b().findings.getRaw(finding.id)).toMatchObject({ pipelineStatus: 'planned', pipelineVersion: 1 }); // a hold does not guard a late plan
      await b().findings.markPlanned(finding.id, 3, { recipients: 3, newDeliveries: 0, skipped: [] }, later(5));
      await b().findings.markPlanned(finding.id, 2, { recipients: 3, newDeliveries: 0, skipped: [] }, later(6));
      expect(await b().findings.getRaw(finding.id)).toMatchObject({ pipelineStatus: 'planned', pipelineVersion: 3 });
    });

    test('replaceIf only when version and status are still those read', async () => {
      const finding = item();
      await b().findings.putRaw(finding);
      expect(await b().findings.replaceIf({ ...finding, title: 'Edited' }, { version: finding.version, status: 'draft' })).toBe(false);
      expect(await b().findings.replaceIf({ ...finding, title: 'Edited' }, { version: finding.version, status: finding.status })).toBe(true);
      expect((await b().findings.getRaw(finding.id))?.title).toBe('Edited');
      expect(await b().findings.markHeld(`${finding.id}-none`, 1, problem, later(1))).toBe(false);
    });
  });

  describe('subscribers, suppressions, rate limits', () => {
    test('confirmedFor: confirmed people at that frequency who chose one of the topics, or all topics', async () => {
      const tag = randomUUID().slice(0, 8);
      const person = (local: string, topics: 'all' | ('neglect' | 'domestic_abuse')[], frequency: 'immediately' | 'weekly', confirmed = true) => {
        const s = newSubscriber({ email: `${local}-${tag}@example.org`, agency: 'police', role: 'frontline', topics, frequency }, T0);
        return confirmed ? { ...s, status: 'confirmed' as const, confirmedAt: T0.toISOString() } : s;
      };
      const wanted = [person('neglect', ['neglect'], 'immediately'), person('everything', 'all', 'immediately')];
      const others = [person('weekly', ['neglect'], 'weekly'), person('pending', ['neglect'], 'immediately', false), person('abuse', ['domestic_abuse'], 'immediately')];
      for (const s of [...wanted, ...others]) await b().subscribers.put(s);
      const found = (await b().subscribers.confirmedFor(['neglect'], 'immediately')).map((s) => s.email).filter((e) => e.includes(tag));
      expect(found.sort()).toEqual(wanted.map((s) => s.email).sort());
      await b().subscribers.put({ ...wanted[0]!, status: 'unsubscribed' });
      expect((await b().subscribers.confirmedFor(['neglect'], 'immediately')).map((s) => s.email)).not.toContain(wanted[0]!.email);
    });

    test('suppressions are found by key, and lifted', async () => {
      const key = `contract-${randomUUID()}`;
      await b().suppressions.put({ recipientKey: key, reason: 'hard-bounce', at: T0.toISOString() });
      expect([...(await b().suppressions.suppressed([key, `${key}-other`])).keys()]).toEqual([key]);
      await b().suppressions.lift(key);
      expect(await b().suppressions.get(key)).toBeUndefined();
    });

    test('a rate limit counts in fixed windows', async () => {
      const key = `contract-${randomUUID()}`;
      const start = new Date('2026-03-02T09:00:00.000Z');
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await b().rateLimiter.allow(key, 2, 60, new Date(start.getTime() + i * 1000)));
      results.push(await b().rateLimiter.allow(key, 2, 60, new Date(start.getTime() + 61_000)));
      expect(results).toEqual([true, true, false, true]);
    });
  });
});
