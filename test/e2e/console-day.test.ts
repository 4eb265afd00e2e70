/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CONSOLE_ROUTES, PEOPLE_ROUTES } from '../../shared/contract/functions';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { DEMO_PASSWORD, DEMO_USERS } from '../../infra/local/sign-in';
import { localTableNames } from '../../infra/local/tables';
import { launchChromium } from '../support/browser';

/**
 * An admin's whole day in the console, in Debian's chromium against the real local pipeline and
 * cognito-local: sign in, write a finding with a mistake and see the field error, fix it, preview it
 * as a police frontline practitioner, be refused approving it yourself, approve as a second person,
 * publish, watch progress, find it in the archive and the report; a scrutineer reads the report but
 * can change nothing. Then every console route, without a session and with each role.
 * Screenshots of each step at 1280 px and 375 px go to out/screenshots/console/.
 */

const SHOTS = join(__dirname, '../../out/screenshots/console');
const tables = localTableNames();
const [author, chair, writer, scrutineer] = DEMO_USERS as [(typeof DEMO_USERS)[number], (typeof DEMO_USERS)[number], (typeof DEMO_USERS)[number], (typeof DEMO_USERS)[number]];

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  pipeline = await startLocalPipeline({ pollIntervalMs: 100 });
  db = documentClient(pipeline.dynamo.client);
  // A list the finding reaches: police practitioners.
  await db.send(new PutCommand({ TableName: tables.lists, Item: { id: 'police-frontline', name: 'Police frontline', agency: 'police', role: 'frontline' } }));
  for (const n of [1, 2, 3]) {
    await db.send(new PutCommand({ TableName: tables.listMembers, Item: { listId: 'police-frontline', email: `officer${n}@example.org`, name: `Officer ${n}`, agency: 'police', role: 'frontline' } }));
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

async function signedIn(user: { email: string }, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${pipeline.pages.url}/console`);
  await page.getByLabel('Email address', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/findings/);
  return page;
}

async function shoot(page: Page, step: string) {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SHOTS, `${step}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const FINDING_ID = 'console-day-2026';

test('an admin writes, previews, gets approval for and publishes a finding; the scrutineer reads the report and can change nothing', async () => {
  const page = await signedIn(author);
  await shoot(page, '01-findings');
  await page.getByRole('link', { name: 'Write a new finding' }).click();
  await page.getByLabel('Id', { exact: true }).fill(FINDING_ID);
  await page.getByLabel('Title', { exact: true }).fill('Hearing the voice of the child at the front door');
  await page.getByLabel('Source', { exact: true }).selectOption('jtai');
  await page.getByLabel('Name of the review or inspection', { exact: true }).fill('Joint targeted area inspection of the multi-agency response');
  // The mistake: a date the pipeline refuses.
  await page.getByLabel('Published', { exact: true }).fill('May 2022');
  await page.getByRole('checkbox', { name: 'Neglect' }).check();
  await page.getByRole('checkbox', { name: 'Police' }).check();
  await page.getByLabel('Background', { exact: true }).fill('Inspectors looked at how referrals about children were handled at the front door.');
  await page.getByLabel('Why it matters', { exact: true }).fill('Decisions at the front door shape what happens next for a child.');
  await page.getByLabel('What was found', { exact: true }).fill('The child\'s own words were rarely recorded.\nReferrers were not always told the outcome.');
  await page.getByLabel('Learning', { exact: true }).fill('Record what the child said, in their words.');
  await page.getByLabel('Questions for the team', { exact: true }).fill('How do we record the voice of the child?');
  await page.getByLabel('All agencies', { exact: true }).fill('Tell the referrer what happened next.');
  await page.getByRole('button', { name: 'Save as a draft' }).click();

  // The pipeline's own message, in the summary and by its field; nothing typed is lost.
  const summary = page.getByRole('alert');
  expect(await summary.textContent()).toContain('source.published must be a date written YYYY-MM or YYYY-MM-DD');
  expect(await page.locator('#f-source-published-error').textContent()).toContain('YYYY-MM');
  expect(await page.getByLabel('Background', { exact: true }).inputValue()).toContain('front door');
  await shoot(page, '02-field-error');
  await page.getByLabel('Published', { exact: true }).fill('2022-05');
  await page.getByRole('button', { name: 'Save as a draft' }).click();
  await page.waitForURL(/\/console\/finding\?id=/);
  expect(await page.getByRole('status').first().textContent()).toContain('Saved as a draft');
  expect(await page.locator('body').textContent()).toContain('Anonymisation check: nothing found.');

  // Preview as a police frontline practitioner.
  await page.getByRole('link', { name: 'Preview' }).click();
  await page.getByLabel('Agency', { exact: true }).selectOption('police');
  await page.getByLabel('Role', { exact: true }).selectOption('frontline');
  await page.getByRole('button', { name: 'Show this preview' }).click();
  expect(await page.locator('pre').textContent()).toContain('written for frontline practitioners in the police');
  const frame = page.frameLocator('iframe');
  expect((await frame.locator('h1').textContent())?.trim()).toBe('Hearing the voice of the child at the front door');
  await shoot(page, '03-preview');

  // Approving one's own finding is refused.
  await page.goto(`${pipeline.pages.url}/console/finding?id=${FINDING_ID}`);
  expect(await page.locator('body').textContent()).toContain('You wrote this version, so someone else must approve it');
  const ownApproval = await page.goto(`${pipeline.pages.url}/console/finding/confirm?id=${FINDING_ID}&action=approve`);
  expect(ownApproval?.status()).toBe(403);
  await shoot(page, '04-own-approval-refused');

  // A second person approves.
  const second = await signedIn(chair);
  await second.goto(`${pipeline.pages.url}/console/finding?id=${FINDING_ID}`);
  await second.getByRole('link', { name: 'Approve' }).click();
  await shoot(second, '05-approve-confirm');
  await second.getByRole('button', { name: 'Yes, approve' }).click();
  expect(await second.getByRole('status').first().textContent()).toContain('approved');

  // The author publishes, and watches progress.
  await page.goto(`${pipeline.pages.url}/console/finding?id=${FINDING_ID}`);
  await page.getByRole('link', { name: 'Publish' }).click();
  await page.getByRole('button', { name: 'Yes, publish' }).click();
  expect(await page.getByRole('status').first().textContent()).toContain('Published');
  await waitFor('the three police officers to be sent the briefing', async () => {
    await page.reload();
    return (await page.locator('body').textContent())!.includes('3 of 3 sent');
  }, 60_000, 500);
  await shoot(page, '06-published-progress');

  // In the archive, linked from the email.
  const emails = await pipeline.ses.emails();
  const email = emails.find((e) => e.subject.includes('Hearing the voice of the child'));
  expect(email?.body.html).toContain('View this briefing online');
  await page.goto(`${pipeline.pages.url}/archive?agency=police`);
  await page.getByRole('link', { name: 'Hearing the voice of the child at the front door' }).click();
  expect((await page.locator('h1').textContent())?.trim()).toBe('Hearing the voice of the child at the front door');
  await shoot(page, '07-archive');

  // The scrutineer reads the report and the audit log, and can change nothing.
  const viewer = await signedIn(scrutineer);
  await viewer.goto(`${pipeline.pages.url}/console/reports?finding=${FINDING_ID}`);
  expect(await viewer.frameLocator('iframe').locator('body').textContent()).toContain('Police');
  await shoot(viewer, '08-scrutineer-report');
  await viewer.goto(`${pipeline.pages.url}/console/audit`);
  expect(await viewer.locator('table').textContent()).toContain('approved');
  expect(await viewer.locator('table').textContent()).toContain(chair.email);
  expect(await viewer.getByRole('link', { name: 'Write a new finding' }).count()).toBe(0);
  const edit = await viewer.goto(`${pipeline.pages.url}/console/finding/edit?id=${FINDING_ID}`);
  expect(edit?.status()).toBe(403);
  await shoot(viewer, '09-scrutineer-refused');
}, 240_000);

test('an editor creates a list with a mistake, fixes it, uploads members with a bad row and finds a member', async () => {
  const page = await signedIn(writer);
  await page.getByRole('link', { name: 'Lists', exact: true }).click();
  await page.getByRole('link', { name: 'Create a list' }).click();
  await page.getByLabel('Id', { exact: true }).fill('School DSLs');
  await page.getByLabel('Name', { exact: true }).fill('School designated safeguarding leads');
  await page.getByRole('checkbox', { name: 'Education', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Designated safeguarding lead' }).check();
  await page.getByRole('button', { name: 'Create the list' }).click();
  // The pipeline's own message for the id, by its field; the rest of the form is kept.
  expect(await page.locator('#f-id-error').textContent()).toContain("use lower-case letters, digits and '-'");
  expect(await page.getByRole('checkbox', { name: 'Education', exact: true }).isChecked()).toBe(true);
  await shoot(page, '10-list-field-error');
  await page.getByLabel('Id', { exact: true }).fill('school-dsls');
  await page.getByRole('button', { name: 'Create the list' }).click();
  await page.waitForURL(/\/console\/list\?id=school-dsls/);
  expect(await page.getByRole('status').first().textContent()).toContain('Created');

  const csv = [
    'email,name,agency,role',
    'dsl1@example.org,Head of Year Example,education,dsl',
    'not-an-address,Someone Example,education,dsl',
    'dsl2@example.org,"Deputy, Example",education,dsl',
  ].join('\n');
  await page.setInputFiles('#f-csv', { name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload' }).click();
  const body = (await page.locator('main').textContent())!;
  expect(body).toContain('2 member(s) added or updated.');
  expect(body).toContain('1 row(s) were not imported');
  expect(await page.locator('table tbody tr').allTextContents()).toEqual(['3email: not a valid address: check for a missing @ or a stray space.']);
  await shoot(page, '11-list-upload-row-error');

  await page.getByRole('link', { name: 'Back to the list' }).click();
  await page.getByLabel('Search members', { exact: true }).fill('deputy');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  expect(await page.getByRole('status').first().textContent()).toContain('1 of 2 member(s) match');
  expect(await page.locator('table tbody tr').count()).toBe(1);
  expect(await page.locator('table').textContent()).toContain('dsl2@example.org');
  await shoot(page, '12-list-search');

  const viewer = await signedIn(scrutineer);
  expect(await viewer.getByRole('link', { name: 'Lists', exact: true }).count()).toBe(0);
  expect((await viewer.goto(`${pipeline.pages.url}/console/list?id=school-dsls`))?.status()).toBe(403);
}, 120_000);

test('the data-protection lead looks up a person, downloads what is held, and erases it', async () => {
  const person = 'officer3@example.org';
  const page = await signedIn(chair);
  await page.getByRole('link', { name: 'People', exact: true }).click();
  await page.getByLabel('Email address', { exact: true }).fill('officer3 at example.org');
  await page.getByRole('button', { name: 'Look up' }).click();
  expect(await page.locator('#f-email-error').textContent()).toContain('is not an email address');
  await page.getByLabel('Email address', { exact: true }).fill(` ${person.toUpperCase()} `);
  await page.getByRole('button', { name: 'Look up' }).click();
  expect(await page.locator('h1').textContent()).toBe(person);
  expect(await page.locator('dl').textContent()).toContain('police-frontline');
  // The address never goes into a URL.
  expect(page.url()).not.toContain('officer3');
  await shoot(page, '13-person');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the data held' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^subject-access-\d{4}-\d{2}-\d{2}\.json$/);
  const held = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(held.email).toBe(person);
  expect(held.listMemberships).toEqual([{ listId: 'police-frontline', name: 'Officer 3', agency: 'police', role: 'frontline' }]);
  expect(held.emailsSent.map((e: { status: string }) => e.status)).toEqual(['SENT']);

  await page.getByRole('button', { name: 'Erase…' }).click();
  await shoot(page, '14-erase-confirm');
  await page.getByRole('button', { name: 'Yes, erase it' }).click();
  expect(await page.getByRole('status').first().textContent()).toContain('1 list membership(s) removed, 1 ledger row(s) anonymised');
  const rows = await db.send(new ScanCommand({ TableName: tables.deliveries }));
  expect(JSON.stringify(rows.Items)).not.toContain('officer3');
  const members = await db.send(new ScanCommand({ TableName: tables.listMembers }));
  expect(JSON.stringify(members.Items)).not.toContain('officer3');

  await page.getByLabel('Email address', { exact: true }).fill(person);
  await page.getByRole('button', { name: 'Look up' }).click();
  expect(await page.locator('main').textContent()).toContain('Nothing is held for this address');
  // The audit log says what was done, never to whom.
  await page.goto(`${pipeline.pages.url}/console/audit`);
  const audit = (await page.locator('table').textContent())!;
  expect(audit).toContain('erased the data held for a person');
  expect(audit).not.toContain('officer3');
  await shoot(page, '15-audit');
}, 120_000);

/** Every console route: who gets in. GET without a session goes to sign-in; POST without one is refused. */
describe('every console route', () => {
  const sessions = new Map<string, string>();
  const cookieOf = async (user: { email: string }) => {
    if (!sessions.has(user.email)) {
      const page = await signedIn(user);
      const cookies = await page.context().cookies();
      sessions.set(user.email, cookies.map((c) => `${c.name}=${c.value}`).join('; '));
    }
    return sessions.get(user.email)!;
  };
  const ROUTES = [...CONSOLE_ROUTES, ...PEOPLE_ROUTES];
  const open = ROUTES.filter((route) => route.path === '/console/sign-in');
  const guarded = ROUTES.filter((route) => route.path !== '/console/sign-in');
  /** The routes a role must hold a capability for (roles.ts); every other guarded GET is for every role. */
  const EDITORS = ['/console/finding/edit', '/console/lists', '/console/list', '/console/list/edit', '/console/list/members'];
  const PEOPLE = PEOPLE_ROUTES.map((route) => route.path as string);
  const csrfOf = async (cookie: string) => {
    const page = await (await fetch(`${pipeline.pages.url}/console/findings`, { headers: { cookie } })).text();
    return /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  };

  test.each(guarded.map((route) => [route.method, route.path] as const))('%s %s refuses anyone without a session', async (method, path) => {
    const response = await fetch(`${pipeline.pages.url}${path}?id=${FINDING_ID}`, { method, redirect: 'manual', ...(method === 'POST' ? { body: new URLSearchParams({ id: FINDING_ID }) } : {}) });
    if (method === 'GET') {
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/console\/sign-in\?next=/);
    } else {
      expect(response.status).toBe(403);
    }
  });

  test.each(open.map((route) => [route.method, route.path] as const))('%s %s is open, to sign in', async (method, path) => {
    const response = await fetch(`${pipeline.pages.url}${path}`, { method, redirect: 'manual' });
    expect(method === 'GET' ? response.status : 400).toBe(method === 'GET' ? 200 : 400);
  });

  test('a forged or foreign token is no session', async () => {
    const response = await fetch(`${pipeline.pages.url}/console/findings`, { redirect: 'manual', headers: { cookie: '__Host-console-session=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' } });
    expect(response.status).toBe(303);
  });

  const WRITES = ['/console/finding/edit', '/console/finding/confirm', '/console/list/edit', '/console/list/members', ...PEOPLE_ROUTES.filter((r) => r.method === 'POST').map((r) => r.path)];
  test.each([
    ['viewer (scrutineer)', false, scrutineer],
    ['editor only', true, writer],
    ['approver only', false, chair],
    ['editor and approver', true, author],
  ] as const)('%s: reads every page; may edit findings and lists: %s', async (_label, mayEdit, user) => {
    const cookie = await cookieOf(user);
    const mayPeople = user.groups.includes('approver');
    const allowed = (path: string) => (EDITORS.includes(path) ? mayEdit : PEOPLE.includes(path) ? mayPeople : true);
    for (const route of guarded.filter((r) => r.method === 'GET')) {
      const response = await fetch(`${pipeline.pages.url}${route.path}`, { redirect: 'manual', headers: { cookie } });
      if (route.path === '/console') expect(response.status).toBe(303);
      // Allowed: the page, or its "not found" when it needs an id; refused: 403.
      else if (allowed(route.path)) expect([route.path, [200, 404].includes(response.status)]).toEqual([route.path, true]);
      else expect([route.path, response.status]).toEqual([route.path, 403]);
    }
    // With the session's CSRF token, a POST the role may not make is refused before it is read;
    // one it may make is answered (here with a field error or "not found", so nothing changes).
    const csrf = await csrfOf(cookie);
    for (const path of [...EDITORS.filter((p) => ['/console/list/edit', '/console/list/members', '/console/finding/edit'].includes(p)), ...PEOPLE]) {
      const body = new URLSearchParams({ csrf, new: 'yes', id: 'no-such-list' });
      const response = await fetch(`${pipeline.pages.url}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie }, body });
      if (allowed(path)) expect([path, [400, 404].includes(response.status)]).toEqual([path, true]);
      else expect([path, response.status]).toEqual([path, 403]);
    }
    // A POST without the session's CSRF token changes nothing, whoever sends it.
    for (const path of WRITES) {
      const response = await fetch(`${pipeline.pages.url}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams({ id: FINDING_ID, action: 'withdraw' }) });
      expect([path, response.status]).toEqual([path, 403]);
    }
  });
});
