import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startConsole, waitFor, type Running } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { seedLists, seedLocal } from '../../infra/local/seed';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { resolveAudience } from '../../shared/core/audience';
import { parseFinding } from '../../shared/core/finding/finding';
import { launchChromium } from '../support/browser';

/**
 * The local default as an admin uses it: in the console (dynamodb-admin, in a real
 * Debian chromium) they open a seeded draft, change its status to published and save.
 * Every matching list member then has exactly one tailored briefing in the inbox.
 */

const FINDING_ID = 'jtai-mash-solihull-2022';
let pipeline: LocalPipeline;
let adminConsole: Running;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50 });
  adminConsole = await startConsole({ dynamoEndpoint: pipeline.dynamo.url });
  await seedLocal(documentClient(pipeline.dynamo.client));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await adminConsole?.stop();
  await pipeline?.stop();
});

test('publishing a seeded draft in the console puts one tailored email per member in the inbox', async () => {
  await page.goto(`${adminConsole.url}/tables/findings/items/${FINDING_ID}`);
  // The console's item editor holds the item as JSON; the admin edits "status" and presses Save.
  // `editor` is the page's own Ace editor (a global the console declares).
  const text = (await page.evaluate('editor.getValue()')) as string;
  const item = JSON.parse(text) as Record<string, unknown>;
  expect(item.status).toBe('draft');
  await page.evaluate(`editor.setValue(${JSON.stringify(JSON.stringify({ ...item, status: 'published' }, null, 2))})`);
  await page.click('#saveButton');

  const parsed = parseFinding({ ...item, status: 'published' });
  if (!parsed.ok) throw new Error(`seed finding invalid: ${JSON.stringify(parsed.errors)}`);
  const audience = resolveAudience(parsed.finding, seedLists());
  expect(audience.length).toBeGreaterThan(3);
  await waitFor(`${audience.length} emails in the inbox`, async () => (await pipeline.ses.emails()).length >= audience.length, 30_000);

  const emails = await pipeline.ses.emails();
  expect(emails).toHaveLength(audience.length);
  for (const person of audience) {
    const theirs = emails.filter((email) => email.destination.to.some((to) => to.includes(person.email)));
    expect(theirs).toHaveLength(1);
    expect(theirs[0]!.body.html).toContain(`Dear ${person.name}`);
  }

  // The inbox page shows them too, as the admin would see it.
  await page.goto(pipeline.ses.url);
  await page.getByText(parsed.finding.title).first().waitFor({ timeout: 15_000 });
  const shots = join(__dirname, '../../out/screenshots');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'inbox-after-console-publish.png') });
});
