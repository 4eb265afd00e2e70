import { writeFileSync } from 'node:fs';
import { ALL_TOPICS, type Subscriber } from '../../shared/core/subscriber';
import { NotAnAddressError, erasePerson, lookUpPerson, subjectAccessExport, suppressPerson } from '../../shared/flows/people/people';
import { holdsNothing } from '../../shared/core/person-record';
import { table, type Output } from '../output';
import { UsageError, type Target } from '../target';

/** Admin commands for self-subscribers: look them up, stop mail to an address, and answer data requests. */

/** A mistyped address is the user's to fix: a usage error, with the service's words. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NotAnAddressError) throw new UsageError(error.message);
    throw error;
  }
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
  const record = await asUsage(() => lookUpPerson(target, address));
  const { email, subscriber, suppression, memberships } = record;
  if (holdsNothing(record)) {
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
  const { email, existing, unsubscribed } = await asUsage(() => suppressPerson(target, address, reason, new Date()));
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
  const report = await asUsage(() => subjectAccessExport(target, address, new Date()));
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (outFile) {
    writeFileSync(outFile, json, { mode: 0o600 });
    io.out(`Wrote the data held for ${report.email} to ${outFile}: ${report.emailsSent.length} email(s), ${report.listMemberships.length} list membership(s).`);
  } else io.out(json.trimEnd());
  return 0;
}

/** Right to erasure (see erasePerson): the address goes everywhere; anonymous counts stay. */
export async function eraseSubscriber(target: Target, io: Output, address: string): Promise<number> {
  const erased = await asUsage(() => erasePerson(target, address, new Date(), (done, of) => io.progress(`Anonymising ledger rows: ${done}/${of}`)));
  io.out(
    `Erased ${erased.email}: ${erased.hadSubscription ? 'subscription removed' : 'no subscription'}, ${erased.memberships} list membership(s) removed, ` +
      `${erased.ledgerRows} ledger row(s) anonymised (counts by briefing, agency and role are kept).` +
      (erased.suppressed ? ' The suppression stays, keyed without the address, so nothing is sent to it again.' : ''),
  );
  return 0;
}
