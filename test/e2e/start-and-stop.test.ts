import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { freePort, repoRoot, waitFor } from '../../infra/local/emulators';

/**
 * `npm start` as a person runs it: it starts, prints its URLs, keeps data across a
 * restart, and Ctrl-C (SIGINT) stops every part, DynamoDB Local's java included, so
 * no port is left held. Ports and the data folder are redirected so this can run
 * beside a real `npm start`.
 */

const START = join(repoRoot(), 'infra/local/start.ts');

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

const started: Started[] = [];

// If an assertion fails midway, still stop what was started (SIGINT, so it stops its java too).
afterAll(async () => {
  for (const run of started) {
    if (run.child.exitCode === null) {
      run.child.kill('SIGINT');
      await run.exited;
    }
  }
});

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', START], {
    cwd: repoRoot(),
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run = { child, output: () => output, exited };
  started.push(run);
  return run;
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Paths under `dir` (itself included) whose mode is not 0700 for a folder or 0600 for a file. */
function notPrivate(dir: string): string[] {
  const wrong: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if ((stat.mode & 0o777) !== (stat.isDirectory() ? 0o700 : 0o600)) wrong.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return wrong;
}

test('starts, keeps data across a restart, and Ctrl-C frees every port', async () => {
  const ports = { DYNAMODB_PORT: await freePort(), CONSOLE_PORT: await freePort(), SES_PORT: await freePort() };
  const env = {
    DYNAMODB_PORT: String(ports.DYNAMODB_PORT),
    CONSOLE_PORT: String(ports.CONSOLE_PORT),
    SES_PORT: String(ports.SES_PORT),
    LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'local-default-')),
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };

  const first = start(env);
  await waitFor('npm start to say it is ready', async () => first.output().includes('Ready.'), 60_000);
  expect(first.output()).toContain(`http://localhost:${ports.CONSOLE_PORT}`);
  expect(first.output()).toContain(`http://localhost:${ports.SES_PORT}`);
  expect(first.output()).toMatch(/Seeded 7 draft finding\(s\) and 5 list\(s\)/);
  expect((await fetch(`http://127.0.0.1:${ports.CONSOLE_PORT}/`)).ok).toBe(true);
  expect((await fetch(`http://127.0.0.1:${ports.SES_PORT}/`)).ok).toBe(true);

  // An outside client with its own region and keys sees the same tables (-sharedDb).
  const outside = new DynamoDBClient({ endpoint: `http://127.0.0.1:${ports.DYNAMODB_PORT}`, region: 'us-east-1', credentials: { accessKeyId: 'someone', secretAccessKey: 'else' } });
  await outside.send(
    new UpdateItemCommand({
      TableName: 'findings',
      Key: { id: { S: 'nr-out-of-routine-2020' } },
      UpdateExpression: 'SET #s = :p',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':p': { S: 'published' } },
    }),
  );
  await waitFor('briefings in the inbox', async () => {
    const store = (await (await fetch(`http://127.0.0.1:${ports.SES_PORT}/store`)).json()) as { emails: unknown[] };
    return store.emails.length > 0;
  }, 30_000);
  outside.destroy();

  first.child.kill('SIGINT');
  expect(await first.exited).toBe(0);
  expect(first.output()).toContain('Stopped.');
  for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);
  // The data kept for next time holds every address: this user's only (files 0600, folders 0700).
  expect(notPrivate(env.LOCAL_DATA_DIR)).toEqual([]);
  expect(existsSync(join(env.LOCAL_DATA_DIR, 'dynamodb', 'shared-local-instance.db'))).toBe(true);

  const second = start(env);
  await waitFor('the restart to say it is ready', async () => second.output().includes('Ready.'), 60_000);
  expect(second.output()).toContain('Seed data already present');
  const again = new DynamoDBClient({ endpoint: `http://127.0.0.1:${ports.DYNAMODB_PORT}`, region: 'eu-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const item = await again.send(new GetItemCommand({ TableName: 'findings', Key: { id: { S: 'nr-out-of-routine-2020' } } }));
  expect(item.Item?.status?.S).toBe('published');
  expect(item.Item?.pipelineStatus?.S).toBe('planned');
  again.destroy();
  second.child.kill('SIGINT');
  expect(await second.exited).toBe(0);
  for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);
}, 180_000);

test("npm start stops when SIGINT or SIGTERM is sent to npm's own process, as systemd or a CI job sends it", async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const ports = { DYNAMODB_PORT: await freePort(), CONSOLE_PORT: await freePort(), SES_PORT: await freePort(), HTTP_PORT: await freePort() };
    // npm itself, in its own process group, so the signal reaches npm's pid only (not a terminal's whole group).
    const child = spawn('npm', ['start'], {
      cwd: repoRoot(),
      env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), LOCAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'npm-start-')), POWERTOOLS_LOG_LEVEL: 'WARN' },
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const run = { child: child as unknown as ChildProcessWithoutNullStreams, output: () => output, exited };
    started.push(run);
    await waitFor('npm start to say it is ready', async () => output.includes('Ready.'), 90_000);
    process.kill(child.pid!, signal);
    await waitFor(`npm start to stop on ${signal}`, async () => child.exitCode !== null || child.signalCode !== null, 30_000);
    await exited;
    expect(output).toContain('Stopped.');
    // Every part stopped, DynamoDB Local's java included: no port is held.
    for (const port of Object.values(ports)) await waitFor(`port ${port} to be free`, () => portIsFree(port), 15_000);
  }
}, 240_000);

test('without Java, npm start says so and how to install it', async () => {
  const run = start({ PATH: '/nonexistent' });
  expect(await run.exited).toBe(1);
  expect(run.output()).toContain('Java is not installed');
  expect(run.output()).toContain('apt-get install -y openjdk-17-jre-headless');
});
