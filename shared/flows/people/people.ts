import { normaliseEmail, recipientKey } from '../../core/audience';
import type { DeliveryStore, ListStore, SubscriberStore, SuppressionStore } from '../../core/ports';
import { markUnsubscribed } from '../subscribe/mark-unsubscribed';
import type { PersonRecord } from '../../core/person-record';

/**
 * What the data-protection lead does for one person, from the CLI or the console: look up what
 * is held, stop mail to the address, export it all (subject access) and erase it. One place, so
 * both ways in answer the same.
 */
export interface PeopleDeps {
  subscribers: SubscriberStore;
  suppressions: Pick<SuppressionStore, 'get' | 'put'>;
  lists: Pick<ListStore, 'membershipsOf' | 'removeMember'>;
  deliveries: Pick<DeliveryStore, 'byRecipient' | 'anonymise'>;
}

/** What was typed is not an address: say what to type instead. */
export class NotAnAddressError extends Error {
  override readonly name = 'NotAnAddressError';
  constructor(typed: string) {
    super(`'${typed.trim()}' is not an email address. Give the address, for example name@example.org.`);
  }
}

const looksLikeEmail = (value: string) => /^[^@\s]+@[^@\s]+$/.test(value.trim());

export function addressOf(typed: string): { email: string; key: string } {
  if (!looksLikeEmail(typed)) throw new NotAnAddressError(typed);
  return { email: normaliseEmail(typed), key: recipientKey(typed) };
}

export async function lookUpPerson(deps: Omit<PeopleDeps, 'deliveries'>, typed: string): Promise<PersonRecord> {
  const { email, key } = addressOf(typed);
  const [subscriber, suppression, memberships] = await Promise.all([deps.subscribers.get(key), deps.suppressions.get(key), deps.lists.membershipsOf(email)]);
  return { email, subscriber, suppression, memberships };
}

/** Stops every briefing and digest to the address; returns what was already there, if anything. */
export async function suppressPerson(deps: Pick<PeopleDeps, 'subscribers' | 'suppressions'>, typed: string, reason: string, now: Date) {
  const { email, key } = addressOf(typed);
  const existing = await deps.suppressions.get(key);
  if (!existing) await deps.suppressions.put({ recipientKey: key, reason: 'admin', at: now.toISOString(), detail: reason });
  const unsubscribed = await markUnsubscribed(deps, key, reason, now);
  return { email, existing, unsubscribed };
}

/** Everything held about one address: the answer to a subject access request. */
export async function subjectAccessExport(deps: PeopleDeps, typed: string, now: Date) {
  const { key } = addressOf(typed);
  const [{ email, subscriber, suppression, memberships }, deliveries] = await Promise.all([lookUpPerson(deps, typed), deps.deliveries.byRecipient(key)]);
  return {
    email,
    exportedAt: now.toISOString(),
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
}

/**
 * Right to erasure: the profile and list entries go, and ledger rows lose the address, name and
 * recipient key while keeping what the counts need. A suppression stays (it holds no address) so
 * the person is not emailed again from an old list export.
 */
export async function erasePerson(deps: PeopleDeps, typed: string, now: Date, onProgress?: (done: number, of: number) => void) {
  const { email, key } = addressOf(typed);
  const memberships = await deps.lists.membershipsOf(email);
  for (const m of memberships) await deps.lists.removeMember(m.listId, m.email);
  const hadSubscription = Boolean(await deps.subscribers.get(key));
  await deps.subscribers.remove(key);
  const rows = await deps.deliveries.byRecipient(key);
  let done = 0;
  for (const row of rows) {
    await deps.deliveries.anonymise(row, now);
    onProgress?.(++done, rows.length);
  }
  const suppressed = Boolean(await deps.suppressions.get(key));
  return { email, hadSubscription, memberships: memberships.length, ledgerRows: rows.length, suppressed };
}
