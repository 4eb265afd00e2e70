import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { recipientKey } from '../../../shared/core/audience';
import { pendingDelivery, type DeliveryRow } from '../../../shared/core/delivery';
import { TokenSigner } from '../../../shared/core/tokens';
import { archiveListing } from '../../../shared/flows/archive/archive';
import { housekeeping, type HousekeepingDeps } from '../../../shared/flows/housekeeping/housekeeping';
import { importMembersCsv, saveList } from '../../../shared/flows/lists/lists';
import { erasePerson, lookUpPerson, NotAnAddressError } from '../../../shared/flows/people/people';
import { acknowledge } from '../../../shared/flows/subscribe/acknowledgements';
import { CapturingMailer, memoryStores } from '../../support/fakes';
import { validFinding } from '../../support/findings';

/**
 * The flows around a sent briefing, on in-memory stores: acknowledging it (with an anonymous
 * answer, screened), the reminder and retention, lists and their CSV import, a person's record
 * and its erasure, and the public archive. Example.org addresses only.
 */

const NOW = new Date('2026-03-02T09:00:00.000Z');
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000);
const signer = new TokenSigner(randomBytes(32));
const finding = validFinding();

/** A briefing planned at NOW and sent to each reader. */
async function sentBriefing(readers: { email: string; agency: 'police' | 'health' }[]) {
  const s = memoryStores();
  await s.briefings.putIfAbsent({ briefingId: 'cpie-2022#v1', findingId: 'cpie-2022', version: 1, finding, plannedAt: NOW.toISOString(), recipients: readers.length });
  const rows: DeliveryRow[] = readers.map((r) => pendingDelivery('cpie-2022', 1, { ...r, name: 'Test Reader', role: 'frontline', via: ['list'] }, NOW));
  await s.deliveries.insertMissing(rows);
  await s.deliveries.claimMany(rows, NOW);
  await s.deliveries.markSentMany(rows.map((r) => ({ deliveryId: r.deliveryId, messageId: 'm' })), NOW);
  return { s, rows };
}

test('acknowledging records the read once; the answer is kept apart, without the address, screened by the gate', async () => {
  const { s, rows } = await sentBriefing([{ email: 'reader@example.org', agency: 'police' }]);
  const token = signer.sign('acknowledge', rows[0]!.deliveryId, NOW);
  const deps = { ...s, signer, now: () => days(1) };
  const first = await acknowledge(deps, token, 'We will ring the family on 07700 900123 before closing a case.');
  expect(first).toMatchObject({ outcome: 'acknowledged', first: true, answered: true, masked: true });
  expect(await acknowledge({ ...deps, now: () => days(2) }, token, 'A second answer')).toMatchObject({ outcome: 'acknowledged', first: false, answered: false, alreadyAnswered: true });
  expect(s.responses.responses).toHaveLength(1);
  const [response] = s.responses.responses;
  expect(response).toMatchObject({ briefingId: 'cpie-2022#v1', agency: 'police', role: 'frontline', at: days(1).toISOString().slice(0, 10) });
  expect(response!.answer).not.toContain('07700 900123');
  expect(JSON.stringify(response)).not.toContain('@example.org');
  expect(await acknowledge(deps, `${token.slice(0, -2)}xx`, '')).toMatchObject({ outcome: 'link-problem', problem: 'tampered' });
});

test('housekeeping: one reminder to whoever has not read it, never to the suppressed; after retention no address is left', async () => {
  const { s, rows } = await sentBriefing([
    { email: 'unread@example.org', agency: 'police' },
    { email: 'read@example.org', agency: 'health' },
    { email: 'suppressed@example.org', agency: 'police' },
  ]);
  await s.deliveries.acknowledge(rows[1]!.deliveryId, NOW);
  await s.suppressions.put({ recipientKey: recipientKey('suppressed@example.org'), reason: 'complaint', at: NOW.toISOString() });
  const mailer = new CapturingMailer();
  const deps = (at: Date, retentionDays = 0): HousekeepingDeps => ({
    ...s,
    mailer,
    signer,
    senderAddress: 'briefings@example.org',
    publicBaseUrl: 'https://briefings.example.org',
    reminderAfterDays: 7,
    retentionDays,
    timeZone: 'Europe/London',
    now: () => at,
  });
  expect(await housekeeping(deps(days(8)))).toMatchObject({ reminded: 1, remindersFailed: 0 });
  expect(await housekeeping(deps(days(9)))).toMatchObject({ reminded: 0 });
  const reminder = await simpleParser(mailer.sent[0]!);
  expect(reminder.to && 'text' in reminder.to && reminder.to.text).toContain('unread@example.org');

  expect(await housekeeping(deps(days(40), 30))).toMatchObject({ rowsPseudonymised: 3 });
  const left = await s.deliveries.byBriefing('cpie-2022#v1');
  expect(left.map((r) => r.email)).toEqual(['removed', 'removed', 'removed']);
  expect(left.map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
});

test('lists: a list typed wrong names its fields; a CSV imports its good rows and says which row is bad and why', async () => {
  const { lists } = memoryStores();
  const refused = await saveList(lists, { id: 'team', name: ' ', agencies: ['polise'] });
  expect(refused.ok).toBe(false);
  expect(!refused.ok && refused.errors.map((e) => e.field).sort()).toEqual(['agencies[0]', 'name']);
  expect(await saveList(lists, { id: 'team', name: 'Team' })).toMatchObject({ ok: true, existed: false });
  expect(await saveList(lists, { id: 'team', name: 'Team', roles: ['manager'] })).toMatchObject({ ok: true, existed: true });

  const csv = 'email,name,agency,role\nOne@Example.org,Ona One,police,frontline\nnot-an-address,Two,health,manager\n';
  const { imported, bad } = await importMembersCsv(lists, 'team', csv);
  expect(imported.map((m) => m.email)).toEqual(['one@example.org']);
  expect(bad).toEqual([expect.objectContaining({ line: 3 })]);
  expect((await lists.members('team')).valid.map((m) => m.email)).toEqual(['one@example.org']);
});

test('people: a look-up shows what is held; erasure removes the person and keeps anonymous counts', async () => {
  const { s, rows } = await sentBriefing([{ email: 'leaver@example.org', agency: 'health' }]);
  await s.lists.putMembers('team', [{ email: 'leaver@example.org', name: 'Lee Leaver', agency: 'health', role: 'frontline' }]);
  await expect(lookUpPerson(s, 'not an address')).rejects.toBeInstanceOf(NotAnAddressError);
  expect((await lookUpPerson(s, ' Leaver@Example.org ')).memberships).toHaveLength(1);

  expect(await erasePerson(s, 'leaver@example.org', days(1))).toMatchObject({ memberships: 1, ledgerRows: 1 });
  expect(await lookUpPerson(s, 'leaver@example.org')).toMatchObject({ memberships: [], subscriber: undefined });
  expect(await s.deliveries.get(rows[0]!.deliveryId)).toBeUndefined();
  expect(await s.deliveries.byBriefing('cpie-2022#v1')).toEqual([expect.objectContaining({ email: 'erased', agency: 'health', status: 'SENT' })]);
});

test('archive: the latest version of each finding still out, searched by word, topic and agency; a withdrawn one never', async () => {
  const s = memoryStores();
  const other = validFinding({ id: 'other-2024', title: 'Hidden harm in the home', topics: ['domestic_abuse'], agencies: ['police'] });
  await s.briefings.putIfAbsent({ briefingId: 'cpie-2022#v1', findingId: 'cpie-2022', version: 1, finding, plannedAt: NOW.toISOString(), recipients: 1 });
  await s.briefings.putIfAbsent({ briefingId: 'cpie-2022#v2', findingId: 'cpie-2022', version: 2, finding: { ...finding, version: 2 }, plannedAt: days(1).toISOString(), recipients: 1 });
  await s.briefings.putIfAbsent({ briefingId: 'other-2024#v1', findingId: 'other-2024', version: 1, finding: other, plannedAt: days(2).toISOString(), recipients: 1 });
  expect((await archiveListing(s.briefings, {})).map((b) => b.briefingId)).toEqual(['other-2024#v1', 'cpie-2022#v2']);
  expect((await archiveListing(s.briefings, { q: 'HIDDEN harm' })).map((b) => b.findingId)).toEqual(['other-2024']);
  expect((await archiveListing(s.briefings, { topic: 'domestic_abuse', agency: 'health' })).map((b) => b.findingId)).toEqual([]);
  await s.briefings.markStopped('other-2024#v1', 'withdrawnAt', days(3));
  expect((await archiveListing(s.briefings, {})).map((b) => b.findingId)).toEqual(['cpie-2022']);
});
