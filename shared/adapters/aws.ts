import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoBriefingStore, DynamoDeliveryStore, DynamoFindingStore, DynamoListStore, DynamoResponseStore, DynamoSettingsStore, documentClient } from './dynamo-stores';
import { DynamoRateLimiter, DynamoSubscriberStore, DynamoSuppressionStore } from './dynamo-subscribers';
import { DEFAULT_RETRY, SesMailer } from './ses-mailer';
import { TokenBucket } from '../domain/token-bucket';
import type { FunctionConfig } from '../config';

/**
 * One module-scope client per service, created on first use. Endpoints come from the
 * SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SES), which is how
 * the local runner points the very same handlers at the emulators.
 */
let dynamo: DynamoDBClient | undefined;
let ses: SESClient | undefined;

export const dynamoClient = () => (dynamo ??= new DynamoDBClient({}));
// A hung SES call must fail well inside the function's timeout, so the row is handed back, not stranded.
export const sesClient = () =>
  // One attempt per call: SesMailer backs off on throttling itself, so retries are not multiplied.
  (ses ??= new SESClient({ maxAttempts: 1, requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 } }));

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
  };
}

/**
 * What every function that emails needs: the one SES mailer, the sender and the pages' base URL.
 * The mailer is paced to `ratePerSecond` (by default the whole MAX_SEND_RATE; send-briefing,
 * which runs several instances at once, passes its per-instance share). It lives at module
 * scope, so every record of an invocation, and the next invocation on a warm instance, share it.
 */
export const emailing = (
  config: Pick<FunctionConfig, 'configurationSet' | 'senderAddress' | 'publicBaseUrl' | 'maxSendRate' | 'partnershipName'>,
  ratePerSecond = config.maxSendRate,
) => ({
  // The mailer's bucket spaces the SES calls themselves, at the rate: what SES counts.
  mailer: new SesMailer(sesClient(), config.configurationSet, DEFAULT_RETRY, new TokenBucket(ratePerSecond)),
  senderAddress: config.senderAddress,
  senderName: config.partnershipName,
  publicBaseUrl: config.publicBaseUrl,
});

/** LedgerMailDeps but the signer (read once, asynchronously): what the sender, reminders and digest share. */
export const ledgerMail = (
  config: Pick<FunctionConfig, 'tables' | 'configurationSet' | 'senderAddress' | 'publicBaseUrl' | 'maxSendRate' | 'partnershipName'>,
  { store = stores(config), ratePerSecond = config.maxSendRate }: { store?: ReturnType<typeof stores>; ratePerSecond?: number } = {},
) => ({
  briefings: store.briefings(),
  deliveries: store.deliveries(),
  suppressions: store.suppressions(),
  ...emailing(config, ratePerSecond),
});

/** Logs carry ids and counts only: never an email address or finding text. */
export const createLogger = (serviceName: string) => new Logger({ serviceName });
