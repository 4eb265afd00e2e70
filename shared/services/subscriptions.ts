import { createHash } from 'node:crypto';
import { normaliseEmail, recipientKey } from '../domain/audience';
import type { FieldError } from '../domain/finding';
import { composeBriefingMime } from '../domain/mime';
import { alreadySubscribedEmail, confirmationEmail } from '../domain/notices';
import type { Mailer, RateLimiter, SubscriberStore, SuppressionStore } from '../domain/ports';
import {
  newSubscriber,
  parseForm,
  preferencesSchema,
  subscribeRequestSchema,
  summarise,
  type Subscriber,
  type SubscriberSummary,
} from '../domain/subscriber';
import { recipientLinks, type TokenCheck, type TokenPurpose, type TokenSigner } from '../domain/tokens';

/**
 * What the public pages do: subscribe (double opt-in), confirm, manage preferences and
 * unsubscribe. Every step is authorised by a signed, purpose-bound token; nothing here
 * tells a visitor whether an address is subscribed.
 */

export interface SubscriptionDeps {
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  signer: TokenSigner;
  senderAddress: string;
  publicBaseUrl: string;
  now?: () => Date;
}

/** Confirmation emails per address, and subscribe requests per client (an office NAT is many people). */
export const SUBSCRIBE_LIMITS = {
  perAddress: { limit: 3, windowSeconds: 3600 },
  perClient: { limit: 20, windowSeconds: 900 },
} as const;

export type LinkProblem = Exclude<TokenCheck, { ok: true }>['reason'] | 'stale' | 'unknown';
type LinkFailure = { outcome: 'link-problem'; problem: LinkProblem; purpose: TokenPurpose };
type FormValues = Record<string, string | string[]>;

const clock = (deps: Pick<SubscriptionDeps, 'now'>) => (deps.now ?? (() => new Date()))();
/** Clients are counted by a hash of their IP address: the address itself is never stored. */
export const clientKey = (sourceIp: string) => `client#${createHash('sha256').update(sourceIp).digest('hex').slice(0, 24)}`;

async function sendNotice(deps: SubscriptionDeps, email: string, rendered: Awaited<ReturnType<typeof confirmationEmail>>) {
  const raw = await composeBriefingMime({ from: deps.senderAddress, to: { name: '', email }, rendered });
  await deps.mailer.sendRaw(raw);
}

export async function requestSubscription(
  deps: SubscriptionDeps,
  form: FormValues,
  sourceIp: string,
): Promise<{ outcome: 'invalid'; errors: FieldError[] } | { outcome: 'throttled' } | { outcome: 'accepted' }> {
  const parsed = parseForm(subscribeRequestSchema, form);
  if (!parsed.ok) return { outcome: 'invalid', errors: parsed.errors };
  const request = parsed.value;
  const now = clock(deps);
  const { perAddress, perClient } = SUBSCRIBE_LIMITS;
  if (!(await deps.rateLimiter.allow(clientKey(sourceIp), perClient.limit, perClient.windowSeconds, now))) return { outcome: 'throttled' };
  const subscriberId = recipientKey(request.email);
  if (!(await deps.rateLimiter.allow(`address#${subscriberId}`, perAddress.limit, perAddress.windowSeconds, now))) return { outcome: 'throttled' };

  const existing = await deps.subscribers.get(subscriberId);
  if (existing?.status === 'confirmed') {
    // Say so to the mailbox, not to the visitor: the page reads the same either way.
    const { manageUrl } = recipientLinks(deps.publicBaseUrl, deps.signer, subscriberId, now);
    await sendNotice(deps, existing.email, alreadySubscribedEmail(manageUrl));
    return { outcome: 'accepted' };
  }
  // New, pending or unsubscribed: (re)start the double opt-in with these choices.
  const fresh = newSubscriber(request, now);
  const pending: Subscriber = existing
    ? { ...fresh, createdAt: existing.createdAt, statusReason: existing.status === 'unsubscribed' ? `asked again after: ${existing.statusReason ?? 'unsubscribed'}` : undefined }
    : fresh;
  await deps.subscribers.put(pending);
  const confirmUrl = `${deps.publicBaseUrl.replace(/\/+$/, '')}/confirm?t=${deps.signer.sign('confirm', subscriberId, now, pending.requestedAt)}`;
  await sendNotice(deps, request.email, confirmationEmail(request, confirmUrl));
  return { outcome: 'accepted' };
}

export async function confirmSubscription(
  deps: SubscriptionDeps,
  token: string | undefined,
): Promise<LinkFailure | { outcome: 'confirmed'; summary: SubscriberSummary; manageUrl: string }> {
  const now = clock(deps);
  const check = deps.signer.verify(token, 'confirm', now);
  if (!check.ok) return { outcome: 'link-problem', problem: check.reason, purpose: 'confirm' };
  const subscriber = await deps.subscribers.get(check.claims.subject);
  if (!subscriber) return { outcome: 'link-problem', problem: 'unknown', purpose: 'confirm' };
  // Only the newest request's link confirms: an old one must not undo an unsubscribe or newer choices.
  if (subscriber.requestedAt !== check.claims.nonce) return { outcome: 'link-problem', problem: 'stale', purpose: 'confirm' };
  let confirmed = subscriber;
  if (subscriber.status === 'pending') {
    const at = now.toISOString();
    confirmed = { ...subscriber, status: 'confirmed', statusAt: at, confirmedAt: at, statusReason: undefined };
    await deps.subscribers.put(confirmed);
    // Asking for briefings and confirming from the mailbox lifts an earlier unsubscribe or bounce.
    await deps.suppressions.lift(subscriber.subscriberId);
  }
  const { manageUrl } = recipientLinks(deps.publicBaseUrl, deps.signer, subscriber.subscriberId, now);
  return { outcome: 'confirmed', summary: summarise(confirmed), manageUrl };
}

/** A manage token; `undefined` summary means the person gets briefings only through an admin's list. */
export async function preferencesFor(deps: SubscriptionDeps, token: string | undefined): Promise<LinkFailure | { outcome: 'found'; summary?: SubscriberSummary }> {
  const check = deps.signer.verify(token, 'manage', clock(deps));
  if (!check.ok) return { outcome: 'link-problem', problem: check.reason, purpose: 'manage' };
  const subscriber = await deps.subscribers.get(check.claims.subject);
  return { outcome: 'found', summary: subscriber && subscriber.status !== 'pending' ? summarise(subscriber) : undefined };
}

export async function savePreferences(
  deps: SubscriptionDeps,
  token: string | undefined,
  form: FormValues,
): Promise<LinkFailure | { outcome: 'invalid'; errors: FieldError[]; summary?: SubscriberSummary } | { outcome: 'saved'; summary: SubscriberSummary }> {
  const now = clock(deps);
  const check = deps.signer.verify(token, 'manage', now);
  if (!check.ok) return { outcome: 'link-problem', problem: check.reason, purpose: 'manage' };
  const subscriber = await deps.subscribers.get(check.claims.subject);
  if (!subscriber || subscriber.status === 'pending') return { outcome: 'link-problem', problem: 'unknown', purpose: 'manage' };
  const parsed = parseForm(preferencesSchema, form);
  if (!parsed.ok) return { outcome: 'invalid', errors: parsed.errors, summary: summarise(subscriber) };
  const at = now.toISOString();
  // The link came to this mailbox, so saving from it after an unsubscribe resumes briefings.
  const resumed = subscriber.status === 'unsubscribed';
  const updated: Subscriber = {
    ...subscriber,
    ...parsed.value,
    ...(resumed ? { status: 'confirmed' as const, statusAt: at, statusReason: 'resumed from the preferences page', confirmedAt: at } : {}),
  };
  await deps.subscribers.put(updated);
  if (resumed) await deps.suppressions.lift(subscriber.subscriberId);
  return { outcome: 'saved', summary: summarise(updated) };
}

/**
 * Stops every briefing to this person: a subscriber is marked unsubscribed, and anyone
 * (list members too) is suppressed. Takes an unsubscribe token (the email header and
 * footer) or a manage token (the preferences page). Repeating it changes nothing.
 */
export async function unsubscribe(deps: SubscriptionDeps, token: string | undefined, how: 'one-click' | 'page'): Promise<LinkFailure | { outcome: 'unsubscribed' }> {
  const now = clock(deps);
  const check = checkUnsubscribeToken(deps, token);
  if (!check.ok) return { outcome: 'link-problem', problem: check.reason, purpose: 'unsubscribe' };
  const key = check.claims.subject;
  const detail = how === 'one-click' ? 'one-click unsubscribe (RFC 8058)' : 'unsubscribed on the web page';
  await markUnsubscribed(deps, key, detail, now);
  if (!(await deps.suppressions.get(key))) await deps.suppressions.put({ recipientKey: key, reason: 'unsubscribed', at: now.toISOString(), detail });
  return { outcome: 'unsubscribed' };
}

/** An unsubscribe link (email header and footer), or the manage token of the preferences page's button. */
export function checkUnsubscribeToken(deps: Pick<SubscriptionDeps, 'signer' | 'now'>, token: string | undefined): TokenCheck {
  const now = clock(deps);
  const check = deps.signer.verify(token, 'unsubscribe', now);
  return !check.ok && check.reason === 'wrong-purpose' ? deps.signer.verify(token, 'manage', now) : check;
}

/** Marks a subscriber unsubscribed (their topic entries go with it). Shared with bounces and the CLI. */
export async function markUnsubscribed(deps: Pick<SubscriptionDeps, 'subscribers'>, subscriberId: string, reason: string, now: Date): Promise<boolean> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber || subscriber.status === 'unsubscribed') return false;
  await deps.subscribers.put({ ...subscriber, status: 'unsubscribed', statusAt: now.toISOString(), statusReason: reason });
  return true;
}

export const emailKey = (email: string) => recipientKey(normaliseEmail(email));
