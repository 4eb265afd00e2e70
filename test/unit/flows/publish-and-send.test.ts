import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { recipientKey } from '../../../shared/core/audience';
import { TokenSigner } from '../../../shared/core/tokens';
import { planBriefing, type PlanDeps } from '../../../shared/flows/publish/plan-briefing';
import { sendBatch, type SendDeps } from '../../../shared/flows/send/send-briefing';
import { CapturingMailer, memoryStores } from '../../support/fakes';
import { sample } from '../../support/findings';

/**
 * A finding's walk from publish to the mailbox, on in-memory stores (test/support/fakes.ts, held
 * to the DynamoDB adapters by test/integration/store-contract.test.ts): plan-briefing writes one
 * PENDING row per reader, the sender sends each once, and what went out is what each reader
 * should get. No Java, no network. Example.org addresses only.
 */

const READERS = [
  { email: 'police.reader@example.org', name: 'Pat Police', agency: 'police', role: 'frontline' },
  { email: 'health.reader@example.org', name: 'Hal Health', agency: 'health', role: 'manager' },
  { email: 'bounced.reader@example.org', name: 'Bo Bounced', agency: 'education', role: 'dsl' },
] as const;
const NOW = new Date('2026-03-02T09:00:00.000Z');
const published = { ...sample, status: 'published', version: 1, approvedBy: 'Learning and Development Group' };

async function world() {
  const s = memoryStores();
  await s.lists.putList({ id: 'practitioners', name: 'Practitioners' });
  await s.lists.putMembers('practitioners', READERS.map((r) => ({ ...r })));
  await s.suppressions.put({ recipientKey: recipientKey('bounced.reader@example.org'), reason: 'hard-bounce', at: NOW.toISOString() });
  const mailer = new CapturingMailer();
  const plan: PlanDeps = { ...s, now: () => NOW };
  const send: SendDeps = { ...s, mailer, signer: new TokenSigner(randomBytes(32)), senderAddress: 'briefings@example.org', publicBaseUrl: 'https://briefings.example.org', now: () => NOW };
  return { s, mailer, plan, send };
}

test('publishing plans one row per reader not suppressed, and records the plan on the finding', async () => {
  const { s, plan } = await world();
  await s.findings.putRaw(published);
  const outcome = await planBriefing(plan, undefined, published);
  expect(outcome).toMatchObject({ outcome: 'planned', briefingId: 'cpie-2022#v1', recipients: 2, newDeliveries: 2, suppressed: 1 });
  const rows = await s.deliveries.byBriefing('cpie-2022#v1');
  expect(rows.map((r) => [r.email, r.status]).sort()).toEqual([
    ['health.reader@example.org', 'PENDING'],
    ['police.reader@example.org', 'PENDING'],
  ]);
  expect(await s.findings.getRaw('cpie-2022')).toMatchObject({ pipelineStatus: 'planned', pipelineVersion: 1 });
  expect(await s.briefings.get('cpie-2022#v1')).toMatchObject({ findingId: 'cpie-2022', version: 1, recipients: 2 });
});

test('a replayed stream record plans nothing new', async () => {
  const { s, plan } = await world();
  await s.findings.putRaw(published);
  await planBriefing(plan, undefined, published);
  expect(await planBriefing(plan, undefined, published)).toMatchObject({ outcome: 'planned', newDeliveries: 0 });
  expect(await s.deliveries.byBriefing('cpie-2022#v1')).toHaveLength(2);
});

test('a finding with a postcode in it is held with the field named, and nothing is planned', async () => {
  const { s, plan } = await world();
  const slip = { ...published, background: `${sample.background} The family lived near SW1A 1AA.` };
  await s.findings.putRaw(slip);
  const outcome = await planBriefing(plan, undefined, slip);
  expect(outcome).toMatchObject({ outcome: 'held', findingId: 'cpie-2022' });
  expect(outcome.outcome === 'held' && outcome.errors.map((e) => e.field)).toEqual(['background']);
  expect(await s.deliveries.byBriefing('cpie-2022#v1')).toEqual([]);
  expect(await s.findings.getRaw('cpie-2022')).toMatchObject({ pipelineStatus: 'held' });
});

test('the sender sends each planned row once, tailored to its reader, and a retried batch sends nothing twice', async () => {
  const { s, mailer, plan, send } = await world();
  await s.findings.putRaw(published);
  await planBriefing(plan, undefined, published);
  const rows = await s.deliveries.byBriefing('cpie-2022#v1');

  const first = await sendBatch(send, rows);
  expect(first.map((r) => (r instanceof Error ? r.message : r.outcome))).toEqual(['sent', 'sent']);
  const again = await sendBatch(send, rows);
  expect(again.every((r) => !(r instanceof Error) && r.outcome !== 'sent')).toBe(true);
  expect(mailer.sent).toHaveLength(2);

  const mails = await Promise.all(mailer.sent.map((raw) => simpleParser(raw)));
  const police = mails.find((m) => m.to && 'text' in m.to && m.to.text.includes('police.reader@example.org'))!;
  expect(police.subject).toContain('Child Protection in England');
  expect(police.text).toContain(sample.actions.police[0]);
  expect(police.text).not.toContain(sample.actions.health[0]); // another agency's actions never appear
  expect(police.headerLines.map((h) => h.key)).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));
  expect((await s.deliveries.byBriefing('cpie-2022#v1')).map((r) => r.status)).toEqual(['SENT', 'SENT']);
});

test('rows of a withdrawn finding are cancelled, not sent', async () => {
  const { s, mailer, plan, send } = await world();
  await s.findings.putRaw(published);
  await planBriefing(plan, undefined, published);
  const rows = await s.deliveries.byBriefing('cpie-2022#v1');
  await s.briefings.markStopped('cpie-2022#v1', 'withdrawnAt', NOW);
  const results = await sendBatch(send, rows);
  expect(results.map((r) => (r instanceof Error ? r.message : r.outcome))).toEqual(['cancelled', 'cancelled']);
  expect(mailer.sent).toEqual([]);
});
