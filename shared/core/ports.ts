import type { DistributionList, Member } from './audience';
import type { DeliveryRow, MailOutcome } from './delivery';
import type { FieldError, Finding } from './finding/finding';
import type { Frequency, Subscriber } from './subscriber';
import type { TopicId } from './taxonomy';
import type { TokenSigner } from './tokens';

/**
 * The small interfaces the flows depend on. DynamoDB and SES implement them in
 * shared/adapters/ (test/support/fakes.ts in memory); core/, render/ and flows/ never import an AWS client.
 */

export interface PlanSummary {
  recipients: number;
  /** Delivery rows written by this plan (0 when it was planned before). */
  newDeliveries: number;
  /** Lists or members set aside as invalid, without email addresses: what an admin should fix. */
  skipped: string[];
  /** People left out because they unsubscribed, bounced or complained. */
  suppressed?: number;
  /** A correction (to earlier recipients only) rather than a first issue. */
  correction?: boolean;
  /** Gate warnings (not blocking), and an override that released a hold: shown to admins. */
  warnings?: string[];
}

export interface FindingStore {
  /** The raw item as stored (unmarshalled), or undefined. */
  getRaw(id: string): Promise<Record<string, unknown> | undefined>;
  putRaw(item: Record<string, unknown>): Promise<void>;
  /** Puts the item only if the stored one still has this version and status (nobody changed it meanwhile); false if it changed. */
  replaceIf(item: Record<string, unknown>, expected: { version: unknown; status: unknown }): Promise<boolean>;
  listRaw(): Promise<Record<string, unknown>[]>;
  setStatus(id: string, status: 'draft' | 'published' | 'withdrawn'): Promise<void>;
  /**
   * Records on the item itself why it was not sent, where an admin looking at it will see.
   * True when this is news (not the same hold recorded again), so the admin is emailed once.
   * A planned note normally outranks a hold (an edit to what went out is never held);
   * `evenIfPlanned` is for a slip made to the item itself after sending (a lowered version).
   */
  markHeld(id: string, version: number | undefined, errors: FieldError[], now: Date, options?: { evenIfPlanned?: boolean }): Promise<boolean>;
  /** The admin email about the current hold went. */
  markAdminTold(id: string, now: Date): Promise<void>;
  markPlanned(id: string, version: number, summary: PlanSummary, now: Date): Promise<void>;
  markWithdrawn(id: string, summary: { notices: number; cancelled: number }, now: Date): Promise<void>;
}

/** Items that failed validation are set aside, not fatal: one console typo must not stop every briefing. */
export interface Loaded<T> {
  valid: T[];
  /** `key` is the list id or the member's email; `problems` say what to fix. */
  invalid: { key: string; problems: string[] }[];
}

export interface ListStore {
  allLists(): Promise<Loaded<DistributionList>>;
  /** One list, or nothing: a list typed badly comes back in `invalid` with its problems. */
  getList(id: string): Promise<Loaded<DistributionList>>;
  putList(list: DistributionList): Promise<void>;
  members(listId: string): Promise<Loaded<Member>>;
  /** Every list entry for this address (a Scan: subject access and erasure only). */
  membershipsOf(email: string): Promise<(Member & { listId: string })[]>;
  removeMember(listId: string, email: string): Promise<void>;
  /** Adds or replaces members; returns how many were written. */
  putMembers(listId: string, members: Member[], onProgress?: (written: number) => void): Promise<number>;
}

export interface Briefing {
  briefingId: string;
  findingId: string;
  version: number;
  finding: Finding;
  plannedAt: string;
  recipients: number;
  /** For a correction: the fields that differ from the version before, as admins name them. */
  changedFields?: string[];
  /** For a correction: the fields that differ from each earlier version, by that version's number. */
  changedSince?: Record<string, string[]>;
  /** Set when the finding is withdrawn: rows of it still queued are cancelled, not sent. */
  withdrawnAt?: string;
  /** Set when a higher version is planned: this version's unsent rows are cancelled, not sent. */
  supersededAt?: string;
  /**
   * The highest version that replaced this one: whoever settles one of this version's rows after
   * `supersededAt` (the sender, a claim that lost a race) hands that person over to it.
   */
  supersededBy?: number;
  /** Set when retention removed the addresses from this briefing's rows. */
  personalDataRemovedAt?: string;
}

export interface BriefingStore {
  /** Stores the snapshot unless this briefing exists already; returns the stored one, and whether this call stored it. */
  putIfAbsent(briefing: Briefing): Promise<{ briefing: Briefing; created: boolean }>;
  setRecipients(briefingId: string, recipients: number): Promise<void>;
  get(briefingId: string): Promise<Briefing | undefined>;
  /**
   * Marks a snapshot withdrawn, or superseded by a higher version (`by`, recorded as `supersededBy`
   * if higher than any recorded): its queued rows must not go. The first time of each mark stands.
   */
  markStopped(briefingId: string, how: 'withdrawnAt' | 'supersededAt' | 'personalDataRemovedAt', at: Date, by?: number): Promise<void>;
  /** Briefings planned at or after `since` (a Scan: one row per finding version, a small table). */
  plannedSince(since: Date): Promise<Briefing[]>;
}

export interface DeliveryStore {
  /**
   * Writes the rows that do not exist yet; returns how many this call wrote. An existing row is
   * never overwritten, even one written by someone else a moment ago (each write is conditional).
   * `fresh`: the rows' briefing was stored by this very plan and has no earlier version, so nobody
   * else can be writing these keys: one unconditional BatchWriteItem per 25 rows, no look.
   */
  insertMissing(rows: DeliveryRow[], options?: { fresh?: boolean }): Promise<number>;
  /**
   * PENDING → SENDING for a stream batch, in as few requests as it can (one transaction of
   * conditional updates per 100 rows; a single row, one UpdateItem); returns the ids this call
   * claimed. A row someone else has (or that is done) is not in the set; nor is one written again
   * since (`createdAt` must match), so a stale stream record can never claim a row written anew.
   */
  claimMany(rows: readonly Pick<DeliveryRow, 'deliveryId' | 'createdAt'>[], now: Date): Promise<Set<string>>;
  /** SENDING → PENDING, so a retried record can claim it again. */
  release(deliveryId: string, reason: string): Promise<void>;
  markSent(deliveryId: string, messageId: string, now: Date): Promise<void>;
  /**
   * `markSent` for many rows, in as few requests as it can (one transaction per 100 rows, each
   * update still conditional on SENDING); returns the ids it could not mark (no longer SENDING).
   */
  markSentMany(sent: readonly { deliveryId: string; messageId: string }[], now: Date): Promise<Set<string>>;
  markFailed(deliveryId: string, reason: string, now: Date, options?: { outcomeUnknown?: boolean }): Promise<void>;
  /**
   * Rows in this status open since before `before` (Queries on the sparse index), oldest first,
   * at most an equal share of `limit` from each index shard, so no shard's backlog hides another's.
   */
  openRows(status: 'PENDING' | 'SENDING', before: Date, limit: number): Promise<DeliveryRow[]>;
  /** PENDING (or, from the sender, SENDING) → CANCELLED; false when it had moved on. */
  cancel(deliveryId: string, from: 'PENDING' | 'SENDING', reason: string, now: Date): Promise<boolean>;
  /**
   * A briefing's rows, from the `by-briefing` index (eventually consistent). `consistent`: each
   * row's state is then read again from the table itself, strongly consistent, as it is now.
   */
  byBriefing(briefingId: string, options?: { consistent?: boolean }): Promise<DeliveryRow[]>;
  /**
   * Puts a stuck PENDING or a FAILED row back in the send queue: the row is deleted and
   * written again as a new PENDING row, so its stream INSERT reaches the sender. False
   * when the row has moved on meanwhile (someone claimed or sent it).
   */
  requeue(row: DeliveryRow, now: Date): Promise<boolean>;

  /**
   * For mail sent without the stream (digests): writes the row as SENDING unless one
   * exists that is not FAILED, or SENDING since before `staleSendingBefore` (a run that
   * died mid-send). False means it was sent (or is being sent) already.
   */
  claimNew(row: DeliveryRow, now: Date, staleSendingBefore: Date): Promise<boolean>;
  get(deliveryId: string): Promise<DeliveryRow | undefined>;
  /** Records SES's verdict on a sent row; a weaker event never replaces a stronger one. False if no such row. */
  recordMailEvent(deliveryId: string, event: MailOutcome, at: string): Promise<boolean>;
  /**
   * Records "I have read this" on a SENT row, with the agency and role it was sent for.
   * Idempotent: the first time stands. `first` says whether this was it; undefined when the
   * row does not exist or was never sent.
   */
  acknowledge(deliveryId: string, at: Date): Promise<{ first: boolean; row: DeliveryRow } | undefined>;
  /** Notes that this delivery's one answer was given; false if it was already. */
  markAnswered(deliveryId: string): Promise<boolean>;
  /** Claims the one reminder for a sent, unacknowledged row; false if it was reminded (or read) already. */
  claimReminder(deliveryId: string, now: Date): Promise<boolean>;
  /** Retention: removes the address and name (and SES text that may quote them); the counts stay. */
  removePersonalData(deliveryId: string, now: Date): Promise<boolean>;
  /** Every row for one recipient (a Scan: subject access and erasure only). */
  byRecipient(recipientKey: string): Promise<DeliveryRow[]>;
  /**
   * Replaces a row by one with no address, name or recipient key, keeping what the counts
   * need (briefing, agency, role, status, times). Unsent rows become FAILED, never PENDING.
   */
  anonymise(row: DeliveryRow, now: Date): Promise<void>;
}

export interface Mailer {
  /** Sends a complete MIME message; returns the provider's message id. */
  sendRaw(raw: Buffer): Promise<string>;
}

export interface SubscriberStore {
  get(subscriberId: string): Promise<Subscriber | undefined>;
  /** Writes the profile and, only while it is confirmed, one index entry per chosen topic, in one transaction. */
  put(subscriber: Subscriber): Promise<void>;
  /** Confirmed subscribers at this frequency who chose any of these topics (or all topics): Queries, never a Scan. */
  confirmedFor(topics: readonly TopicId[], frequency: Frequency): Promise<Subscriber[]>;
  /** Every profile, for admins (a Scan: the CLI's list and export only). */
  all(): Promise<Loaded<Subscriber>>;
  /** Deletes the profile and its topic entries. */
  remove(subscriberId: string): Promise<void>;
}

export const SUPPRESSION_REASONS = ['unsubscribed', 'hard-bounce', 'complaint', 'admin'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** Keyed by recipient key, so it outlives erasure of the address. */
export interface Suppression {
  recipientKey: string;
  reason: SuppressionReason;
  at: string;
  /** What happened, without the address: "complaint (abuse) on message …", "one-click unsubscribe". */
  detail?: string;
}

export interface SuppressionStore {
  /** Which of these recipient keys are suppressed, with why (one batched read per 100 keys). */
  suppressed(recipientKeys: readonly string[]): Promise<Map<string, Suppression>>;
  get(recipientKey: string): Promise<Suppression | undefined>;
  put(suppression: Suppression): Promise<void>;
  lift(recipientKey: string): Promise<void>;
}

/** Fixed-window counters shared by every instance of the function. */
export interface RateLimiter {
  /** Counts one request against `key`; false when `limit` requests were already counted in this window. */
  allow(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
}

/** Per-deployment settings admins keep with the CLI: data, not code. */
export interface SettingsStore {
  /** Words and names the anonymisation gate blocks (for example local place or school names). */
  denyList(): Promise<string[]>;
  setDenyList(terms: readonly string[]): Promise<void>;
  /**
   * Public names and pseudonyms the gate's person-name rule lets through ("Child Q", the
   * names in a national review's title), matched whole-name and case-insensitively.
   */
  allowList(): Promise<string[]>;
  setAllowList(names: readonly string[]): Promise<void>;
}

/** An anonymous answer given with an acknowledgement: agency, role and briefing, never the address. */
export interface Response {
  /** Random: nothing joins it back to the delivery. */
  responseId: string;
  briefingId: string;
  findingId: string;
  agency: string;
  role: string;
  answer: string;
  /** The day only (YYYY-MM-DD): an exact time could be matched to the ledger's acknowledgedAt. */
  at: string;
}

export interface ResponseStore {
  put(response: Response): Promise<void>;
  byBriefing(briefingId: string): Promise<Response[]>;
}

/** What a service that emails people from the ledger needs: the sender and the reminders both. */
export interface SendingDeps {
  briefings: BriefingStore;
  deliveries: DeliveryStore;
  suppressions: SuppressionStore;
  mailer: Mailer;
  signer: TokenSigner;
  senderAddress: string;
  /** The partnership's name, shown as the sender and in the footer. */
  senderName?: string;
  /** Branding on every briefing: the logo above it and contact details in its footer. */
  logoUrl?: string;
  contactDetails?: string;
  publicBaseUrl: string;
  now?: () => Date;
}
