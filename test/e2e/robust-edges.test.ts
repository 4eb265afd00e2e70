import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { TOKEN_PURPOSES, TokenSigner } from '../../shared/core/tokens';
import { sample } from '../support/findings';

/**
 * The edges of issue 11, through the whole local pipeline (DynamoDB Local's real stream, the
 * real handlers, the SES emulator): what used to dead-letter or pass silently is held with
 * the fix on the item and an email to the admin, and no log line carries an id before it
 * passed validation, nor any address.
 */

const tables = localTableNames();
const ADMIN = 'safeguarding-admin@example.org';
const NHS = '9434765919';
const base = { ...sample, status: 'published', approvedBy: 'Chair, Learning and Development Group (test)' };

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let findings: DynamoFindingStore;
let dataDir: string;
const logged: string[] = [];
const restore: (() => void)[] = [];

/** Every line the functions log (Powertools writes to stdout and stderr). */
function captureLogs() {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
}

const adminNotices = async () => (await pipeline.ses.emails()).filter((email) => email.destination.to.some((to) => to.includes(ADMIN)));
const caughtUp = () => waitFor('the pollers to catch up', async () => pipeline.pollers['plan-briefing'].isCaughtUp && pipeline.pollers['send-briefing'].isCaughtUp);

async function publish(item: Record<string, unknown>) {
  await db.send(new PutCommand({ TableName: tables.findings, Item: item }));
}

/** Held, with pipelineErrors on the item, and one more email to the admin. */
async function expectHeld(id: string, noticesBefore: number) {
  await waitFor(`${id} to be held`, async () => (await findings.getRaw(id))?.pipelineStatus === 'held', 30_000);
  await waitFor(`the admin notice for ${id}`, async () => (await adminNotices()).length > noticesBefore, 30_000);
  return (await findings.getRaw(id))!;
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  captureLogs();
  dataDir = mkdtempSync(join(tmpdir(), 'robust-edges-'));
  pipeline = await startLocalPipeline({ dataDir, pollIntervalMs: 50, retryDelayMs: 50 });
  db = documentClient(pipeline.dynamo.client);
  findings = new DynamoFindingStore(db, tables.findings);
  const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
  await lists.putList({ id: 'all-practitioners', name: 'All practitioners' });
  await lists.putMembers('all-practitioners', [{ email: 'member.one@example.org', name: 'Member One', agency: 'police', role: 'frontline' }]);
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
  for (const undo of restore) undo();
  delete process.env.POWERTOOLS_LOG_LEVEL;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('empty maps from the stream (DynamoDB Local writes them as a bare {})', () => {
  test('source = {} is held naming the fields, and the admin is told', async () => {
    const before = (await adminNotices()).length;
    await publish({ ...base, id: 'edge-empty-source', source: {} });
    const item = await expectHeld('edge-empty-source', before);
    expect(item.pipelineErrors).toEqual(expect.arrayContaining([expect.stringMatching(/^source\.type[:, ]/), expect.stringMatching(/^source\.name[:, ]/)]));
  });

  test('actions = {} is held: actions is empty', async () => {
    const before = (await adminNotices()).length;
    await publish({ ...base, id: 'edge-empty-actions', actions: {} });
    const item = await expectHeld('edge-empty-actions', before);
    expect(item.pipelineErrors).toEqual([expect.stringMatching(/^actions is empty. Add at least 'all'/)]);
  });

  test('an extra attribute that is an empty map is ignored like any extra attribute: the briefing goes', async () => {
    await publish({ ...base, id: 'edge-extra-empty', notes: {} });
    await waitFor('edge-extra-empty to be planned', async () => (await findings.getRaw('edge-extra-empty'))?.pipelineStatus === 'planned', 30_000);
  });
});

test('an actions map with 3,000 unknown keys is held with the first problems and a count, and the admin is told', async () => {
  const before = (await adminNotices()).length;
  const unknown = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`agency-${String(i).padStart(33, '0')}`, ['Follow up.']]));
  await publish({ ...base, id: 'edge-many-keys', actions: { all: ['Record it.'], ...unknown } });
  const item = await expectHeld('edge-many-keys', before);
  expect(item.pipelineErrors as string[]).toHaveLength(21);
  expect((item.pipelineErrors as string[]).at(-1)).toContain('…and 2,980 more problems');
  const notice = (await adminNotices()).at(-1)!;
  expect(notice.body.text).toContain('…and 2,980 more problems');
});

test("status ' published ' (spaces around it) is held with the fix, not ignored", async () => {
  const before = (await adminNotices()).length;
  await publish({ ...base, id: 'edge-status-spaces', status: ' published ' });
  const item = await expectHeld('edge-status-spaces', before);
  expect(item.pipelineErrors).toEqual(["status ' published ' has spaces around it. Type it as published, in lower case with no spaces, and save."]);
});

describe('finding ids', () => {
  test(`an id ending in a valid NHS number ('review-${NHS}') is held`, async () => {
    const before = (await adminNotices()).length;
    await publish({ ...base, id: `review-${NHS}` });
    const item = await expectHeld(`review-${NHS}`, before);
    expect((item.pipelineErrors as string[])[0]).toMatch(/^id, character 8: an NHS number/);
    const notice = (await adminNotices()).at(-1)!;
    for (const text of [notice.subject, notice.body.text ?? '', notice.body.html ?? '']) expect(text).not.toContain(NHS);
  });

  test('an id that is an email address is held on its shape', async () => {
    const before = (await adminNotices()).length;
    await publish({ ...base, id: 'jane.smith@example.org' });
    const item = await expectHeld('jane.smith@example.org', before);
    expect(item.pipelineErrors).toEqual([expect.stringMatching(/^id may use letters, digits/)]);
    const notice = (await adminNotices()).at(-1)!;
    expect(notice.subject).not.toContain('jane.smith@');
  });

  test('withdrawing them logs no id either', async () => {
    for (const id of [`review-${NHS}`, 'jane.smith@example.org']) {
      await db.send(new PutCommand({ TableName: tables.findings, Item: { ...(await findings.getRaw(id)), status: 'withdrawn' } }));
    }
    await caughtUp();
  });

  test('a page path holding an address is answered not found by the routing (as the HTTP API does), so no function logs it', async () => {
    const response = await fetch(`${pipeline.pages.url}/confirm/jane.smith@example.org?t=x`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('{"message":"Not Found"}');
  });

  test('no log line carries an NHS number, an address, or an id before it passed validation', async () => {
    await caughtUp();
    const lines = logged.join('').split('\n').filter((line) => line.startsWith('{'));
    // The functions did log (at DEBUG), including the held and ignored records above.
    expect(lines.some((line) => line.includes('Finding held'))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain(NHS);
      expect(line).not.toContain('@');
      expect(line).not.toContain('jane.smith');
    }
    // A held finding with a good id is named; the others are not.
    expect(lines.some((line) => line.includes('"findingId":"edge-status-spaces"'))).toBe(true);
  });
});

describe('links', () => {
  const keyOf = () => Buffer.from(readFileSync(join(dataDir, 'token-key'), 'utf8').trim(), 'utf8');
  const PAGES = { confirm: '/confirm', manage: '/preferences', unsubscribe: '/unsubscribe', acknowledge: '/acknowledge' } as const;

  test("the acknowledgement link in a briefing carries no readable finding id", async () => {
    const briefing = async () =>
      (await pipeline.ses.emails()).find((email) => email.destination.to.some((to) => to.includes('member.one@example.org')) && /acknowledge\?t=/.test(email.body.text ?? ''));
    await waitFor('the briefing for edge-extra-empty', async () => Boolean(await briefing()), 30_000);
    const token = /\/acknowledge\?t=([A-Za-z0-9_.-]+)/.exec((await briefing())!.body.text ?? '')![1]!;
    const bytes = Buffer.from(token.split('.')[0]!, 'base64url').toString('latin1');
    for (const form of ['edge-extra-empty', Buffer.from('edge-extra-empty').toString('base64url'), Buffer.from('"edge-extra').toString('base64url')]) {
      expect(token).not.toContain(form);
    }
    expect(bytes).not.toContain('edge-extra-empty');
    // It still works: the page asks the reader to confirm.
    const page = await fetch(`${pipeline.pages.url}/acknowledge?t=${token}`);
    expect(page.status).toBe(200);
  });

  test('an answer with an address and an NHS number is stored masked', async () => {
    const email = (await pipeline.ses.emails()).find((e) => e.destination.to.some((to) => to.includes('member.one@example.org')) && /acknowledge\?t=/.test(e.body.text ?? ''))!;
    const token = /\/acknowledge\?t=([A-Za-z0-9_.-]+)/.exec(email.body.text ?? '')![1]!;
    const page = await fetch(`${pipeline.pages.url}/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ t: token, answer: `Call duty.manager@example.org about ${NHS.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3')} first.` }),
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('those were hidden before it was saved');
    const stored = ((await db.send(new ScanCommand({ TableName: tables.responses }))).Items ?? []).map((item) => String(item.answer));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^Call [•.@a-z]+ about [• ]+\d{2} first\.$/);
    expect(stored[0]).not.toContain('duty.manager');
    expect(stored[0]).not.toContain('943');
  });

  test('no validly signed token gets a 5xx: an empty subject, or an address as subject, on every page', async () => {
    const signer = new TokenSigner(keyOf());
    // Also as links were signed before payloads were encrypted (readable claims), which still verify.
    const readable = (purpose: string, subject: string) => {
      const payload = Buffer.from(JSON.stringify({ p: purpose, s: subject, e: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url');
      return `${payload}.${createHmac('sha256', keyOf()).update(`briefings-link:${payload}`).digest('base64url')}`;
    };
    const statuses: string[] = [];
    for (const purpose of TOKEN_PURPOSES) {
      for (const subject of ['', 'jane.smith@example.org']) {
        for (const token of [signer.sign(purpose, subject, new Date(), purpose === 'confirm' ? new Date().toISOString() : undefined), readable(purpose, subject)]) {
          const path = PAGES[purpose];
          const got = await fetch(`${pipeline.pages.url}${path}?t=${token}`);
          const posted = await fetch(`${pipeline.pages.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ t: token, agency: 'health', role: 'frontline', topics: 'safe_sleep', frequency: 'weekly' }),
          });
          statuses.push(`GET ${path} '${subject}': ${got.status}`, `POST ${path} '${subject}': ${posted.status}`);
        }
      }
    }
    expect(statuses.filter((line) => / 5\d\d$/.test(line))).toEqual([]);
    expect(statuses.every((line) => line.endsWith(': 400'))).toBe(true);
  });
});
