import * as z from 'zod/mini';
import './zod-setup';
import { recipientKey, type Recipient } from './audience';
import { AGENCY_IDS, ROLE_IDS } from './taxonomy';

/**
 * A row of the delivery ledger. PENDING means "send this"; the sender claims it
 * (SENDING) before it calls SES, so a replayed stream record finds it taken.
 */
/** CANCELLED: the finding was withdrawn before this row was sent. */
export const DELIVERY_STATUSES = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'CANCELLED'] as const;

/** A first issue, a correction (to earlier recipients), a withdrawal notice, or a weekly digest. */
export const DELIVERY_KINDS = ['briefing', 'correction', 'withdrawal', 'digest'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const deliveryRowSchema = z.object({
  deliveryId: z.string().check(z.minLength(1)),
  briefingId: z.string().check(z.minLength(1)),
  recipientKey: z.string().check(z.minLength(1)),
  findingId: z.string().check(z.minLength(1)),
  version: z.coerce.number().check(z.int(), z.gte(1)),
  email: z.string().check(z.minLength(3)),
  name: z.string(),
  agency: z.enum(AGENCY_IDS),
  role: z.enum(ROLE_IDS),
  via: z._default(z.array(z.string()), []),
  status: z.enum(DELIVERY_STATUSES),
  createdAt: z.string(),
  messageId: z.optional(z.string()),
  reason: z.optional(z.string()),
  /** A briefing (one finding) or a weekly digest (several). */
  kind: z._default(z.enum(DELIVERY_KINDS), 'briefing'),
  /**
   * For a correction: the version whose text this person has, so the correction lists every
   * change since that one (someone who had version 1 and whose version 2 correction was cancelled
   * for version 3 needs the changes of both). Absent on rows written before it was recorded.
   */
  correctsVersion: z.optional(z.coerce.number().check(z.int(), z.gte(1))),
  findingIds: z.optional(z.array(z.string())),
  /** What SES reported after sending: delivered, bounced, complained… */
  mailEvent: z.optional(z.string()),
  /** Set when the recipient's personal data was erased: the row only counts. */
  erasedAt: z.optional(z.string()),
  /** Only while PENDING or SENDING: the sparse `open-rows` index the sweeper reads. */
  openShard: z.optional(z.string()),
  openSince: z.optional(z.string()),
  /** How often the sweeper put this row back after it was left SENDING (at most once). */
  redrives: z.optional(z.coerce.number().check(z.int(), z.gte(0))),
  /** "I have read this briefing": when, and the agency and role it was sent for. */
  acknowledgedAt: z.optional(z.string()),
  ackAgency: z.optional(z.string()),
  ackRole: z.optional(z.string()),
  /** An answer was given with the acknowledgement (it is kept apart, without the address: this is all the row knows). */
  answered: z.optional(z.boolean()),
  /** When the sender took it (PENDING → SENDING): the sweeper's clock for a row left SENDING. */
  claimedAt: z.optional(z.string()),
  sentAt: z.optional(z.string()),
  /** The one reminder to acknowledge, if any was sent. */
  reminderSentAt: z.optional(z.string()),
  /** When retention removed the address and name. */
  personalDataRemovedAt: z.optional(z.string()),
  /** FAILED because a send may or may not have reached SES: never retried automatically. */
  outcomeUnknown: z.optional(z.boolean()),
});
export type DeliveryRow = z.infer<typeof deliveryRowSchema>;

/** One briefing per finding version: a re-issue is a new briefing, an edit is not. */
export const briefingIdOf = (findingId: string, version: number) => `${findingId}#v${version}`;

/** Withdrawal notices get a ledger briefing of their own, so they never collide with the rows they follow. */
export const withdrawalIdOf = (findingId: string) => `${findingId}#withdrawn`;

/** Open rows spread over this many index partitions. */
export const OPEN_SHARDS = 10;
export function openShardOf(deliveryId: string): string {
  let hash = 0;
  for (const char of deliveryId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `open#${hash % OPEN_SHARDS}`;
}

export function pendingDelivery(findingId: string, version: number, recipient: Recipient, now: Date, kind: DeliveryKind = 'briefing'): DeliveryRow {
  const briefingId = kind === 'withdrawal' ? withdrawalIdOf(findingId) : briefingIdOf(findingId, version);
  const key = recipientKey(recipient.email);
  return {
    deliveryId: `${briefingId}#${key}`,
    briefingId,
    recipientKey: key,
    findingId,
    version,
    email: recipient.email,
    name: recipient.name,
    agency: recipient.agency,
    role: recipient.role,
    via: recipient.via,
    status: 'PENDING',
    createdAt: now.toISOString(),
    kind,
    openShard: openShardOf(`${briefingId}#${key}`),
    openSince: now.toISOString(),
  };
}

/** What SES tells us after a send, strongest last: a later, stronger event replaces a weaker one. */
export const MAIL_EVENTS = ['delivered', 'soft-bounced', 'rejected', 'bounced', 'complained'] as const;
export type MailOutcome = (typeof MAIL_EVENTS)[number];
export const mailEventRank = (event: MailOutcome) => MAIL_EVENTS.indexOf(event) + 1;

/**
 * The row that stands in for an erased person's: a new id and recipient key, no address, name or
 * SES text that may quote them (reason, lastError, messageId), and out of the sweeper's index;
 * what the counts need stays (briefing, agency, role, status, times). Unsent rows become FAILED,
 * never PENDING.
 */
export function erasedStandIn(stored: Record<string, unknown>, row: DeliveryRow, stand: string, now: Date): Record<string, unknown> & { deliveryId: string; status: string } {
  const { email: _e, name: _n, messageId: _m, reason: _r, lastError: _l, openShard: _s, openSince: _o, ...kept } = stored;
  const done = row.status === 'SENT' || row.status === 'FAILED';
  return {
    ...kept,
    deliveryId: `${row.briefingId}#${stand}`,
    recipientKey: stand,
    email: 'erased',
    name: '',
    status: done ? row.status : 'FAILED',
    ...(row.status === 'SENT' ? {} : { reason: 'Not sent (the recipient’s data was erased).' }),
    erasedAt: now.toISOString(),
  };
}
