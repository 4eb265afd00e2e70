import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createLogger, stores } from '../../shared/adapters/wiring';
import { emailing } from '../../shared/adapters/wiring-email';
import { emailAdminNotifier } from '../../shared/flows/publish/admin-notice';
import { inOrderPerKey } from '../../shared/adapters/in-order';
import { imagesOf } from '../../shared/adapters/stream-record';
import { FUNCTIONS } from '../../shared/contract/functions';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { WITHHELD_ID } from '../../shared/core/gate/loggable-id';
import { planBriefing } from '../../shared/flows/publish/plan-briefing';

const config = loadFunctionConfig('plan-briefing');
const logger = createLogger('plan-briefing');
const store = stores(config);
const deps = {
  timeZone: FUNCTIONS.digest.trigger.timeZone,
  maxSendRate: config.maxSendRate,
  settings: store.settings(),
  admin: emailAdminNotifier(emailing(config).mailer, config.senderAddress, config.adminAddress),
  findings: store.findings(),
  lists: store.lists(),
  briefings: store.briefings(),
  deliveries: store.deliveries(),
  subscribers: store.subscribers(),
  suppressions: store.suppressions(),
};
const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** The raw key: for keeping each finding's records in order only, never for a log (it is not validated). */
const findingIdOf = (record: DynamoDBRecord) => String(record.dynamodb?.Keys?.id?.S ?? '');

async function planRecord(record: DynamoDBRecord) {
  // A log line names the finding only once planBriefing has validated the id and the gate found
  // nothing in it; until then the stream record's own id ties the lines together.
  const eventId = record.eventID;
  try {
    const { oldItem, newItem } = imagesOf(record);
    if (!newItem) return;
    const result = await planBriefing(deps, oldItem, newItem);
    const findingId = result.checkedId ?? WITHHELD_ID;
    if (result.outcome === 'held') {
      logger.warn('Finding held: the reasons are on the item', { findingId, eventId, problems: result.errors.length });
    } else if (result.outcome === 'planned') {
      const { recipients, newDeliveries, skipped, suppressed } = result;
      const briefingId = result.checkedId ? result.briefingId : WITHHELD_ID;
      logger.info('Briefing planned', { briefingId, eventId, recipients, newDeliveries, suppressed, listProblems: skipped.length });
    } else if (result.outcome === 'withdrawn') {
      logger.info('Finding withdrawn', { findingId, eventId, notices: result.notices, cancelled: result.cancelled });
    } else {
      logger.debug('Change ignored', { eventId, reason: result.reason });
    }
  } catch (error) {
    // The error's name only: messages from AWS can quote item content.
    logger.error('Planning failed; the record will be retried', { findingId: WITHHELD_ID, eventId, error: (error as Error).name });
    throw error;
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, inOrderPerKey(findingIdOf, planRecord), processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
