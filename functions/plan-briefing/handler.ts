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

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  // Changes to one finding must be judged in order: once one fails, its later changes
  // wait for the retry (which starts from the failed record) instead of overtaking it.
  const failedFindings = new Set<string>();
  const recordHandler = async (record: DynamoDBRecord) => {
    const { oldItem, newItem } = imagesOf(record);
    const findingId = String(record.dynamodb?.Keys?.id?.S ?? '');
    if (failedFindings.has(findingId)) throw new Error('An earlier change to this finding failed in this batch; retried in order.');
    if (!newItem) return;
    try {
      const result = await planBriefing(deps, oldItem, newItem);
      if (result.outcome === 'held') {
        logger.warn('Finding held: it failed validation', { findingId, problems: result.errors.length });
      } else if (result.outcome === 'planned') {
        const { briefingId, recipients, newDeliveries, skipped } = result;
        logger.info('Briefing planned', { briefingId, recipients, newDeliveries, listProblems: skipped.length });
      } else {
        logger.debug('Change ignored', { findingId, reason: result.reason });
      }
    } catch (error) {
      failedFindings.add(findingId);
      // The error's name only: messages from AWS can quote item content.
      logger.error('Planning failed; the record will be retried', { findingId, error: (error as Error).name });
      throw error;
    }
  };
  return processPartialResponse(event, recordHandler, processor, { context, processInParallel: false, throwOnFullBatchFailure: false });
};
