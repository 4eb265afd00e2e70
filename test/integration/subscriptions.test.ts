import { readFileSync } from 'node:fs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { DynamoSubscriberStore } from '../../shared/adapters/dynamo/subscriber-store';
import { DynamoSuppressionStore } from '../../shared/adapters/dynamo/suppression-store';
import { recipientKey } from '../../shared/core/audience';
import { TOPICS } from '../../shared/core/taxonomy';
import { TokenSigner } from '../../shared/core/tokens';
import { SUBSCRIBE_LIMITS } from '../../shared/flows/subscribe/subscriptions';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';

/**
 * The public pages against real parts: the subscriptions handler behind the local
 * node:http adapter, DynamoDB Local and the SES emulator's inbox. What a visitor sees,
 * what a mailbox receives, and what the tables end up holding.
 */

const tables = localTableNames();
let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let subscribers: DynamoSubscriberStore;
let suppressions: DynamoSuppressionStore;

const form = (fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(key, v);
  return body;
};
/** Each test is its own client (a TEST-NET address), so one test's requests never use up another's allowance. */
let clientIp = '192.0.2.1';
let clients = 1;
beforeEach(() => {
  clientIp = `192.0.2.${++clients}`;
});
const post = (path: string, body: URLSearchParams) =>
  fetch(`${pipeline.pages.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': clientIp },
    redirect: 'manual',
  });
const get = (path: string) => fetch(`${pipeline.pages.url}${path}`, { redirect: 'manual' });
const mainText = (html: string) => (/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? html).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

const emailsTo = async (address: string) => (await pipeline.ses.emails()).filter((e) => e.destination.to.some((to) => to.includes(address)));
/** The first link in an email's text body that starts with this path. */
function linkIn(text: string | undefined, path: string): string {
  const match = new RegExp(`https?://[^\\s]+${path}\\?t=[A-Za-z0-9_.-]+`).exec(text ?? '');
  if (!match) throw new Error(`no ${path} link in the email`);
  return match[0];
}
const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

async function subscribe(email: string, extra: Record<string, string | string[]> = {}) {
  return post('/subscribe', form({ email, agency: 'health', role: 'frontline', topics: ['invisible_men', 'safe_sleep'], frequency: 'immediately', ...extra }));
}
async function subscribeAndConfirm(email: string, extra: Record<string, string | string[]> = {}) {
  const before = (await emailsTo(email)).length;
  expect((await subscribe(email, extra)).status).toBe(200);
  await waitFor(`a confirmation email to ${email}`, async () => (await emailsTo(email)).length > before);
  const confirm = linkIn((await emailsTo(email)).at(-1)!.body.text, '/confirm');
  const asked = await get(pathOf(confirm));
  expect(asked.status).toBe(200);
  expect(await asked.text()).toMatch(/<form[^>]+action="\/confirm"/);
  const page = await post('/confirm', form({ t: new URL(confirm).searchParams.get('t')! }));
  expect(page.status).toBe(200);
  return { confirm, page: await page.text() };
}

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50 });
  db = documentClient(pipeline.dynamo.client);
  subscribers = new DynamoSubscriberStore(db, tables.subscribers);
  suppressions = new DynamoSuppressionStore(db, tables.suppressions);
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe('subscribe: double opt-in', () => {
  test('a valid request sends one confirmation email with the choices, and the page says to check the inbox', async () => {
    const response = await subscribe('first.reader@example.org');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    await waitFor('the confirmation email', async () => (await emailsTo('first.reader@example.org')).length === 1);
    const [email] = await emailsTo('first.reader@example.org');
    expect(email!.subject).toMatch(/confirm/i);
    expect(email!.body.text).toContain(TOPICS.invisible_men);
    expect(email!.body.text).toContain(TOPICS.safe_sleep);
    const confirm = linkIn(email!.body.text, '/confirm');
    expect(confirm).not.toContain('@');
    expect(confirm).not.toContain('first.reader');
    // Pending until confirmed: no index entries, so no briefing can reach it yet.
    const stored = await subscribers.get(recipientKey('first.reader@example.org'));
    expect(stored).toMatchObject({ status: 'pending', frequency: 'immediately', topics: ['invisible_men', 'safe_sleep'] });
    expect(await subscribers.confirmedFor(['invisible_men'], 'immediately')).toHaveLength(0);
  });

  test('a bad form shows each problem by field and keeps what was typed; nothing is stored or sent', async () => {
    const response = await post('/subscribe', form({ email: 'not-an-address', agency: 'helth', role: '', frequency: 'weekly' }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('There is a problem');
    for (const field of ['email', 'agency', 'role', 'topics']) expect(html).toContain(`href="#${field}"`);
    expect(html).toContain('value="not-an-address"');
    expect(await subscribers.get(recipientKey('not-an-address'))).toBeUndefined();
  });

  test('following the confirm link only shows a button (mail scanners follow links); nothing is confirmed by a GET', async () => {
    const email = 'scanned.reader@example.org';
    await subscribe(email);
    await waitFor('the confirmation email', async () => (await emailsTo(email)).length === 1);
    const confirm = linkIn((await emailsTo(email))[0]!.body.text, '/confirm');
    for (let i = 0; i < 3; i++) expect((await get(pathOf(confirm))).status).toBe(200);
    expect(await subscribers.get(recipientKey(email))).toMatchObject({ status: 'pending' });
  });

  test('confirming activates it; the link works once for its request and the page offers preferences', async () => {
    const { page } = await subscribeAndConfirm('second.reader@example.org');
    expect(page).toMatch(/confirmed/i);
    expect(page).toContain('/preferences?t=');
    const key = recipientKey('second.reader@example.org');
    expect(await subscribers.get(key)).toMatchObject({ status: 'confirmed' });
    const found = await subscribers.confirmedFor(['safe_sleep'], 'immediately');
    expect(found.map((s) => s.subscriberId)).toContain(key);
    expect(await subscribers.confirmedFor(['safe_sleep'], 'weekly')).toHaveLength(0);
    expect(await subscribers.confirmedFor(['neglect'], 'immediately')).toHaveLength(0);
  });

  test('asking again for a subscribed address reads the same as a new one; the mailbox gets a "you are already subscribed" note', async () => {
    const fresh = mainText(await (await subscribe('third.reader@example.org')).text());
    const again = mainText(await (await subscribe('second.reader@example.org', { topics: 'all' })).text());
    expect(again).toBe(fresh);
    await waitFor('the note to the subscribed address', async () => (await emailsTo('second.reader@example.org')).length === 2);
    const note = (await emailsTo('second.reader@example.org')).at(-1)!;
    expect(note.subject).toMatch(/already/i);
    expect(note.body.text).toContain('/preferences?t=');
    // The stranger's request changed nothing.
    expect(await subscribers.get(recipientKey('second.reader@example.org'))).toMatchObject({ status: 'confirmed', topics: ['invisible_men', 'safe_sleep'] });
  });

  test('an older confirmation link cannot confirm after a newer request', async () => {
    const email = 'fourth.reader@example.org';
    await subscribe(email, { frequency: 'weekly' });
    await waitFor('the first link', async () => (await emailsTo(email)).length === 1);
    const first = linkIn((await emailsTo(email))[0]!.body.text, '/confirm');
    await subscribe(email, { frequency: 'immediately' });
    await waitFor('the second link', async () => (await emailsTo(email)).length === 2);
    const stale = await get(pathOf(first));
    expect(stale.status).toBe(410);
    expect(await subscribers.get(recipientKey(email))).toMatchObject({ status: 'pending' });
  });

  test('a confirmation link followed again after unsubscribing does not resubscribe', async () => {
    const email = 'changed.mind@example.org';
    const { confirm, page } = await subscribeAndConfirm(email);
    const manage = new URL(/href="([^"]*\/preferences\?t=[^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&'));
    expect((await post('/unsubscribe', form({ t: manage.searchParams.get('t')! }))).status).toBe(200);
    const again = await get(pathOf(confirm));
    expect(again.status).toBe(410);
    expect(await subscribers.get(recipientKey(email))).toMatchObject({ status: 'unsubscribed' });
  });
});

describe('tokens: tampered, misused and expired links get a clear page', () => {
  test.each([
    ['a changed character', (t: string) => `${t.slice(0, 5)}${t[5] === 'A' ? 'B' : 'A'}${t.slice(6)}`],
    ['a cut-off link', (t: string) => t.slice(0, 20)],
    ['no token at all', () => ''],
  ])('%s', async (_name, mangle) => {
    const { confirm } = await subscribeAndConfirm(`tamper.${Math.random().toString(36).slice(2, 8)}@example.org`);
    const token = new URL(confirm).searchParams.get('t')!;
    const response = await get(`/confirm?t=${encodeURIComponent(mangle(token))}`);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<h1');
    expect(html).not.toMatch(/\bat [\w.]+ \(|node_modules|TypeError|stack/i);
  });

  test('a confirm token cannot unsubscribe or manage, and an expired token is refused', async () => {
    const { confirm } = await subscribeAndConfirm('purpose.reader@example.org');
    const token = new URL(confirm).searchParams.get('t')!;
    expect((await get(`/preferences?t=${token}`)).status).toBe(400);
    expect((await post('/unsubscribe', form({ t: token }))).status).toBe(400);
    expect(await subscribers.get(recipientKey('purpose.reader@example.org'))).toMatchObject({ status: 'confirmed' });

    const key = readFileSync(process.env.TOKEN_KEY_FILE!, 'utf8').trim();
    const longAgo = new Date(Date.now() - 400 * 86_400_000);
    const expired = new TokenSigner(Buffer.from(key)).sign('manage', recipientKey('purpose.reader@example.org'), longAgo);
    const response = await get(`/preferences?t=${expired}`);
    expect(response.status).toBe(410);
    expect(await response.text()).toMatch(/expired|no longer works|more recent/i);
  });
});

describe('preferences and unsubscribe', () => {
  const email = 'manage.reader@example.org';
  let manage: string;

  test('the manage link shows and saves choices; the index follows them', async () => {
    const { page } = await subscribeAndConfirm(email);
    manage = /href="([^"]*\/preferences\?t=[^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
    const shown = await get(pathOf(manage));
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('m***@example.org');
    const token = new URL(manage).searchParams.get('t')!;
    const saved = await post('/preferences', form({ t: token, agency: 'police', role: 'manager', topics: ['neglect'], frequency: 'weekly' }));
    expect(saved.status).toBe(200);
    expect(await saved.text()).toMatch(/preferences are saved/i);
    const key = recipientKey(email);
    expect(await subscribers.get(key)).toMatchObject({ agency: 'police', role: 'manager', topics: ['neglect'], frequency: 'weekly' });
    expect((await subscribers.confirmedFor(['neglect'], 'weekly')).map((s) => s.subscriberId)).toContain(key);
    expect((await subscribers.confirmedFor(['invisible_men'], 'immediately')).map((s) => s.subscriberId)).not.toContain(key);
  });

  test('GET on the unsubscribe link only shows a button (mail scanners follow links); POST unsubscribes', async () => {
    const token = new URL(manage).searchParams.get('t')!;
    const key = readFileSync(process.env.TOKEN_KEY_FILE!, 'utf8').trim();
    const unsubscribeToken = new TokenSigner(Buffer.from(key)).sign('unsubscribe', recipientKey(email), new Date());
    const page = await get(`/unsubscribe?t=${unsubscribeToken}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form[^>]+method="post"/i);
    expect(await subscribers.get(recipientKey(email))).toMatchObject({ status: 'confirmed' });
    expect(await suppressions.get(recipientKey(email))).toBeUndefined();

    const done = await post('/unsubscribe', form({ t: token }));
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(/unsubscribed/i);
    expect(await subscribers.get(recipientKey(email))).toMatchObject({ status: 'unsubscribed' });
    expect(await suppressions.get(recipientKey(email))).toMatchObject({ reason: 'unsubscribed' });
    expect(await subscribers.confirmedFor(['neglect'], 'weekly')).toHaveLength(0);
    // Repeating it is harmless.
    expect((await post('/unsubscribe', form({ t: token }))).status).toBe(200);
  });

  test('saving preferences after unsubscribing does not resume on its own: it emails a fresh confirmation', async () => {
    const token = new URL(manage).searchParams.get('t')!;
    const before = (await emailsTo(email)).length;
    const saved = await post('/preferences', form({ t: token, agency: 'police', role: 'manager', topics: ['neglect'], frequency: 'immediately' }));
    expect(saved.status).toBe(200);
    expect(await saved.text()).toMatch(/check your email/i);
    expect(await subscribers.get(recipientKey(email))).toMatchObject({ status: 'pending', frequency: 'immediately' });
    expect(await suppressions.get(recipientKey(email))).toMatchObject({ reason: 'unsubscribed' });
    await waitFor('the confirmation email', async () => (await emailsTo(email)).length === before + 1);
    const confirm = linkIn((await emailsTo(email)).at(-1)!.body.text, '/confirm');
    expect((await post('/confirm', form({ t: new URL(confirm).searchParams.get('t')! }))).status).toBe(200);
    expect(await subscribers.get(recipientKey(email))).toMatchObject({ status: 'confirmed' });
    expect(await suppressions.get(recipientKey(email))).toBeUndefined();
  });

  test("confirming never lifts an admin's suppression", async () => {
    const email = 'admin.stopped@example.org';
    await suppressions.put({ recipientKey: recipientKey(email), reason: 'admin', at: new Date().toISOString(), detail: 'asked by phone' });
    await subscribeAndConfirm(email);
    expect(await suppressions.get(recipientKey(email))).toMatchObject({ reason: 'admin' });
  });

  test('RFC 8058 one-click POST with the token in the URL unsubscribes a list member too', async () => {
    const member = 'list.member@example.org';
    const key = readFileSync(process.env.TOKEN_KEY_FILE!, 'utf8').trim();
    const token = new TokenSigner(Buffer.from(key)).sign('unsubscribe', recipientKey(member), new Date());
    const response = await post(`/unsubscribe?t=${token}`, new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }));
    expect(response.status).toBe(200);
    expect(await suppressions.get(recipientKey(member))).toMatchObject({ reason: 'unsubscribed', detail: expect.stringMatching(/one-click/i) });
  });

  test('the one-click POST may come as multipart/form-data, as RFC 8058 recommends', async () => {
    const member = 'multipart.member@example.org';
    const key = readFileSync(process.env.TOKEN_KEY_FILE!, 'utf8').trim();
    const token = new TokenSigner(Buffer.from(key)).sign('unsubscribe', recipientKey(member), new Date());
    const body = new FormData();
    body.append('List-Unsubscribe', 'One-Click');
    const response = await fetch(`${pipeline.pages.url}/unsubscribe?t=${token}`, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(await suppressions.get(recipientKey(member))).toMatchObject({ reason: 'unsubscribed', detail: 'one-click unsubscribe (RFC 8058)' });
  });
});

describe('throttling', () => {
  test('one address gets at most the allowed confirmation emails an hour; the page never says why beyond "too many"', async () => {
    const email = 'flooded.reader@example.org';
    const statuses: number[] = [];
    for (let i = 0; i <= SUBSCRIBE_LIMITS.perAddress.limit; i++) statuses.push((await subscribe(email)).status);
    expect(statuses.slice(0, SUBSCRIBE_LIMITS.perAddress.limit).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    await waitFor('the allowed emails', async () => (await emailsTo(email)).length === SUBSCRIBE_LIMITS.perAddress.limit);
    expect(await emailsTo(email)).toHaveLength(SUBSCRIBE_LIMITS.perAddress.limit);
  });

  test('one client gets at most the allowed requests in its window, whatever the addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= SUBSCRIBE_LIMITS.perClient.limit; i++) statuses.push((await subscribe(`many.${i}@example.org`)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(SUBSCRIBE_LIMITS.perClient.limit);
    expect(statuses.at(-1)).toBe(429);
    // Another client is not held back by this one.
    clientIp = '198.51.100.7';
    expect((await subscribe('other.client@example.org')).status).toBe(200);
  });
});

describe('unknown paths', () => {
  test("get the HTTP API's own not-found answer: no route, no function", async () => {
    const response = await get('/admin');
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('{"message":"Not Found"}');
  });

  test('the root sends visitors to the subscribe page', async () => {
    const response = await get('/');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/subscribe');
  });
});
