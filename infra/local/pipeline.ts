import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { COMMON_ENV, FUNCTIONS, TABLES, streamFunctions, type FunctionName, type StreamFunctionName } from '../definitions';
import { LOCAL_CREDENTIALS, LOCAL_REGION, repoRoot, startDynamoDb, startSes } from './emulators';
import { StreamPoller, type PollerLog, type StreamHandler } from './stream-poller';
import { ensureTables, localTableEnv } from './tables';

/**
 * The whole pipeline on one machine: DynamoDB Local, the SES emulator, the tables from
 * infra/definitions.ts, and one stream poller per function that calls the function's own
 * handler module with real stream records. `npm start` and the integration tests use it.
 */

export interface LocalPipelineOptions {
  dynamoPort?: number;
  sesPort?: number;
  /** Keep DynamoDB data and stream checkpoints here; in memory when absent. */
  dataDir?: string;
  senderAddress?: string;
  publicBaseUrl?: string;
  pollIntervalMs?: number;
  retryDelayMs?: number;
  /** Tests: keep every delivered batch so it can be replayed. */
  keepHistory?: boolean;
  log?: PollerLog;
}

export type LocalPipeline = Awaited<ReturnType<typeof startLocalPipeline>>;

/** Sets the variables the handlers and the AWS SDK read, so the same code runs against the emulators. */
export function pointEnvironmentAt(dynamoUrl: string, sesUrl: string, options: Pick<LocalPipelineOptions, 'senderAddress' | 'publicBaseUrl'>) {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamoUrl,
    AWS_ENDPOINT_URL_SES: sesUrl,
    [COMMON_ENV.senderAddress]: options.senderAddress ?? 'briefings@example.org',
    [COMMON_ENV.publicBaseUrl]: options.publicBaseUrl ?? 'http://localhost:3000',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...localTableEnv(),
  });
}

export async function loadHandler(name: FunctionName): Promise<StreamHandler> {
  const module = (await import(join(repoRoot(), FUNCTIONS[name].entry))) as { handler: (event: unknown, context: unknown) => Promise<never> };
  const context = { functionName: name, awsRequestId: 'local', getRemainingTimeInMillis: () => FUNCTIONS[name].timeoutSeconds * 1000 };
  return (event) => module.handler(event, context);
}

export async function startLocalPipeline(options: LocalPipelineOptions = {}) {
  const dynamo = await startDynamoDb({ port: options.dynamoPort, dataDir: options.dataDir && join(options.dataDir, 'dynamodb') });
  const ses = await startSes({ port: options.sesPort }).catch(async (error) => {
    await dynamo.stop();
    throw error;
  });
  const stopEmulators = async () => {
    await ses.stop();
    await dynamo.stop();
  };
  try {
    await ensureTables(dynamo.client);
    pointEnvironmentAt(dynamo.url, ses.url, options);
    const streams = new DynamoDBStreamsClient({ endpoint: dynamo.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const pollers = {} as Record<StreamFunctionName, StreamPoller>;
    for (const { name, trigger } of streamFunctions()) {
      pollers[name] = new StreamPoller({
        name,
        dynamo: dynamo.client,
        streams,
        tableName: TABLES[trigger.table].name,
        trigger,
        handler: await loadHandler(name),
        checkpointFile: options.dataDir && join(options.dataDir, 'checkpoints', `${name}.json`),
        deadLetterFile: options.dataDir && join(options.dataDir, 'dead-letters', `${name}.jsonl`),
        pollIntervalMs: options.pollIntervalMs,
        retryDelayMs: options.retryDelayMs,
        keepHistory: options.keepHistory,
        log: options.log,
      });
      pollers[name].start();
    }
    return {
      dynamo,
      ses,
      pollers,
      async stop() {
        await Promise.all(Object.values(pollers).map((poller) => poller.stop()));
        streams.destroy();
        await stopEmulators();
      },
    };
  } catch (error) {
    await stopEmulators();
    throw error;
  }
}
