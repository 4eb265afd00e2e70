/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { DynamoSubscriberStore } from '../../shared/adapters/dynamo/subscriber-store';
import { DynamoSuppressionStore } from '../../shared/adapters/dynamo/suppression-store';
import { recipientKey } from '../../shared/core/audience';
import { FREQUENCY_LABELS } from '../../shared/core/subscriber';
import { AGENCIES, ROLES, TOPICS } from '../../shared/core/taxonomy';
import { waitFor, type StoredEmail } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { launchChromium } from '../support/browser';

/**
 * The practitioner's whole journey, in Debian's chromium against the real local pipeline:
 * subscribe on the public page, confirm from the email, get a briefing, change preferences
 * from its footer, and unsubscribe (on the page, and by RFC 8058 one-click). A later
 * re-issue of the briefing then reaches a list member but nobody who unsubscribed.
 */

const tables = localTableNames();
const seedFinding = JSON.parse(
  readFileSync(join(__dirname, '../../infra/local/seed/findings/nr-myth-of-invisible-men-2021.json'), 'utf8'),
) as Record<string, unknown> & { id: string; title: string; topics: string[]; agencies: string[] };

const READER = 'reader.example@example.org';
const SECOND = 'second.example@example.org';
const LISTED = 'listed.example@example.org';
const CHOSEN = ['invisible_men', 'safe_sleep'] as const;
const ADDED = 'parental_mh';

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let subscribers: DynamoSubscriberStore;
let suppressions: DynamoSuppressionStore;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Every raw message the handlers hand to SES. The emulator's store keeps no headers for SendRawEmail, so they are read here. */
let sesSend: jest.SpyInstance;
const rawMessages = () =>
  (sesSend.mock.calls as unknown[][])
    .map(([command]) => command)
    .filter((command): command is SendRawEmailCommand => command instanceof SendRawEmailCommand)
    .map((command) => Buffer.from(command.input.RawMessage!.Data!).toString('utf8'));

/** The header block of a raw message, unfolded (RFC 5322 §2.2.3), names in lower case. */
function headersOf(raw: string): Map<string, string[]> {
  const block = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string[]>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** Raw bulk messages (those with a List-Unsubscribe header) to one address: briefings, not confirmation notices. */
const bulkMessagesTo = (address: string) =>
  rawMessages().filter((message) => {
    const headers = headersOf(message);
    return headers.has('list-unsubscribe') && (headers.get('to') ?? []).some((to) => to.includes(address));
  });

const emailsTo = async (address: string) =>
  (await pipeline.ses.emails()).filter((email) => email.destination.to.some((to) => to.includes(address)));
const briefingsTo = async (address: string) => (await emailsTo(address)).filter((email) => email.subject.includes(seedFinding.title));
const confirmationsTo = async (address: string) => (await emailsTo(address)).filter((email) => email.subject.startsWith('Confirm your subscription'));

const deliveries = async () =>
  ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []) as Record<string, unknown>[];

const mainText = (p: Page = page) => p.locator('main').innerText();
const heading = (p: Page = page) => p.getByRole('heading', { level: 1 });

/** Links a person could follow in an email: the hrefs of the HTML part and the addresses in the text part. */
const linksIn = (email: StoredEmail) => [
  ...[...(email.body.html ?? '').matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')),
  ...[...(email.body.text ?? '').matchAll(/https?:\/\/\S+/g)].map((m) => m[0]),
];

/** Shows an email as a webmail would and clicks one of its links, as the reader does. */
async function clickInEmail(email: StoredEmail, linkName: string): Promise<string> {
  await page.setContent(email.body.html ?? '');
  const link = page.getByRole('link', { name: linkName, exact: true });
  const href = (await link.getAttribute('href'))!;
  const path = new URL(href).pathname;
  await Promise.all([page.waitForURL((url) => url.pathname === path), link.click()]);
  return href;
}

/** Fills the subscribe form through its labels. */
async function fillSubscribeForm(email: string, topics: readonly string[]) {
  await page.getByLabel('Work email address').fill(email);
  await page.getByLabel('Your agency').selectOption({ label: AGENCIES.health });
  await page.getByLabel('Your role').selectOption({ label: ROLES.frontline });
  for (const topic of topics) await page.getByRole('checkbox', { name: TOPICS[topic as keyof typeof TOPICS], exact: true }).check();
  await page.getByRole('radio', { name: FREQUENCY_LABELS.immediately, exact: true }).check();
}

/** Presses a submit button and waits for the page that answers the POST. */
async function submit(buttonName: string, nextHeading: string | RegExp) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.getByRole('button', { name: buttonName, exact: true }).click(),
  ]);
  await page.getByRole('heading', { level: 1, name: nextHeading }).waitFor();
  return response;
}

const statusOf = async (address: string) => (await subscribers.get(recipientKey(address)))?.status;

/** What a stack trace or an internal error would leave on a page. */
const LEAKS = [/Error:/, /(^|\s)at\s+\S+\s+\(/m, /\.(ts|js):\d+/, /node_modules/, /\/work\//, /\n\s+at\s/];

beforeAll(async () => {
  sesSend = jest.spyOn(SESClient.prototype, 'send'); // calls through to the emulator
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50, keepHistory: true });
  db = documentClient(pipeline.dynamo.client);
  subscribers = new DynamoSubscriberStore(db, tables.subscribers);
  suppressions = new DynamoSuppressionStore(db, tables.suppressions);
  // A list member the re-issue must still reach: proof that the pipeline really ran.
  const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
  await lists.putList({ id: 'health-safeguarding', name: 'Health safeguarding', agencies: ['health'] });
  await lists.putMembers('health-safeguarding', [{ email: LISTED, name: 'Listed Example', agency: 'health', role: 'manager' }]);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
  sesSend?.mockRestore();
});

describe('a practitioner subscribes, manages and unsubscribes in the browser', () => {
  const findingId = seedFinding.id;
  let checkYourEmailText = '';
  let briefing: StoredEmail;

  test('the seed finding has the topic the reader chooses', () => {
    expect(seedFinding.topics).toContain(CHOSEN[0]);
    expect(seedFinding.agencies).toContain('health');
  });

  test('the subscribe page: the email field comes first, every control has a name, and it fits 320 px', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 320, height: 640 });
    await phone.goto(`${pipeline.pages.url}/subscribe`);
    expect(await heading(phone).innerText()).toBe('Subscribe to learning briefings');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    // Tab from the top of the page: the first form control reached is the email field.
    let first: string | undefined;
    for (let i = 0; i < 10 && !first; i++) {
      await phone.keyboard.press('Tab');
      first = await phone.evaluate(() => {
        const el = document.activeElement;
        return el && ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(el.tagName) ? `${el.tagName}#${el.id}` : undefined;
      });
    }
    expect(first).toBe('INPUT#email');

    // Every visible control has an accessible name, as chromium computes it.
    const controls = await phone.locator('input:not([type=hidden]), select, textarea, button').count();
    const tree = await phone.locator('form').ariaSnapshot();
    const roles = tree.split('\n').filter((line) => /^\s*- (textbox|combobox|checkbox|radio|button)\b/.test(line));
    expect(roles).toHaveLength(controls);
    expect(roles.filter((line) => !/^\s*- \w+ "[^"]+"/.test(line))).toEqual([]);
    expect(controls).toBeGreaterThan(25);

    // The error state fits too.
    await phone.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await phone.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await phone.close();
  });

  test('subscribing: the page says to check the email', async () => {
    await page.goto(`${pipeline.pages.url}/subscribe`);
    await fillSubscribeForm(READER, CHOSEN);
    const response = await submit('Subscribe', 'Check your email');
    expect(response.status()).toBe(200);
    checkYourEmailText = await mainText();
    expect(checkYourEmailText).toContain('we have sent it an email with a link to confirm');
    expect(await page.title()).toBe('Check your email – Safeguarding learning briefings');
    expect(await statusOf(READER)).toBe('pending');
  });

  test('subscribing again reads the same; a form with no topic shows a focused error summary and keeps the answers', async () => {
    await page.goto(`${pipeline.pages.url}/subscribe`);
    await fillSubscribeForm(READER, CHOSEN);
    await submit('Subscribe', 'Check your email');
    expect(await mainText()).toBe(checkYourEmailText);

    await page.goto(`${pipeline.pages.url}/subscribe`);
    await fillSubscribeForm(READER, []);
    const response = await submit('Subscribe', 'Subscribe to learning briefings');
    expect(response.status()).toBe(400);
    expect(await page.title()).toMatch(/^Error: /);
    const summary = page.getByRole('alert');
    expect(await summary.getByRole('heading', { name: 'There is a problem' }).count()).toBe(1);
    await waitFor('the error summary to take focus', () => summary.evaluate((el) => el === document.activeElement), 5_000);
    const toTopics = summary.getByRole('link', { name: 'Choose at least one topic, or All topics.' });
    expect(await toTopics.getAttribute('href')).toBe('#topics');
    await toTopics.click();
    await waitFor('the link to move focus to the topics', () => page.evaluate(() => document.activeElement?.id === 'topics'), 5_000);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('topics');

    expect(await page.getByLabel('Work email address').inputValue()).toBe(READER);
    expect(await page.getByLabel('Your agency').inputValue()).toBe('health');
    expect(await page.getByLabel('Your role').inputValue()).toBe('frontline');
    expect(await page.getByRole('radio', { name: FREQUENCY_LABELS.immediately, exact: true }).isChecked()).toBe(true);
  });

  test('the newest confirmation link confirms; the older one is stale; asking again when confirmed reads the same', async () => {
    await waitFor('two confirmation emails to the reader', async () => (await confirmationsTo(READER)).length >= 2);
    const [older, newest] = await confirmationsTo(READER);
    await clickInEmail(newest!, 'Confirm my subscription');
    // The link only asks (mail scanners follow links): nothing is confirmed until the button is pressed.
    await heading().filter({ hasText: 'Confirm your subscription' }).waitFor();
    expect(await statusOf(READER)).toBe('pending');
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await heading().filter({ hasText: 'Subscription confirmed' }).waitFor();
    const confirmed = await mainText();
    expect(confirmed).toContain('r***@example.org');
    expect(confirmed).not.toContain(READER);
    for (const topic of CHOSEN) expect(confirmed).toContain(TOPICS[topic]);
    expect(confirmed).toContain(FREQUENCY_LABELS.immediately);
    expect(await statusOf(READER)).toBe('confirmed');

    const stale = await page.goto(linksIn(older!).find((url) => url.includes('/confirm?'))!);
    expect(stale?.status()).toBe(410);
    expect(await heading().innerText()).toBe('This link no longer works');
    expect(await statusOf(READER)).toBe('confirmed');

    await page.goto(`${pipeline.pages.url}/subscribe`);
    await fillSubscribeForm(READER, CHOSEN);
    await submit('Subscribe', 'Check your email');
    expect(await mainText()).toBe(checkYourEmailText);
    await waitFor('the "already subscribed" email', async () =>
      (await emailsTo(READER)).some((email) => email.subject === 'You already receive safeguarding learning briefings'),
    );
    expect(await confirmationsTo(READER)).toHaveLength(2);
  });

  test('a confirm link with one character changed shows a plain error page', async () => {
    const [, newest] = await confirmationsTo(READER);
    const url = new URL(linksIn(newest!).find((link) => link.includes('/confirm?'))!);
    const token = url.searchParams.get('t')!;
    const [payload, mac] = token.split('.') as [string, string];
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    // Not the MAC's last character: its two spare bits can change without changing the bytes.
    for (const tampered of [`${payload}.${flip(mac, 10)}`, `${flip(payload, 5)}.${mac}`]) {
      url.searchParams.set('t', tampered);
      const response = await page.goto(url.toString());
      expect(response?.status()).toBe(400);
      expect(await page.locator('h1').count()).toBe(1);
      expect(await heading().innerText()).toBe('This link is not complete or has been changed');
      const text = await page.locator('body').innerText();
      const html = await page.content();
      for (const leak of LEAKS) expect(text).not.toMatch(leak);
      expect(html).not.toContain(tampered);
      expect(html).not.toMatch(/node_modules|\.ts:\d+/);
    }
    expect(await statusOf(READER)).toBe('confirmed');
  });

  test('a second practitioner subscribes and confirms over plain HTTP', async () => {
    const form = new URLSearchParams({ email: SECOND, agency: 'police', role: 'manager', frequency: 'immediately' });
    form.append('topics', CHOSEN[0]);
    const response = await fetch(`${pipeline.pages.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Check your email');
    await waitFor('the second confirmation email', async () => (await confirmationsTo(SECOND)).length >= 1);
    const confirmUrl = linksIn((await confirmationsTo(SECOND))[0]!).find((url) => url.includes('/confirm?'))!;
    const confirmed = await fetch(`${pipeline.pages.url}/confirm`, {
      method: 'POST',
      body: new URLSearchParams({ t: new URL(confirmUrl).searchParams.get('t')! }),
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Subscription confirmed');
    expect(await statusOf(SECOND)).toBe('confirmed');
  });

  test('publishing a finding on the chosen topic sends the reader one briefing with one-click unsubscribe and no address in any link', async () => {
    await db.send(new PutCommand({ TableName: tables.findings, Item: { ...seedFinding, status: 'published' } }));
    await waitFor('briefings to the reader, the second subscriber and the list member', async () =>
      (await Promise.all([READER, SECOND, LISTED].map(briefingsTo))).every((mails) => mails.length >= 1),
    );
    await waitFor('the ledger to record the sends', async () => {
      const rows = (await deliveries()).filter((r) => r.findingId === findingId);
      return rows.length === 3 && rows.every((r) => r.status === 'SENT') && pipeline.pollers['send-briefing'].isCaughtUp;
    });
    const mine = await briefingsTo(READER);
    expect(mine).toHaveLength(1);
    briefing = mine[0]!;
    expect(briefing.body.html).toContain('Manage your preferences');

    for (const url of linksIn(briefing)) {
      expect(url).not.toMatch(/@|%40/i);
    }
    const footerUnsubscribe = linksIn(briefing).find((url) => url.includes('/unsubscribe?'))!;
    expect(footerUnsubscribe.startsWith(`${pipeline.pages.url}/unsubscribe?t=`)).toBe(true);

    const raw = bulkMessagesTo(READER);
    expect(raw).toHaveLength(1);
    const headers = headersOf(raw[0]!);
    expect(headers.get('list-unsubscribe')).toEqual([`<${footerUnsubscribe}>`]);
    expect(headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(headers.get('list-unsubscribe')![0]).not.toMatch(/@|%40/i);
    expect(headers.get('x-delivery-id')?.[0]).toBe(`${findingId}#v1#${recipientKey(READER)}`);
  });

  test('"Manage your preferences" in the briefing opens the choices; a change is saved', async () => {
    await clickInEmail(briefing, 'Manage your preferences');
    await heading().filter({ hasText: 'Your briefing preferences' }).waitFor();
    expect(await mainText()).toContain('Preferences for r***@example.org');
    for (const topic of CHOSEN) expect(await page.getByRole('checkbox', { name: TOPICS[topic], exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: TOPICS[ADDED], exact: true }).isChecked()).toBe(false);
    expect(await page.getByRole('radio', { name: FREQUENCY_LABELS.immediately, exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Your agency').inputValue()).toBe('health');

    await page.getByRole('checkbox', { name: TOPICS[ADDED], exact: true }).check();
    await page.getByLabel('Your role').selectOption({ label: ROLES.manager });
    const response = await submit('Save preferences', 'Your briefing preferences');
    expect(response.status()).toBe(200);
    expect(await page.getByRole('status').innerText()).toBe('Your preferences are saved');
    expect(await page.getByRole('checkbox', { name: TOPICS[ADDED], exact: true }).isChecked()).toBe(true);

    const saved = await subscribers.get(recipientKey(READER));
    expect(saved).toMatchObject({ status: 'confirmed', role: 'manager', frequency: 'immediately' });
    expect([...(saved!.topics as string[])].sort()).toEqual([...CHOSEN, ADDED].sort());
  });

  test('the Unsubscribe link: a plain GET (a mail scanner) changes nothing; the button on the page unsubscribes', async () => {
    const unsubscribeUrl = linksIn(briefing).find((url) => url.includes('/unsubscribe?'))!;
    const scanned = await fetch(unsubscribeUrl);
    expect(scanned.status).toBe(200);
    expect(await scanned.text()).toContain('Unsubscribe from all briefings?');
    expect(await statusOf(READER)).toBe('confirmed');
    expect(await suppressions.get(recipientKey(READER))).toBeUndefined();

    await clickInEmail(briefing, 'Unsubscribe');
    await heading().filter({ hasText: 'Unsubscribe from all briefings?' }).waitFor();
    expect(await statusOf(READER)).toBe('confirmed');
    const response = await submit('Unsubscribe from all briefings', 'Unsubscribed');
    expect(response.status()).toBe(200);
    expect(await mainText()).toContain('You are unsubscribed');
    expect(await subscribers.get(recipientKey(READER))).toMatchObject({ status: 'unsubscribed', statusReason: 'unsubscribed on the web page' });
    expect(await suppressions.get(recipientKey(READER))).toMatchObject({ reason: 'unsubscribed' });
  });

  test('RFC 8058 one-click: POSTing List-Unsubscribe=One-Click to the header URL unsubscribes', async () => {
    const raw = bulkMessagesTo(SECOND);
    expect(raw).toHaveLength(1);
    const url = headersOf(raw[0]!).get('list-unsubscribe')![0]!.replace(/^<|>$/g, '');
    expect(await statusOf(SECOND)).toBe('confirmed');
    for (let i = 0; i < 2; i++) {
      // Twice: a provider may retry, and the second must succeed too.
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      });
      expect(response.status).toBe(200);
    }
    expect(await subscribers.get(recipientKey(SECOND))).toMatchObject({ status: 'unsubscribed', statusReason: 'one-click unsubscribe (RFC 8058)' });
    expect(await suppressions.get(recipientKey(SECOND))).toMatchObject({ reason: 'unsubscribed' });
  });

  test('a correction reaches the list member and nobody who unsubscribed', async () => {
    const before = { reader: (await emailsTo(READER)).length, second: (await emailsTo(SECOND)).length };
    await db.send(
      new UpdateCommand({ TableName: tables.findings, Key: { id: findingId }, UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': 2 } }),
    );
    const findings = new DynamoFindingStore(db, tables.findings);
    await waitFor('the correction to reach the list member', async () =>
      (await emailsTo(LISTED)).some((email) => email.subject.startsWith('Correction (version 2)')),
    );
    await waitFor('the pipeline to settle on version 2', async () => {
      const finding = await findings.getRaw(findingId);
      const rows = (await deliveries()).filter((r) => r.findingId === findingId && r.version === 2);
      return (
        finding?.pipelineStatus === 'planned' &&
        finding.pipelineVersion === 2 &&
        rows.every((r) => r.status === 'SENT') &&
        pipeline.pollers['plan-briefing'].isCaughtUp &&
        pipeline.pollers['send-briefing'].isCaughtUp
      );
    });

    const finding = await findings.getRaw(findingId);
    // Three people had version 1; two have since unsubscribed.
    expect(finding?.pipelineMessage).toContain('Version 2 is a correction: it goes to the 1 person(s) who received an earlier version');
    expect(finding?.pipelineMessage).toContain('2 left out');
    const rows = (await deliveries()).filter((r) => r.findingId === findingId && r.version === 2);
    expect(rows.map((r) => r.email)).toEqual([LISTED]);
    expect((await emailsTo(READER)).length).toBe(before.reader);
    expect((await emailsTo(SECOND)).length).toBe(before.second);
    expect((await emailsTo(LISTED)).filter((email) => email.subject.startsWith('Correction (version 2)'))).toHaveLength(1);
  });
});
