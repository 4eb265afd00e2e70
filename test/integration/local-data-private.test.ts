import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { documentClient } from '../../shared/adapters/dynamo/kit';

/**
 * Local data (.local/ for npm start) holds every address: DynamoDB Local's database, the
 * stream checkpoints and dead letters, the link key. On a real start every file in it is
 * 0600 and every folder 0700, including files an earlier start left world-readable, and
 * DynamoDB Local's java process runs under a umask that keeps what it creates private.
 */

let root: string;
let dataDir: string;
let pipeline: LocalPipeline | undefined;

/** Every path under `dir` with its permission bits, e.g. { 'dynamodb/shared-local-instance.db': '600' }. */
function modesUnder(dir: string): Record<string, string> {
  const modes: Record<string, string> = { '.': (lstatSync(dir).mode & 0o777).toString(8) };
  const walk = (path: string, rel: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const relative = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(full);
      modes[relative] = (stat.mode & 0o777).toString(8);
      if (stat.isDirectory()) walk(full, relative);
    }
  };
  walk(dir, '');
  return modes;
}

const isDir = (relative: string) => lstatSync(relative === '.' ? dataDir : join(dataDir, relative)).isDirectory();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'local-data-'));
  dataDir = join(root, '.local');
  // What an earlier start left behind, before files were made private: world-readable.
  mkdirSync(join(dataDir, 'checkpoints'), { recursive: true, mode: 0o755 });
  chmodSync(dataDir, 0o755);
  writeFileSync(join(dataDir, 'checkpoints', 'plan-briefing.json'), '{}', { mode: 0o644 });
  writeFileSync(join(dataDir, 'token-key'), `${'ab'.repeat(32)}\n`, { mode: 0o644 });
});

afterAll(async () => {
  await pipeline?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe.each([1, 2])('start %i', (start) => {
  beforeAll(async () => {
    pipeline = await startLocalPipeline({ dataDir, pollIntervalMs: 50, retryDelayMs: 50 });
    // Something to store, so the database and the checkpoints are written.
    await documentClient(pipeline.dynamo.client).send(new PutCommand({ TableName: localTableNames().findings, Item: { id: `draft-${start}`, status: 'draft' } }));
    await waitFor('the findings poller to catch up', async () => pipeline!.pollers['plan-briefing'].isCaughtUp);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    pipeline = undefined;
  });

  test('the data folder is 0700 and every file in it 0600, DynamoDB Local’s database included', () => {
    const modes = modesUnder(dataDir);
    expect(Object.keys(modes)).toEqual(expect.arrayContaining(['dynamodb', 'dynamodb/shared-local-instance.db', 'token-key', 'checkpoints/plan-briefing.json']));
    const wrong = Object.entries(modes).filter(([path, mode]) => mode !== (isDir(path) ? '700' : '600'));
    expect(wrong).toEqual([]);
  });

  test('DynamoDB Local runs under umask 077, so files it creates later are private too', () => {
    const pid = pipeline!.dynamo.pid;
    expect(pid).toEqual(expect.any(Number));
    const status = `/proc/${pid}/status`;
    if (!existsSync(status)) return; // Linux reports a process's umask; elsewhere the chmod above is the check.
    expect(readFileSync(status, 'utf8')).toMatch(/^Umask:\s+0077$/m);
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('java');
  });

  test('the key an earlier start made is kept (only its mode changed)', () => {
    expect(readFileSync(join(dataDir, 'token-key'), 'utf8')).toBe(`${'ab'.repeat(32)}\n`);
  });
});

test('after stopping, everything is still private', () => {
  const wrong = Object.entries(modesUnder(dataDir)).filter(([path, mode]) => mode !== (isDir(path) ? '700' : '600'));
  expect(wrong).toEqual([]);
});
