import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createLogger, emailing, stores } from '../../shared/adapters/aws';
import { emailAdminNotifier } from '../../shared/services/admin-notice';
import { inOrderPerKey } from '../../shared/adapters/in-order';
import { imagesOf } from '../../shared/adapters/stream-record';
import { FUNCTIONS } from '../../infra/definitions';
import { loadFunctionConfig } from '../../shared/config';
import { planBriefing } from '../../shared/services/plan-briefing';

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

const findingIdOf = (record: DynamoDBRecord) => String(record.dynamodb?.Keys?.id?.S ?? '');

async function planRecord(record: DynamoDBRecord) {
  const findingId = findingIdOf(record);
  try {
    const { oldItem, newItem } = imagesOf(record);
    if (!newItem) return;
    const result = await planBriefing(deps, oldItem, newItem);
    if (result.outcome === 'held') {
      logger.warn('Finding held: the reasons are on the item', { findingId, problems: result.errors.length });
    } else if (result.outcome === 'planned') {
      const { briefingId, recipients, newDeliveries, skipped, suppressed } = result;
      logger.info('Briefing planned', { briefingId, recipients, newDeliveries, suppressed, listProblems: skipped.length });
    } else if (result.outcome === 'withdrawn') {
      logger.info('Finding withdrawn', { findingId, notices: result.notices, cancelled: result.cancelled });
    } else {
      logger.debug('Change ignored', { findingId, reason: result.reason });
    }
  } catch (error) {
    // The error's name only: messages from AWS can quote item content.
    logger.error('Planning failed; the record will be retried', { findingId, error: (error as Error).name });
    throw error;
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, inOrderPerKey(findingIdOf, planRecord), processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
