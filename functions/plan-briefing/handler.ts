import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createLogger, stores } from '../../shared/adapters/aws';
import { imagesOf } from '../../shared/adapters/stream-record';
import { loadFunctionConfig } from '../../shared/config';
import { planBriefing } from '../../shared/services/plan-briefing';

const config = loadFunctionConfig('plan-briefing');
const logger = createLogger('plan-briefing');
const store = stores(config);
const deps = { findings: store.findings(), lists: store.lists(), briefings: store.briefings(), deliveries: store.deliveries() };
const processor = new BatchProcessor(EventType.DynamoDBStreams);

async function recordHandler(record: DynamoDBRecord) {
  const { oldItem, newItem } = imagesOf(record);
  if (!newItem) return;
  const result = await planBriefing(deps, oldItem, newItem);
  if (result.outcome === 'held') {
    logger.warn('Finding held: it failed validation', { findingId: result.findingId, problems: result.errors.length });
  } else if (result.outcome === 'planned') {
    logger.info('Briefing planned', { briefingId: result.briefingId, recipients: result.recipients, newDeliveries: result.newDeliveries });
  } else {
    logger.debug('Change ignored', { reason: result.reason });
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  // In order: two changes to one finding in a batch must be judged one after the other.
  processPartialResponse(event, recordHandler, processor, { context, processInParallel: false, throwOnFullBatchFailure: false });
