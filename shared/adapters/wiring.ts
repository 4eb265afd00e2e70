import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoBriefingStore } from './dynamo/briefing-store';
import { DynamoDeliveryStore } from './dynamo/delivery-store';
import { DynamoFindingStore } from './dynamo/finding-store';
import { DynamoListStore } from './dynamo/list-store';
import { DynamoResponseStore } from './dynamo/response-store';
import { DynamoSettingsStore } from './dynamo/settings-store';
import { documentClient } from './dynamo/kit';
import { DynamoRateLimiter } from './dynamo/rate-limiter';
import { DynamoSubscriberStore } from './dynamo/subscriber-store';
import { DynamoSuppressionStore } from './dynamo/suppression-store';
import { DynamoAuditLog } from './dynamo/audit-log';
import type { FunctionConfig } from '../contract/function-config';

/**
 * One module-scope client per service, created on first use. Endpoints come from the
 * SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SES), which is how
 * the local runner points the very same handlers at the emulators. The SES client lives in
 * wiring-email.ts, so that a function that sends no email (sweeper, ses-events) never loads it.
 */
let dynamo: DynamoDBClient | undefined;

export const dynamoClient = () => (dynamo ??= new DynamoDBClient({}));

export function stores(config: Pick<FunctionConfig, 'tables'>, client: DynamoDBClient = dynamoClient()) {
  const db = documentClient(client);
  return {
    findings: () => new DynamoFindingStore(db, config.tables.findings),
    lists: () => new DynamoListStore(db, config.tables.lists, config.tables.listMembers),
    briefings: () => new DynamoBriefingStore(db, config.tables.briefings),
    deliveries: () => new DynamoDeliveryStore(db, config.tables.deliveries),
    subscribers: () => new DynamoSubscriberStore(db, config.tables.subscribers),
    suppressions: () => new DynamoSuppressionStore(db, config.tables.suppressions),
    rateLimiter: () => new DynamoRateLimiter(db, config.tables.rateLimits),
    settings: () => new DynamoSettingsStore(db, config.tables.settings),
    responses: () => new DynamoResponseStore(db, config.tables.responses),
    audit: () => new DynamoAuditLog(db, config.tables.audit),
  };
}

/** Logs carry ids and counts only: never an email address or finding text. */
export const createLogger = (serviceName: string) => new Logger({ serviceName });
