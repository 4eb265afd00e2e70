import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SNSEvent } from 'aws-lambda';
import { COMMON_ENV } from '../../shared/contract/environment';
import { FUNCTIONS, type FunctionName, type StreamFunctionName, type Trigger } from '../../shared/contract/functions';
import { TABLES } from '../../shared/contract/tables';
import { sendBatchSize } from '../../shared/contract/sending';
import {
  DEFAULT_MAX_SEND_RATE,
  DEFAULT_RETENTION_DAYS,
  EXAMPLE_PARTNERSHIP_NAME,
  readPartnershipName,
  readSendRate,
  readWholeNumber,
  type SettingRead,
} from '../../shared/contract/settings';
import { functionTrigger, sharedEnvironment, type Deployment } from '../../shared/contract/deployment';
import { ensureLocalTokenKey } from '../../shared/adapters/token-key';
import { LOCAL_CREDENTIALS, LOCAL_REGION, freePort, repoRoot, startDynamoDb, startSes, type Running } from './emulators';
import { startHttpServer, type HttpHandler } from './http-server';
import { WeeklyTimer } from './weekly-timer';
import { StreamPoller, type PollerLog } from './stream-poller';
import type { StreamHandler } from './stream-batch';
import { makePrivate } from './private-files';
import { SesEventPublisher } from './ses-events';
import { LocalWiringError, assertEveryFunctionWired } from './wiring';
import { startSignIn, type LocalSignIn } from './sign-in';
import { ensureTables, localTableNames } from './tables';

/**
 * The whole pipeline on one machine: DynamoDB Local, the SES emulator, the tables from
 * shared/contract/tables.ts, and one stream poller per function that calls the function's own
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
  /** cognito-local, the console's user pool; a free port when absent. */
  signInPort?: number;
}

/** API Gateway's own answer to a route it does not have. */
const NO_ROUTE = { statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not Found"}' };

/** The HTTP API's routing: a request goes to the function whose route is its method and path. */
function routedHandler(routes: ReadonlyMap<string, HttpHandler>): HttpHandler {
  return async (event) => {
    const handler = routes.get(`${event.requestContext.http.method} ${event.rawPath}`);
    return handler ? handler({ ...event, routeKey: `${event.requestContext.http.method} ${event.rawPath}` }) : NO_ROUTE;
  };
}

export type LocalPipeline = Awaited<ReturnType<typeof startLocalPipeline>>;

/** The event types the configuration set publishes to the ses-events topic (the stack's event destination). */
const sesEventTypes = () => localWiring().flatMap(({ trigger }) => (trigger.kind === 'ses-events' ? trigger.events : []));

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

/** Locally the poller runs one batch at a time, so one sender takes the whole send rate, in batches sized for it. */
export const localSenders = (maxSendRate: number): Deployment['senders'] => ({ instances: 1, parallelizationFactor: 1, batchSize: sendBatchSize(maxSendRate) });

export class LocalSettingError extends Error {
  override readonly name = 'LocalSettingError';
}

/** A setting from this process's environment, read as the functions read it; a bad one stops the start, saying why. */
function fromEnv<T>(variable: string, fallback: T, read: (where: string, raw: string) => SettingRead<T>, env: NodeJS.ProcessEnv): T {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const result = read(`${variable}=${raw}`, raw);
  if (!result.ok) throw new LocalSettingError(result.problem);
  return result.value;
}

const days = (where: string, raw: string) => readWholeNumber(where, raw, 0, 'days');

/**
 * The local default as a deployment (shared/contract/deployment.ts): the emulators' tables, a key
 * file, one sender, and the settings from this process's environment where they are set.
 */
export function localDeployment(
  options: Pick<LocalPipelineOptions, 'senderAddress' | 'publicBaseUrl' | 'maxSendRate'> & { tokenKeyFile: string; signIn?: Deployment['signIn'] },
  env: NodeJS.ProcessEnv = process.env,
): Deployment {
  return {
    tableNames: localTableNames(),
    senderAddress: options.senderAddress ?? 'briefings@example.org',
    publicBaseUrl: options.publicBaseUrl ?? 'http://localhost:3000',
    adminAddress: env[COMMON_ENV.adminAddress] || 'safeguarding-admin@example.org',
    partnershipName: fromEnv(COMMON_ENV.partnershipName, EXAMPLE_PARTNERSHIP_NAME, readPartnershipName, env),
    maxSendRate: options.maxSendRate ?? fromEnv(COMMON_ENV.maxSendRate, DEFAULT_MAX_SEND_RATE, readSendRate, env),
    // Locally reminders are on, so the feature can be seen; in AWS they are off unless configured.
    reminderAfterDays: fromEnv(COMMON_ENV.reminderAfterDays, 7, days, env),
    retentionDays: fromEnv(COMMON_ENV.retentionDays, DEFAULT_RETENTION_DAYS, days, env),
    logoUrl: env[COMMON_ENV.logoUrl] || undefined,
    contactDetails: env[COMMON_ENV.contactDetails] || undefined,
    tokenKey: { file: options.tokenKeyFile },
    // Until cognito-local has started (the stack test and the wiring test read the deployment without it).
    signIn: options.signIn ?? { issuer: 'http://127.0.0.1:9229/local_pool', clientId: 'local-console', endpoint: 'http://127.0.0.1:9229' },
    senders: localSenders(options.maxSendRate ?? fromEnv(COMMON_ENV.maxSendRate, DEFAULT_MAX_SEND_RATE, readSendRate, env)),
  };
}

/** Sets the variables the handlers and the AWS SDK read, so the same code runs against the emulators. */
export function pointEnvironmentAt(
  dynamoUrl: string,
  sesUrl: string,
  options: Pick<LocalPipelineOptions, 'senderAddress' | 'publicBaseUrl' | 'maxSendRate'> & { tokenKeyFile: string; signIn?: Deployment['signIn'] },
) {
  pointSdkAt({ dynamo: dynamoUrl, ses: sesUrl });
  // One process runs every function here, so they share one environment: each function's variables together.
  Object.assign(process.env, sharedEnvironment(localDeployment(options)), { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' });
}

/** How the local runner starts one function: its trigger as this deployment runs it (one sender, one batch at a time). */
export interface LocalWire {
  name: FunctionName;
  trigger: Trigger;
}

/** Every function, with the trigger the local runner gives it: the data the start below follows, and what the stack test compares with the template. */
export const localWiring = (maxSendRate: number = DEFAULT_MAX_SEND_RATE): LocalWire[] =>
  (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => ({ name, trigger: functionTrigger(name, { senders: localSenders(maxSendRate) }) }));

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
  let digestTimer: WeeklyTimer | undefined;
  const pollers = {} as Record<StreamFunctionName, StreamPoller>;
  const intervalTimers: NodeJS.Timeout[] = [];
  /** Each function, and how it is started here. */
  const wiring = new Map<FunctionName, string>();
  const httpRoutes = new Map<string, HttpHandler>();
  let signIn: LocalSignIn | undefined;
  try {
    // The console's user pool, before any handler reads its settings.
    signIn = await startSignIn({ dataDir: options.dataDir && join(options.dataDir, 'cognito'), port: options.signInPort });
    await ensureTables(dynamo.client);
    // The pages' address is in every email, so it is fixed before any handler loads its config.
    const httpPort = options.httpPort ?? (await freePort());
    const tokenKeyFile = ensureLocalTokenKey(join(options.dataDir ?? mkdtempSync(join(tmpdir(), 'briefings-')), 'token-key'));
    pointEnvironmentAt(dynamo.url, ses.url, {
      ...options,
      publicBaseUrl: options.publicBaseUrl ?? `http://localhost:${httpPort}`,
      tokenKeyFile,
      signIn: { issuer: signIn.issuer, clientId: signIn.clientId, endpoint: signIn.url },
    });
    const streams = new DynamoDBStreamsClient({ endpoint: dynamo.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    // Each function as localWiring() says, by the kind of its trigger (as the stack's connectTrigger does in AWS).
    for (const { name, trigger } of localWiring(localDeployment({ ...options, tokenKeyFile }).maxSendRate)) {
      switch (trigger.kind) {
        case 'stream': {
          const poller = new StreamPoller({
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
          pollers[name as StreamFunctionName] = poller;
          poller.start();
          wiring.set(name, `stream poller on the ${TABLES[trigger.table].name} table`);
          break;
        }
        case 'http': {
          // One server for every http function, routed as the HTTP API routes them (method and path).
          const handler = await loadHandler<Parameters<HttpHandler>[0], Awaited<ReturnType<HttpHandler>>>(name);
          for (const route of trigger.routes) httpRoutes.set(`${route.method} ${route.path}`, handler);
          wiring.set(name, `node:http on port ${httpPort}`);
          break;
        }
        case 'schedule': {
          if (digestTimer) throw new LocalWiringError(`${name} is a second weekly function: the local runner has one weekly timer. Wire it in infra/local/pipeline.ts.`);
          const run = await loadHandler<unknown, unknown>(name);
          digestTimer = new WeeklyTimer(trigger, () => run({}), options.log);
          if (options.runSchedules) digestTimer.start();
          wiring.set(name, options.runSchedules ? 'weekly timer' : 'weekly timer (not started: runSchedules is off; run it by hand)');
          break;
        }
        case 'interval': {
          if (!options.runSchedules) {
            wiring.set(name, 'interval timer (not started: runSchedules is off; run it by hand)');
            break;
          }
          // As EventBridge Scheduler would run it.
          const run = await loadHandler<unknown, unknown>(name);
          const timer = setInterval(() => {
            run({}).catch((error: unknown) => options.log?.error(`${name} failed: ${(error as Error).name}`));
          }, trigger.minutes * 60_000);
          timer.unref();
          intervalTimers.push(timer);
          wiring.set(name, `interval timer, every ${trigger.minutes} minutes`);
          break;
        }
        case 'ses-events':
          // The SNS subscription of the function to the configuration set's topic.
          sesEvents.subscribe(name, await loadHandler<SNSEvent, unknown>(name), options.dataDir && join(options.dataDir, 'dead-letters', `${name}.jsonl`));
          wiring.set(name, 'SES events of each message the SES emulator accepts, in the SNS envelope');
          break;
      }
    }
    if (httpRoutes.size) pages = await startHttpServer(routedHandler(httpRoutes), httpPort);
    // A function (or a kind of trigger) added to the definitions but not wired above stops the start here.
    assertEveryFunctionWired(FUNCTIONS, wiring);
    const servedPages = pages;
    const weeklyTimer = digestTimer;
    if (!servedPages || !weeklyTimer) throw new LocalWiringError('The local runner expects the pages (an http function) and the weekly digest (a schedule function): one of them is not in the definitions.');
    // Anything created while starting (checkpoints, the key) is private too, whatever the umask.
    if (options.dataDir) makePrivate(options.dataDir);
    return {
      dynamo,
      ses,
      pages: servedPages,
      pollers,
      digestTimer: weeklyTimer,
      sesEvents,
      signIn,
      wiring: wiring as ReadonlyMap<FunctionName, string>,
      async stop() {
        await signIn?.stop();
        weeklyTimer.stop();
        for (const timer of intervalTimers) clearInterval(timer);
        await pages?.stop();
        await Promise.all(Object.values(pollers).map((poller) => poller.stop()));
        streams.destroy();
        await stopEmulators();
      },
    };
  } catch (error) {
    for (const timer of intervalTimers) clearInterval(timer);
    digestTimer?.stop();
    await pages?.stop();
    await Promise.all(Object.values(pollers).map((poller) => poller.stop()));
    await signIn?.stop();
    await stopEmulators();
    throw error;
  }
}
