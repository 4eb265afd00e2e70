import * as z from 'zod/mini';
import './zod-setup';

/**
 * Amazon SES tells us what happened to a sent briefing by publishing JSON to an SNS topic. Two
 * shapes can arrive on the same topic:
 *  - configuration-set event publishing: `{ eventType, mail, bounce | complaint | delivery | reject | … }`
 *    (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html);
 *  - identity notifications, the older shape: `{ notificationType, mail, bounce | complaint | delivery }`
 *    (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html).
 * This module turns either one into a small {@link MailEvent}. It has no AWS SDK imports.
 * Fixtures: test/fixtures/ses-events/.
 *
 * A problem string names the field at fault. It never quotes an input value, because values are
 * mostly email addresses and problems end up in logs.
 */

export type MailEvent =
  | { kind: 'delivered'; messageId: string; deliveryId?: string; at: string; recipients: string[] }
  | { kind: 'bounced'; permanent: boolean; subType: string; messageId: string; deliveryId?: string; at: string; recipients: string[] }
  | { kind: 'complained'; messageId: string; deliveryId?: string; at: string; recipients: string[]; feedbackType?: string }
  | { kind: 'rejected'; messageId: string; deliveryId?: string; at: string; reason: string; recipients: string[] };

export type SesParseResult = { ok: true; event: MailEvent } | { ok: false; ignored?: boolean; problem: string };

/** The header our sender sets on every briefing. SES copies it into `mail.headers`. */
export const DELIVERY_ID_HEADER = 'X-Delivery-Id';

const HANDLED_TYPES = ['Bounce', 'Complaint', 'Delivery', 'Reject'] as const;
type HandledType = (typeof HANDLED_TYPES)[number];

const nonEmpty = z.string().check(z.trim(), z.minLength(1));
const timestamp = nonEmpty.check(z.refine((value) => !Number.isNaN(Date.parse(value)), { message: 'is not a timestamp' }));
/** Addresses are compared lower-cased and trimmed everywhere in this codebase. */
const address = z.string().check(z.trim(), z.toLowerCase(), z.minLength(1));

const mailSchema = z.object({
  messageId: nonEmpty,
  timestamp,
  destination: z.optional(z.array(address)),
  // Both shapes leave out the headers when the identity or configuration set doesn't include
  // original headers. SES also truncates them past 10 KB (`headersTruncated`). Then there is no
  // delivery id, and the caller has only `messageId` to go on.
  headersTruncated: z.optional(z.boolean()),
  headers: z.optional(z.array(z.object({ name: z.string(), value: z.string() }))),
});

const recipientList = z.array(z.object({ emailAddress: address })).check(z.minLength(1));

const schemas = {
  Bounce: z.object({
    mail: mailSchema,
    bounce: z.object({
      bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
      bounceSubType: nonEmpty,
      bouncedRecipients: recipientList,
      timestamp,
    }),
  }),
  Complaint: z.object({
    mail: mailSchema,
    complaint: z.object({
      complainedRecipients: recipientList,
      timestamp,
      complaintFeedbackType: z.optional(z.string()),
    }),
  }),
  Delivery: z.object({
    mail: mailSchema,
    delivery: z.object({ recipients: z.array(address).check(z.minLength(1)), timestamp }),
  }),
  Reject: z.object({
    mail: z.extend(mailSchema, { destination: z.array(address).check(z.minLength(1)) }),
    reject: z.object({ reason: nonEmpty }),
  }),
} satisfies Record<HandledType, z.ZodMiniType>;

/** Parses one SES notification: the object in an SNS record's `Message`, already JSON-parsed. */
export function parseSesNotification(message: unknown): SesParseResult {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, problem: 'the notification is not a JSON object' };
  }
  const record = message as Record<string, unknown>;
  const typeField = record.eventType !== undefined ? 'eventType' : 'notificationType';
  const type = record[typeField];
  if (type === undefined) return { ok: false, problem: 'eventType (or notificationType) is missing' };
  if (typeof type !== 'string') return { ok: false, problem: `${typeField} is not a string` };
  if (!isHandled(type)) {
    // Send, Open, Click, Rendering Failure, DeliveryDelay, Subscription, AmazonSnsSubscriptionSucceeded…
    // These are not faults. The configuration set or identity just publishes more than we act on.
    return { ok: false, ignored: true, problem: `event type ${type.slice(0, 60)} is not handled` };
  }

  switch (type) {
    case 'Bounce': {
      const parsed = schemas.Bounce.safeParse(message);
      if (!parsed.success) return { ok: false, problem: describe(parsed.error, message) };
      const { mail, bounce } = parsed.data;
      return ok({
        kind: 'bounced',
        // Only a Permanent bounce means "stop sending here". SES documents Undetermined as "unable
        // to determine a specific bounce reason", so the address may be fine. We treat it as soft,
        // like Transient, and don't suppress a colleague's address on a guess. If it really is
        // dead, it will bounce again, and SES will call that Permanent.
        permanent: bounce.bounceType === 'Permanent',
        subType: bounce.bounceSubType,
        ...ids(mail),
        at: bounce.timestamp,
        recipients: bounce.bouncedRecipients.map((r) => r.emailAddress),
      });
    }
    case 'Complaint': {
      const parsed = schemas.Complaint.safeParse(message);
      if (!parsed.success) return { ok: false, problem: describe(parsed.error, message) };
      const { mail, complaint } = parsed.data;
      const feedbackType = complaint.complaintFeedbackType?.trim();
      return ok({
        kind: 'complained',
        ...ids(mail),
        at: complaint.timestamp,
        recipients: complaint.complainedRecipients.map((r) => r.emailAddress),
        ...(feedbackType ? { feedbackType } : {}),
      });
    }
    case 'Delivery': {
      const parsed = schemas.Delivery.safeParse(message);
      if (!parsed.success) return { ok: false, problem: describe(parsed.error, message) };
      const { mail, delivery } = parsed.data;
      return ok({ kind: 'delivered', ...ids(mail), at: delivery.timestamp, recipients: delivery.recipients });
    }
    case 'Reject': {
      const parsed = schemas.Reject.safeParse(message);
      if (!parsed.success) return { ok: false, problem: describe(parsed.error, message) };
      const { mail, reject } = parsed.data;
      // A Reject has no object of its own with a time or recipients: SES refused the whole message.
      return ok({ kind: 'rejected', ...ids(mail), at: mail.timestamp, reason: reject.reason, recipients: mail.destination });
    }
  }
}

/** Parses the `Sns.Message` string of an SNS record. */
export function parseSnsMessage(text: string): SesParseResult {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    // Leave out the SyntaxError text on purpose. V8 quotes part of the input there, which may
    // be an address.
    return { ok: false, problem: 'the SNS message is not valid JSON' };
  }
  return parseSesNotification(message);
}

function isHandled(type: string): type is HandledType {
  return (HANDLED_TYPES as readonly string[]).includes(type);
}

function ok(event: MailEvent): SesParseResult {
  return { ok: true, event };
}

function ids(mail: z.infer<typeof mailSchema>): { messageId: string; deliveryId?: string } {
  const header = mail.headers?.find((h) => h.name.trim().toLowerCase() === DELIVERY_ID_HEADER.toLowerCase());
  const deliveryId = header?.value.trim();
  return deliveryId ? { messageId: mail.messageId, deliveryId } : { messageId: mail.messageId };
}

/** Names the fields at fault (e.g. "bounce.bouncedRecipients is missing") and never quotes a value. */
function describe(error: z.core.$ZodError, input: unknown): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const where = pathText(issue.path) || 'the notification';
    if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) return `${where} is missing`;
    switch (issue.code) {
      case 'invalid_type':
        return `${where} is not ${article(issue.expected)}`;
      case 'too_small':
        return `${where} is empty`;
      case 'invalid_value':
        return `${where} is not one of ${issue.values.map(String).join(', ')}`;
      case 'custom':
        return `${where} ${issue.message}`;
      default:
        return `${where} is not valid`;
    }
  });
  const more = error.issues.length > parts.length ? ` (and ${error.issues.length - parts.length} more)` : '';
  return parts.join('; ') + more;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
