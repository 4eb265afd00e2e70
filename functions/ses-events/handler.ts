import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { createLogger, stores } from '../../shared/adapters/wiring';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { WITHHELD_ID, loggableLedgerId } from '../../shared/core/gate/loggable-id';
import { parseSnsMessage } from '../../shared/core/ses-event';
import { handleMailEvent } from '../../shared/flows/ses-events/ses-events';

const config = loadFunctionConfig('ses-events');
const logger = createLogger('ses-events');
const store = stores(config);
const deps = { deliveries: store.deliveries(), subscribers: store.subscribers(), suppressions: store.suppressions() };

async function recordHandler(record: SNSEventRecord) {
  const parsed = parseSnsMessage(record.Sns.Message);
  if (!parsed.ok) {
    // A shape we do not handle is logged and dropped: retrying cannot make it readable.
    if (parsed.ignored) logger.debug('SES event ignored', { problem: parsed.problem });
    else logger.warn('SES event unreadable', { snsMessageId: record.Sns.MessageId, problem: parsed.problem });
    return;
  }
  const result = await handleMailEvent(deps, parsed.event);
  // Both ids come back in the notification (the delivery id from a mail header): logged only in the shapes written.
  const deliveryId = parsed.event.deliveryId === undefined ? undefined : loggableLedgerId(parsed.event.deliveryId);
  const messageId = /^[A-Za-z0-9._-]{1,128}$/.test(parsed.event.messageId) ? parsed.event.messageId : WITHHELD_ID;
  logger.info('SES event recorded', { messageId, deliveryId, ...result });
}

/**
 * SNS delivers one record per invocation, asynchronously (Powertools batch has no SNS
 * mode, and needs none): a thrown error is retried, then kept in the subscription's
 * dead-letter queue. Recording an event twice is harmless.
 */
export const handler = async (event: SNSEvent) => {
  for (const record of event.Records) await recordHandler(record);
};
