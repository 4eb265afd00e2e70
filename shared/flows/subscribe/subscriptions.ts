import { recipientKey } from '../../core/audience';
import type { FieldError } from '../../core/finding/finding';
import { composeBriefingMime } from '../../render/email/mime';
import { alreadySubscribedEmail, confirmationEmail } from '../../render/email/notices';
import type { Mailer, RateLimiter, SubscriberStore, SuppressionStore } from '../../core/ports';
import { newSubscriber, type SubscribeRequest, parseForm, preferencesSchema, subscribeRequestSchema, summarise, type Subscriber, type SubscriberSummary } from '../../core/subscriber';
import { recipientLinks, type LinkProblem, type TokenCheck, type TokenPurpose, type TokenSigner } from '../../core/tokens';
import { markUnsubscribed } from './mark-unsubscribed';

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
  /** The partnership's name, shown as the sender. */
  senderName?: string;
  publicBaseUrl: string;
  now?: () => Date;
}

/** Confirmation emails per address, and subscribe requests per client (an office NAT is many people). */
export const SUBSCRIBE_LIMITS = {
  perAddress: { limit: 3, windowSeconds: 3600 },
  perClient: { limit: 20, windowSeconds: 900 },
} as const;

type LinkFailure = { outcome: 'link-problem'; problem: LinkProblem; purpose: TokenPurpose };
type FormValues = Record<string, string | string[]>;

const clock = (deps: Pick<SubscriptionDeps, 'now'>) => (deps.now ?? (() => new Date()))();
/**
 * Clients are counted by a keyed fingerprint of their address, never the address; an
 * IPv6 client by its /64, since one household or office holds a whole /64.
 */
export function clientKey(signer: TokenSigner, sourceIp: string): string {
  const network = sourceIp.includes(':') ? sourceIp.toLowerCase().split(':').slice(0, 4).join(':') : sourceIp;
  return `client#${signer.fingerprint(network)}`;
}

async function sendNotice(deps: SubscriptionDeps, email: string, rendered: Awaited<ReturnType<typeof confirmationEmail>>) {
  const raw = await composeBriefingMime({ from: deps.senderAddress, fromName: deps.senderName, to: { name: '', email }, rendered });
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
  if (!(await deps.rateLimiter.allow(clientKey(deps.signer, sourceIp), perClient.limit, perClient.windowSeconds, now))) return { outcome: 'throttled' };
  const subscriberId = recipientKey(request.email);
  if (!(await deps.rateLimiter.allow(`address#${subscriberId}`, perAddress.limit, perAddress.windowSeconds, now))) return { outcome: 'throttled' };

  const existing = await deps.subscribers.get(subscriberId);
  if (existing?.status === 'confirmed') {
    // Say so to the mailbox, not to the visitor: the page reads the same either way.
    const { manageUrl } = recipientLinks(deps.publicBaseUrl, deps.signer, subscriberId, now);
    await sendNotice(deps, existing.email, alreadySubscribedEmail(manageUrl));
    return { outcome: 'accepted' };
  }
  await startDoubleOptIn(deps, request, existing, now);
  return { outcome: 'accepted' };
}

/** New, pending or unsubscribed: store the choices as pending and email a link that confirms them. */
async function startDoubleOptIn(deps: SubscriptionDeps, request: SubscribeRequest, existing: Subscriber | undefined, now: Date) {
  const fresh = newSubscriber(request, now);
  const pending: Subscriber = existing
    ? { ...fresh, createdAt: existing.createdAt, statusReason: existing.status === 'unsubscribed' ? `asked again after: ${existing.statusReason ?? 'unsubscribed'}` : undefined }
    : fresh;
  await deps.subscribers.put(pending);
  const confirmUrl = `${deps.publicBaseUrl.replace(/\/+$/, '')}/confirm?t=${deps.signer.sign('confirm', pending.subscriberId, now, pending.requestedAt)}`;
  await sendNotice(deps, request.email, confirmationEmail(request, confirmUrl));
}

/** Is this a live confirm link for the newest request? (Never after an unsubscribe: an old link must not undo it.) */
export async function checkConfirmToken(
  deps: Pick<SubscriptionDeps, 'signer' | 'subscribers' | 'now'>,
  token: string | undefined,
): Promise<LinkFailure | { outcome: 'ok'; subscriber: Subscriber }> {
  const check = deps.signer.verify(token, 'confirm', clock(deps));
  if (!check.ok) return { outcome: 'link-problem', problem: check.reason, purpose: 'confirm' };
  const subscriber = await deps.subscribers.get(check.claims.subject);
  if (!subscriber) return { outcome: 'link-problem', problem: 'unknown', purpose: 'confirm' };
  if (subscriber.requestedAt !== check.claims.nonce || subscriber.status === 'unsubscribed') {
    return { outcome: 'link-problem', problem: 'stale', purpose: 'confirm' };
  }
  return { outcome: 'ok', subscriber };
}

/** The POST behind the confirm page's button. Repeating it changes nothing. */
export async function confirmSubscription(
  deps: SubscriptionDeps,
  token: string | undefined,
): Promise<LinkFailure | { outcome: 'confirmed'; summary: SubscriberSummary; manageUrl: string }> {
  const now = clock(deps);
  const check = await checkConfirmToken(deps, token);
  if (check.outcome !== 'ok') return check;
  const subscriber = check.subscriber;
  let confirmed = subscriber;
  if (subscriber.status === 'pending') {
    const at = now.toISOString();
    confirmed = { ...subscriber, status: 'confirmed', statusAt: at, confirmedAt: at, statusReason: undefined };
    await deps.subscribers.put(confirmed);
    // A person who opens the link from the mailbox and presses the button has opted in again: that lifts
    // their own unsubscribe, an old bounce (the mailbox works) or complaint. An admin's suppression stays.
    const suppression = await deps.suppressions.get(subscriber.subscriberId);
    if (suppression && suppression.reason !== 'admin') await deps.suppressions.lift(subscriber.subscriberId);
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
): Promise<
  | LinkFailure
  | { outcome: 'invalid'; errors: FieldError[]; summary?: SubscriberSummary }
  | { outcome: 'saved'; summary: SubscriberSummary }
  | { outcome: 'confirm-by-email' }
  | { outcome: 'throttled' }
> {
  const now = clock(deps);
  const check = deps.signer.verify(token, 'manage', now);
  if (!check.ok) return { outcome: 'link-problem', problem: check.reason, purpose: 'manage' };
  const subscriber = await deps.subscribers.get(check.claims.subject);
  if (!subscriber || subscriber.status === 'pending') return { outcome: 'link-problem', problem: 'unknown', purpose: 'manage' };
  const parsed = parseForm(preferencesSchema, form);
  if (!parsed.ok) return { outcome: 'invalid', errors: parsed.errors, summary: summarise(subscriber) };
  if (subscriber.status === 'unsubscribed') {
    // Manage links live a year and get forwarded: resuming takes a fresh confirmation from the mailbox,
    // counted against the same per-address allowance as the subscribe page.
    const { perAddress } = SUBSCRIBE_LIMITS;
    if (!(await deps.rateLimiter.allow(`address#${subscriber.subscriberId}`, perAddress.limit, perAddress.windowSeconds, now))) return { outcome: 'throttled' };
    await startDoubleOptIn(deps, { ...parsed.value, email: subscriber.email }, subscriber, now);
    return { outcome: 'confirm-by-email' };
  }
  const updated: Subscriber = { ...subscriber, ...parsed.value };
  await deps.subscribers.put(updated);
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
