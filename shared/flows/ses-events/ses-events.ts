import { recipientKey } from '../../core/audience';
import type { MailOutcome } from '../../core/delivery';
import type { DeliveryStore, SubscriberStore, SuppressionReason, SuppressionStore } from '../../core/ports';
import type { MailEvent } from '../../core/ses-event';
import { markUnsubscribed } from '../subscribe/mark-unsubscribed';

export interface SesEventDeps {
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  now?: () => Date;
}

export interface SesEventOutcome {
  outcome: MailOutcome;
  /** Addresses newly suppressed by this event (a count: never the addresses). */
  suppressed: number;
  /** False when the event named no ledger row we know (a notice, or a row since erased). */
  recorded: boolean;
}

function outcomeOf(event: MailEvent): MailOutcome {
  switch (event.kind) {
    case 'delivered':
      return 'delivered';
    case 'bounced':
      return event.permanent ? 'bounced' : 'soft-bounced';
    case 'complained':
      return 'complained';
    case 'rejected':
      return 'rejected';
  }
}

/**
 * A hard bounce or a complaint suppresses the address for every future audience (lists
 * included) and marks a subscriber unsubscribed with the reason; a soft bounce, a
 * delivery or a reject is only recorded on the delivery row. Repeating an event is harmless.
 */
export async function handleMailEvent(deps: SesEventDeps, event: MailEvent): Promise<SesEventOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const outcome = outcomeOf(event);
  let suppressed = 0;
  if (outcome === 'bounced' || outcome === 'complained') {
    const reason: SuppressionReason = outcome === 'bounced' ? 'hard-bounce' : 'complaint';
    const detail =
      event.kind === 'bounced'
        ? `hard bounce (${event.subType}) on SES message ${event.messageId}`
        : `complaint${event.kind === 'complained' && event.feedbackType ? ` (${event.feedbackType})` : ''} on SES message ${event.messageId}`;
    for (const address of event.recipients) {
      const key = recipientKey(address);
      const existing = await deps.suppressions.get(key);
      // A complaint outranks an earlier unsubscribe or bounce: it is the stronger reason to stay away.
      if (!existing || (existing.reason !== reason && reason === 'complaint')) {
        await deps.suppressions.put({ recipientKey: key, reason, at: event.at, detail });
        if (!existing) suppressed++;
      }
      await markUnsubscribed(deps, key, outcome === 'bounced' ? `hard bounce: ${detail}` : `complaint: ${detail}`, now);
    }
  }
  const recorded = event.deliveryId ? await deps.deliveries.recordMailEvent(event.deliveryId, outcome, event.at) : false;
  return { outcome, suppressed, recorded };
}
