import * as z from 'zod/mini';
import './zod-setup';
import { ADDRESS_LIMITS, addressLengths, normaliseEmail, recipientKey } from './audience';
import type { FieldError } from './finding/finding';
import { knownId } from './known-id';
import { AGENCY_IDS, ROLE_IDS, TOPIC_IDS, type AgencyId, type RoleId, type TopicId } from './taxonomy';

/**
 * A practitioner who subscribed to topics themselves (as opposed to a list member, whom
 * an admin added). The subscriber id is the same non-reversible recipient key as the
 * ledger's, so a link or a log never carries the address.
 */

export const FREQUENCIES = ['immediately', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const FREQUENCY_LABELS: Record<Frequency, string> = {
  immediately: 'As soon as each briefing is published',
  weekly: 'A weekly digest, on Monday mornings',
};

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/** The form value and stored value meaning "every topic, including ones added later". */
export const ALL_TOPICS = 'all';
export type TopicChoice = typeof ALL_TOPICS | TopicId[];

const frequency = z.enum(FREQUENCIES, { error: 'Choose how often: immediately or weekly.' });

/**
 * Topics as a form sends them: repeated `topics` values, where `all` wins over any single
 * topic. One list schema (not a union), so an unknown id keeps its "did you mean".
 */
const topicChoice = z.pipe(
  z.pipe(
    z.transform((input: unknown) => [...new Set((Array.isArray(input) ? input : input === undefined || input === '' ? [] : [input]).map((v) => String(v).trim()).filter(Boolean))]),
    z.array(knownId([ALL_TOPICS, ...TOPIC_IDS], 'topic')).check(z.minLength(1, { error: 'Choose at least one topic, or All topics.' })),
  ),
  z.transform((ids: (typeof ALL_TOPICS | TopicId)[]): TopicChoice => (ids.includes(ALL_TOPICS) ? ALL_TOPICS : (ids as TopicId[]))),
);

/** What a subscriber chooses, on the subscribe page and on the preferences page. */
export const preferencesSchema = z.object({
  // The form offers the lists, so a miss is an empty choice (or a tampered form): say what to do.
  agency: z.enum(AGENCY_IDS, { error: 'Choose your agency from the list.' }),
  role: z.enum(ROLE_IDS, { error: 'Choose your role from the list.' }),
  topics: topicChoice,
  frequency,
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const subscribeRequestSchema = z.extend(preferencesSchema, {
  email: z.pipe(
    z.pipe(
      z.string({ error: 'Enter your work email address.' }).check(
        z.trim(),
        z.minLength(1, { error: 'Enter your work email address.' }),
        z.maxLength(ADDRESS_LIMITS.address, { error: 'That email address is too long.' }),
      ),
      z.transform(normaliseEmail),
    ),
    // RFC 5321's lengths: 64 before the @ as well as 254 in all (a 300-character local part was taken and emailed).
    z.email({ error: 'Enter an email address in the correct format, like name@example.org.' }).check(addressLengths('That email address is too long: ')),
  ),
});
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

/** The stored profile. `requestedAt` doubles as the nonce of the newest confirmation link. */
export const subscriberSchema = z.object({
  subscriberId: z.string().check(z.minLength(1)),
  email: z.string().check(z.minLength(3)),
  agency: z.enum(AGENCY_IDS),
  role: z.enum(ROLE_IDS),
  topics: z.union([z.literal(ALL_TOPICS), z.array(z.enum(TOPIC_IDS))]),
  frequency: z.enum(FREQUENCIES),
  status: z.enum(SUBSCRIBER_STATUSES),
  statusAt: z.string(),
  statusReason: z.optional(z.string()),
  createdAt: z.string(),
  requestedAt: z.string(),
  confirmedAt: z.optional(z.string()),
});
export type Subscriber = z.infer<typeof subscriberSchema>;

/** A form parsed field by field: every problem names its field, as the page shows it. */
export function parseForm<T>(schema: z.ZodMiniType<T>, input: Record<string, unknown>): { ok: true; value: T } | { ok: false; errors: FieldError[] } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (!errors.has(field)) errors.set(field, issue.message);
  }
  return { ok: false, errors: [...errors].map(([field, message]) => ({ field, message })) };
}

/** Form bodies (application/x-www-form-urlencoded) keep repeated fields as lists. */
export function formFields(body: URLSearchParams): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const key of new Set(body.keys())) {
    const values = body.getAll(key);
    fields[key] = key === 'topics' ? values : (values[0] ?? '');
  }
  return fields;
}

export function newSubscriber(request: SubscribeRequest, now: Date): Subscriber {
  const at = now.toISOString();
  return {
    subscriberId: recipientKey(request.email),
    email: request.email,
    agency: request.agency,
    role: request.role,
    topics: request.topics,
    frequency: request.frequency,
    status: 'pending',
    statusAt: at,
    createdAt: at,
    requestedAt: at,
  };
}

/** Does a subscriber's choice cover any of a finding's topics? */
export const wantsTopics = (choice: TopicChoice, topics: readonly TopicId[]) =>
  choice === ALL_TOPICS || choice.some((topic) => topics.includes(topic));

/** `a***@example.org`: enough for a person to recognise their address on a page, not to read it off a screen. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export type SubscriberSummary = Pick<Subscriber, 'agency' | 'role' | 'topics' | 'frequency' | 'status'> & { maskedEmail: string };
export const summarise = (s: Subscriber): SubscriberSummary => ({
  agency: s.agency as AgencyId,
  role: s.role as RoleId,
  topics: s.topics,
  frequency: s.frequency,
  status: s.status,
  maskedEmail: maskEmail(s.email),
});
