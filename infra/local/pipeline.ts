import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SNSEvent } from 'aws-lambda';
import { COMMON_ENV, FUNCTIONS, TABLES, streamFunctions, type FunctionName, type StreamFunctionName, type Trigger } from '../definitions';
import { ensureLocalTokenKey } from '../../shared/adapters/token-key';
import { DEFAULT_MAX_SEND_RATE } from '../../shared/config';
import { LOCAL_CREDENTIALS, LOCAL_REGION, freePort, repoRoot, startDynamoDb, startSes, type Running } from './emulators';
import { startHttpServer, type HttpHandler } from './http-server';
import { WeeklyTimer } from './weekly-timer';
import { StreamPoller, type PollerLog, type StreamHandler } from './stream-poller';
import { makePrivate } from './private-files';
import { SesEventPublisher } from './ses-events';
import { assertEveryFunctionWired } from './wiring';
import { ensureTables, localTableEnv } from './tables';

/**
 * The whole pipeline on one machine: DynamoDB Local, the SES emulator, the tables from
 * infra/definitions.ts, and one stream poller per function that calls the function's own
 * handler module with real stream records; the SES events each accepted message would publish
 * go to ses-events in the SNS envelope. Every function in the definitions must be wired here:
 * starting fails, naming it, if one is not. `npm start` and the integration tests use it.
 */

export interface LocalPipelineOptions {
  dynamoPort?: number;
  sesPort?: number;
  /** The pages (subscribe, preferences, unsubscribe); a free port when absent. */
  httpPort?: number;
  /** Keep DynamoDB data and stream checkpoints here; in memory when absent. */
  dataDir?: string;
  senderAddress?: string;
  publicBaseUrl?: string;
  pollIntervalMs?: number;
  retryDelayMs?: number;
  /** Tests: keep every delivered batch so it can be replayed. */
  keepHistory?: boolean;
  /** Run the scheduled functions (the weekly digest, the sweeper) on their schedules: npm start does; tests call them. */
  runSchedules?: boolean;
  log?: PollerLog;
  /** Emails per second the sender may send (MAX_SEND_RATE); the SES default quota, 14, when absent. */
  maxSendRate?: number;
}

export type LocalPipeline = Awaited<ReturnType<typeof startLocalPipeline>>;

/** The event types the configuration set publishes to the ses-events topic (the stack's event destination). */
const sesEventTypes = () =>
  (Object.keys(FUNCTIONS) as FunctionName[]).flatMap((name) => {
    const trigger: Trigger = FUNCTIONS[name].trigger;
    return trigger.kind === 'ses-events' ? trigger.events : [];
  });

/** Points the AWS SDK (region, credentials, endpoints) at the emulators given: the SDK reads these itself. */
export function pointSdkAt(endpoints: { dynamo?: string; ses?: string }) {
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    ...(endpoints.dynamo ? { AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamo, AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamo } : {}),
    ...(endpoints.ses ? { AWS_ENDPOINT_URL_SES: endpoints.ses } : {}),
  });
}

/** Sets the variables the handlers and the AWS SDK read, so the same code runs against the emulators. */
export function pointEnvironmentAt(
  dynamoUrl: string,
  sesUrl: string,
  options: Pick<LocalPipelineOptions, 'senderAddress' | 'publicBaseUrl' | 'maxSendRate'> & { tokenKeyFile: string },
) {
  pointSdkAt({ dynamo: dynamoUrl, ses: sesUrl });
  Object.assign(process.env, {
    [COMMON_ENV.senderAddress]: options.senderAddress ?? 'briefings@example.org',
    [COMMON_ENV.publicBaseUrl]: options.publicBaseUrl ?? 'http://localhost:3000',
    [COMMON_ENV.tokenKeyFile]: options.tokenKeyFile,
    [COMMON_ENV.adminAddress]: process.env[COMMON_ENV.adminAddress] ?? 'safeguarding-admin@example.org',
    // Locally reminders are on, so the feature can be seen; in AWS they are off unless configured.
    [COMMON_ENV.reminderAfterDays]: process.env[COMMON_ENV.reminderAfterDays] ?? '7',
    [COMMON_ENV.retentionDays]: process.env[COMMON_ENV.retentionDays] ?? '730',
    [COMMON_ENV.maxSendRate]: String(options.maxSendRate ?? process.env[COMMON_ENV.maxSendRate] ?? DEFAULT_MAX_SEND_RATE),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...localTableEnv(),
  });
}

/** The function's own handler module, called as Lambda would call it. */
export async function loadHandler<Event = Parameters<StreamHandler>[0], Result = Awaited<ReturnType<StreamHandler>>>(
  name: FunctionName,
): Promise<(event: Event) => Promise<Result>> {
  const module = (await import(join(repoRoot(), FUNCTIONS[name].entry))) as { handler: (event: Event, context: unknown) => Promise<Result> };
  const context = { functionName: name, awsRequestId: 'local', getRemainingTimeInMillis: () => FUNCTIONS[name].timeoutSeconds * 1000 };
  return (event) => module.handler(event, context);
}

export async function startLocalPipeline(options: LocalPipelineOptions = {}) {
  // Every address is in here: the folder and all in it are this user's only (0700 / 0600), on each start.
  if (options.dataDir) makePrivate(options.dataDir);
  const dynamo = await startDynamoDb({ port: options.dynamoPort, dataDir: options.dataDir && join(options.dataDir, 'dynamodb') });
  // What the configuration set publishes for each message SES accepts, to the ses-events function(s) once subscribed below.
  const sesEvents = new SesEventPublisher({ events: sesEventTypes(), retryDelayMs: options.retryDelayMs, log: options.log });
  const ses = await startSes({ port: options.sesPort, onAccepted: (email) => sesEvents.accept(email) }).catch(async (error) => {
    await dynamo.stop();
    throw error;
  });
  const stopEmulators = async () => {
    await ses.stop();
    await sesEvents.stop();
    await dynamo.stop();
  };
  let pages: Running | undefined;
  const pollers = {} as Record<StreamFunctionName, StreamPoller>;
  const intervalTimers: NodeJS.Timeout[] = [];
  /** Each function, and how it is started here. */
  const wiring = new Map<FunctionName, string>();
  try {
    await ensureTables(dynamo.client);
    // The pages' address is in every email, so it is fixed before any handler loads its config.
    const httpPort = options.httpPort ?? (await freePort());
    const tokenKeyFile = ensureLocalTokenKey(join(options.dataDir ?? mkdtempSync(join(tmpdir(), 'briefings-')), 'token-key'));
    pointEnvironmentAt(dynamo.url, ses.url, { ...options, publicBaseUrl: options.publicBaseUrl ?? `http://localhost:${httpPort}`, tokenKeyFile });
    const streams = new DynamoDBStreamsClient({ endpoint: dynamo.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    for (const { name, trigger } of streamFunctions()) {
      wiring.set(name, `stream poller on the ${TABLES[trigger.table].name} table`);
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
    pages = await startHttpServer(await loadHandler<Parameters<HttpHandler>[0], Awaited<ReturnType<HttpHandler>>>('subscriptions'), httpPort);
    wiring.set('subscriptions', `node:http on port ${httpPort}`);
    const runDigest = await loadHandler<unknown, unknown>('digest');
    const digestTimer = new WeeklyTimer(FUNCTIONS.digest.trigger, () => runDigest({}), options.log);
    wiring.set('digest', options.runSchedules ? 'weekly timer' : 'weekly timer (not started: runSchedules is off; run it by hand)');
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      if (!options.runSchedules && FUNCTIONS[name].trigger.kind === 'interval') wiring.set(name, 'interval timer (not started: runSchedules is off; run it by hand)');
    }
    if (options.runSchedules) {
      digestTimer.start();
      // Every function on an interval (the sweeper, housekeeping), as EventBridge Scheduler would run it.
      for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
        const trigger: Trigger = FUNCTIONS[name].trigger;
        if (trigger.kind !== 'interval') continue;
        const run = await loadHandler<unknown, unknown>(name);
        const timer = setInterval(() => {
          run({}).catch((error: unknown) => options.log?.error(`${name} failed: ${(error as Error).name}`));
        }, trigger.minutes * 60_000);
        timer.unref();
        intervalTimers.push(timer);
        wiring.set(name, `interval timer, every ${trigger.minutes} minutes`);
      }
    }
    // SES events: the SNS subscription of each ses-events function to the configuration set's topic.
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      if (FUNCTIONS[name].trigger.kind !== 'ses-events') continue;
      sesEvents.subscribe(name, await loadHandler<SNSEvent, unknown>(name), options.dataDir && join(options.dataDir, 'dead-letters', `${name}.jsonl`));
      wiring.set(name, 'SES events of each message the SES emulator accepts, in the SNS envelope');
    }
    // A function (or a kind of trigger) added to the definitions but not wired above stops the start here.
    assertEveryFunctionWired(FUNCTIONS, wiring);
    // Anything created while starting (checkpoints, the key) is private too, whatever the umask.
    if (options.dataDir) makePrivate(options.dataDir);
    return {
      dynamo,
      ses,
      pages,
      pollers,
      digestTimer,
      sesEvents,
      wiring: wiring as ReadonlyMap<FunctionName, string>,
      async stop() {
        digestTimer.stop();
        for (const timer of intervalTimers) clearInterval(timer);
        await pages?.stop();
        await Promise.all(Object.values(pollers).map((poller) => poller.stop()));
        streams.destroy();
        await stopEmulators();
      },
    };
  } catch (error) {
    for (const timer of intervalTimers) clearInterval(timer);
    await pages?.stop();
    await Promise.all(Object.values(pollers).map((poller) => poller.stop()));
    await stopEmulators();
    throw error;
  }
}
