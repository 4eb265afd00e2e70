import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { recipientKey } from '../../../shared/core/audience';
import { pendingDelivery } from '../../../shared/core/delivery';
import { TokenSigner } from '../../../shared/core/tokens';
import { runDigest, type DigestDeps } from '../../../shared/flows/digest/digest';
import { sweep, SWEEP_LIMITS } from '../../../shared/flows/housekeeping/sweeper';
import { disseminationFor } from '../../../shared/flows/report/dissemination';
import { handleMailEvent } from '../../../shared/flows/ses-events/ses-events';
import { confirmSubscription, requestSubscription, unsubscribe, type SubscriptionDeps } from '../../../shared/flows/subscribe/subscriptions';
import { CapturingMailer, memoryStores } from '../../support/fakes';
import { sample, validFinding } from '../../support/findings';

/**
 * The flows that follow a briefing, on in-memory stores: a practitioner subscribes, confirms and
 * unsubscribes; SES reports a bounce; the sweeper finds a stuck row; the report counts reach; the
 * weekly digest goes once. Example.org addresses only.
 */

const NOW = new Date('2026-03-02T09:00:00.000Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
const signer = new TokenSigner(randomBytes(32));
const linkIn = async (raw: Buffer, path: string) => {
  const text = (await simpleParser(raw)).text ?? '';
  return new URL(new RegExp(`https://briefings\\.example\\.org${path}\\?t=[\\w.-]+`).exec(text)![0]).searchParams.get('t')!;
};

function subscriptionWorld() {
  const s = memoryStores();
  const mailer = new CapturingMailer();
  const deps: SubscriptionDeps = { ...s, mailer, signer, senderAddress: 'briefings@example.org', publicBaseUrl: 'https://briefings.example.org', now: () => NOW };
  return { s, mailer, deps };
}
const form = { email: 'Sam.Subscriber@Example.org ', agency: 'health', role: 'frontline', topics: ['neglect'], frequency: 'weekly' };

test('subscribe: the choice waits for the emailed link; the link confirms it; unsubscribing suppresses the address', async () => {
  const { s, mailer, deps } = subscriptionWorld();
  expect(await requestSubscription(deps, form, '192.0.2.10')).toEqual({ outcome: 'accepted' });
  const id = recipientKey('sam.subscriber@example.org');
  expect(await s.subscribers.get(id)).toMatchObject({ email: 'sam.subscriber@example.org', status: 'pending' });
  expect(await s.subscribers.confirmedFor(['neglect'], 'weekly')).toEqual([]);

  const confirmed = await confirmSubscription(deps, await linkIn(mailer.sent[0]!, '/confirm'));
  expect(confirmed).toMatchObject({ outcome: 'confirmed', summary: { agency: 'health', topics: ['neglect'], frequency: 'weekly' } });
  expect((await s.subscribers.confirmedFor(['neglect'], 'weekly')).map((x) => x.subscriberId)).toEqual([id]);

  const manage = new URL((confirmed as { manageUrl: string }).manageUrl).searchParams.get('t')!;
  expect(await unsubscribe(deps, manage, 'one-click')).toEqual({ outcome: 'unsubscribed' });
  expect(await s.subscribers.get(id)).toMatchObject({ status: 'unsubscribed' });
  expect(await s.suppressions.get(id)).toMatchObject({ reason: 'unsubscribed' });
});

test('subscribe: a mistyped form names each field, stores nothing and emails nobody', async () => {
  const { s, mailer, deps } = subscriptionWorld();
  const outcome = await requestSubscription(deps, { ...form, email: 'not an address', agency: 'polise' }, '192.0.2.10');
  expect(outcome.outcome).toBe('invalid');
  expect(outcome.outcome === 'invalid' && outcome.errors.map((e) => e.field).sort()).toEqual(['agency', 'email']);
  expect((await s.subscribers.all()).valid).toEqual([]);
  expect(mailer.sent).toEqual([]);
});

test('a link that was tampered with is a link problem, not a confirmation', async () => {
  const { mailer, deps } = subscriptionWorld();
  await requestSubscription(deps, form, '192.0.2.10');
  const token = await linkIn(mailer.sent[0]!, '/confirm');
  expect(await confirmSubscription(deps, `${token.slice(0, -2)}xx`)).toMatchObject({ outcome: 'link-problem', problem: 'tampered' });
});

test('ses-events: a hard bounce is recorded on its row and suppresses the address for every later audience', async () => {
  const s = memoryStores();
  const row = pendingDelivery('cpie-2022', 1, { email: 'gone@example.org', name: 'Gone Reader', agency: 'police', role: 'frontline', via: ['list'] }, NOW);
  await s.deliveries.insertMissing([row]);
  const event = { kind: 'bounced' as const, permanent: true, subType: 'General', messageId: 'm-1', deliveryId: row.deliveryId, at: minutes(1).toISOString(), recipients: ['gone@example.org'] };
  expect(await handleMailEvent({ ...s, now: () => minutes(1) }, event)).toEqual({ outcome: 'bounced', suppressed: 1, recorded: true });
  expect((await s.deliveries.get(row.deliveryId))?.mailEvent).toBe('bounced');
  expect(await s.suppressions.get(recipientKey('gone@example.org'))).toMatchObject({ reason: 'hard-bounce' });
  // The same event again (SNS delivers at least once) suppresses nobody new.
  expect(await handleMailEvent({ ...s, now: () => minutes(2) }, event)).toMatchObject({ suppressed: 0 });
});

test('sweeper: a row left PENDING past its turn goes back in the queue; one left SENDING twice is failed as unknown', async () => {
  const s = memoryStores();
  const late = pendingDelivery('cpie-2022', 1, { email: 'late@example.org', name: 'Lee Late', agency: 'police', role: 'frontline', via: ['list'] }, NOW);
  const stuck = pendingDelivery('cpie-2022', 1, { email: 'stuck@example.org', name: 'Stu Stuck', agency: 'health', role: 'frontline', via: ['list'] }, NOW);
  await s.deliveries.insertMissing([late, { ...stuck, redrives: SWEEP_LIMITS.maxRedrivesOfSending }]);
  await s.deliveries.claimMany([stuck], minutes(1));
  const result = await sweep(s.deliveries, minutes(60));
  expect(result).toEqual({ requeuedPending: 1, redrivenSending: 0, outcomeUnknown: 1, digestsFailed: 0 });
  expect(await s.deliveries.get(late.deliveryId)).toMatchObject({ status: 'PENDING', createdAt: minutes(60).toISOString() });
  expect(await s.deliveries.get(stuck.deliveryId)).toMatchObject({ status: 'FAILED', outcomeUnknown: true });
  expect(await sweep(s.deliveries, minutes(61))).toEqual({ requeuedPending: 0, redrivenSending: 0, outcomeUnknown: 0, digestsFailed: 0 });
});

test('report: reach and acknowledgement per agency for one finding, never an address', async () => {
  const s = memoryStores();
  const finding = validFinding();
  await s.findings.putRaw({ ...sample, status: 'published' });
  await s.briefings.putIfAbsent({ briefingId: 'cpie-2022#v1', findingId: 'cpie-2022', version: 1, finding, plannedAt: NOW.toISOString(), recipients: 2 });
  const rows = (['police', 'health'] as const).map((agency) => pendingDelivery('cpie-2022', 1, { email: `${agency}@example.org`, name: 'Test Reader', agency, role: 'frontline', via: ['list'] }, NOW));
  await s.deliveries.insertMissing(rows);
  await s.deliveries.claimMany(rows, minutes(1));
  await s.deliveries.markSentMany(rows.map((r) => ({ deliveryId: r.deliveryId, messageId: 'm' })), minutes(1));
  await s.deliveries.acknowledge(rows[0]!.deliveryId, minutes(90));
  const { report } = await disseminationFor(s, { finding: 'cpie-2022' }, minutes(120));
  expect(report?.total).toMatchObject({ recipients: 2, sent: 2, acknowledged: 1, ackRate: 0.5, medianHoursToAck: 1.5 });
  expect(report?.byAgency.map((f) => [f.key, f.acknowledged])).toEqual([
    ['police', 1],
    ['health', 0],
  ]);
  expect(JSON.stringify(report)).not.toContain('@example.org');
});

test('digest: weekly subscribers get one email with the week’s findings on their topics, once a week', async () => {
  const s = memoryStores();
  const mailer = new CapturingMailer();
  const finding = validFinding({ topics: ['neglect'] });
  await s.findings.putRaw({ ...sample, topics: ['neglect'], status: 'published' });
  await s.briefings.putIfAbsent({ briefingId: 'cpie-2022#v1', findingId: 'cpie-2022', version: 1, finding, plannedAt: minutes(-60 * 24).toISOString(), recipients: 0 });
  const weekly = { subscriberId: recipientKey('weekly@example.org'), email: 'weekly@example.org', agency: 'police', role: 'frontline', topics: ['neglect'], frequency: 'weekly', status: 'confirmed', statusAt: NOW.toISOString(), createdAt: NOW.toISOString(), requestedAt: NOW.toISOString() } as const;
  await s.subscribers.put({ ...weekly, topics: [...weekly.topics] });
  await s.subscribers.put({ ...weekly, topics: [...weekly.topics], subscriberId: recipientKey('other@example.org'), email: 'other@example.org', frequency: 'immediately' });
  const deps: DigestDeps = { ...s, mailer, signer, senderAddress: 'briefings@example.org', publicBaseUrl: 'https://briefings.example.org', timeZone: 'Europe/London', now: () => NOW };
  expect(await runDigest(deps)).toMatchObject({ findings: 1, subscribers: 1, sent: 1, failed: 0 });
  const mail = await simpleParser(mailer.sent[0]!);
  expect(mail.to && 'text' in mail.to && mail.to.text).toContain('weekly@example.org');
  expect(mail.text).toContain(sample.title);
  expect(await runDigest({ ...deps, now: () => minutes(30) })).toMatchObject({ sent: 0, alreadySent: 1 });
  expect(mailer.sent).toHaveLength(1);
});
