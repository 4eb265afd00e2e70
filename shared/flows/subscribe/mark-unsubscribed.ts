import type { SubscriberStore } from '../../core/ports';

/** Marks a subscriber unsubscribed (their topic entries go with it). Shared with bounces and the CLI. */
export async function markUnsubscribed(deps: { subscribers: SubscriberStore }, subscriberId: string, reason: string, now: Date): Promise<boolean> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber || subscriber.status === 'unsubscribed') return false;
  await deps.subscribers.put({ ...subscriber, status: 'unsubscribed', statusAt: now.toISOString(), statusReason: reason });
  return true;
}
