import { writeFileSync } from 'node:fs';
import { normaliseEmail, recipientKey } from '../../shared/domain/audience';
import { ALL_TOPICS, type Subscriber } from '../../shared/domain/subscriber';
import { markUnsubscribed } from '../../shared/services/subscriptions';
import { table, type Output } from '../output';
import { UsageError, type Target } from '../target';

/** Admin commands for self-subscribers: look them up, stop mail to an address, and answer data requests. */

const looksLikeEmail = (value: string) => /^[^@\s]+@[^@\s]+$/.test(value.trim());
function keyOf(email: string) {
  if (!looksLikeEmail(email)) throw new UsageError(`'${email}' is not an email address. Give the address, for example name@example.org.`);
  return { email: normaliseEmail(email), key: recipientKey(email) };
}
const topicsText = (s: Pick<Subscriber, 'topics'>) => (s.topics === ALL_TOPICS ? 'all' : s.topics.join(','));

export async function listSubscribers(target: Target, io: Output, status?: string): Promise<number> {
  const loaded = await target.subscribers.all();
  const rows = loaded.valid.filter((s) => !status || s.status === status).sort((a, b) => a.email.localeCompare(b.email));
  if (!rows.length) io.out(status ? `No ${status} subscribers.` : 'No subscribers yet. People subscribe on the subscribe page.');
  else {
    for (const line of table([
      ['EMAIL', 'AGENCY', 'ROLE', 'FREQUENCY', 'STATUS', 'SINCE', 'TOPICS'],
      ...rows.map((s) => [s.email, s.agency, s.role, s.frequency, s.status, s.statusAt.slice(0, 10), topicsText(s)]),
    ], [40, 14, 14, 11, 12, 10, 60])) io.out(line);
    const byStatus = new Map<string, number>();
    for (const s of rows) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    const counts = [...byStatus].map(([k, n]) => `${n} ${k}`);
    io.out(`\n${rows.length} subscriber(s): ${counts.join(', ')}.`);
  }
  for (const bad of loaded.invalid) io.err(`Subscriber ${bad.key} is stored badly: ${bad.problems.join(' ')}`);
  return 0;
}

export async function showSubscriber(target: Target, io: Output, address: string): Promise<number> {
  const { email, key } = keyOf(address);
  const [subscriber, suppression, memberships] = await Promise.all([target.subscribers.get(key), target.suppressions.get(key), target.lists.membershipsOf(email)]);
  if (!subscriber && !suppression && !memberships.length) {
    io.out(`Nothing is held for ${email}: not a subscriber, on no list, not suppressed.`);
    return 0;
  }
  if (subscriber) {
    io.out(`Subscriber ${email}`);
    io.out(`  status:    ${subscriber.status} since ${subscriber.statusAt}${subscriber.statusReason ? ` (${subscriber.statusReason})` : ''}`);
    io.out(`  agency:    ${subscriber.agency}, role: ${subscriber.role}`);
    io.out(`  topics:    ${topicsText(subscriber)}`);
    io.out(`  frequency: ${subscriber.frequency}`);
    io.out(`  since:     ${subscriber.createdAt}${subscriber.confirmedAt ? `, confirmed ${subscriber.confirmedAt}` : ''}`);
  } else io.out(`${email} is not a topic subscriber.`);
  if (memberships.length) io.out(`On lists: ${memberships.map((m) => m.listId).join(', ')}`);
  io.out(suppression ? `Suppressed: ${suppression.reason} at ${suppression.at}${suppression.detail ? ` (${suppression.detail})` : ''}. No briefing goes to this address.` : 'Not suppressed.');
  return 0;
}

export async function suppressSubscriber(target: Target, io: Output, address: string, reason = 'suppressed by an admin'): Promise<number> {
  const { email, key } = keyOf(address);
  const now = new Date();
  const existing = await target.suppressions.get(key);
  if (!existing) await target.suppressions.put({ recipientKey: key, reason: 'admin', at: now.toISOString(), detail: reason });
  const unsubscribed = await markUnsubscribed(target, key, reason, now);
  io.out(
    existing
      ? `${email} was already suppressed (${existing.reason}, ${existing.at}).`
      : `${email} is suppressed: no briefing or digest goes to it, from any list or subscription.`,
  );
  if (unsubscribed) io.out('Their topic subscription is marked unsubscribed.');
  return 0;
}

/** Everything held about one address, as JSON: the answer to a subject access request. */
export async function exportSubscriber(target: Target, io: Output, address: string, outFile?: string): Promise<number> {
  const { email, key } = keyOf(address);
  const [subscriber, suppression, memberships, deliveries] = await Promise.all([
    target.subscribers.get(key),
    target.suppressions.get(key),
    target.lists.membershipsOf(email),
    target.deliveries.byRecipient(key),
  ]);
  const report = {
    email,
    exportedAt: new Date().toISOString(),
    subscription: subscriber ?? null,
    suppression: suppression ?? null,
    listMemberships: memberships.map(({ listId, name, agency, role }) => ({ listId, name, agency, role })),
    emailsSent: deliveries
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((row) => ({
        briefing: row.briefingId,
        kind: row.kind,
        status: row.status,
        at: row.createdAt,
        agency: row.agency,
        role: row.role,
        via: row.via,
        ...(row.mailEvent ? { mailEvent: row.mailEvent } : {}),
      })),
  };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (outFile) {
    writeFileSync(outFile, json, { mode: 0o600 });
    io.out(`Wrote the data held for ${email} to ${outFile}: ${deliveries.length} email(s), ${memberships.length} list membership(s).`);
  } else io.out(json.trimEnd());
  return 0;
}

/**
 * Right to erasure: the profile and list entries go, and ledger rows lose the address,
 * name and recipient key while keeping what the counts need. A suppression stays (it
 * holds no address) so the person is not emailed again from an old list export.
 */
export async function eraseSubscriber(target: Target, io: Output, address: string): Promise<number> {
  const { email, key } = keyOf(address);
  const now = new Date();
  const memberships = await target.lists.membershipsOf(email);
  for (const m of memberships) await target.lists.removeMember(m.listId, m.email);
  const hadSubscription = Boolean(await target.subscribers.get(key));
  await target.subscribers.remove(key);
  const rows = await target.deliveries.byRecipient(key);
  let done = 0;
  for (const row of rows) {
    await target.deliveries.anonymise(row, now);
    io.progress(`Anonymising ledger rows: ${++done}/${rows.length}`);
  }
  const suppressed = Boolean(await target.suppressions.get(key));
  io.out(
    `Erased ${email}: ${hadSubscription ? 'subscription removed' : 'no subscription'}, ${memberships.length} list membership(s) removed, ` +
      `${rows.length} ledger row(s) anonymised (counts by briefing, agency and role are kept).` +
      (suppressed ? ' The suppression stays, keyed without the address, so nothing is sent to it again.' : ''),
  );
  return 0;
}
