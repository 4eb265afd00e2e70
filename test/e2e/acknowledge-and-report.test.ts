import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { runCapturing } from '../support/cli';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { TokenSigner } from '../../shared/core/tokens';

/**
 * Evidence of reach, end to end: publish a finding, follow "I have read this briefing"
 * from two emails in the inbox, and the dissemination report shows both under the right
 * agencies. Scanners (a GET) never count; a second press changes nothing; misused links
 * get a clear page.
 */

const tables = localTableNames();
const finding = JSON.parse(readFileSync(join(__dirname, '../../infra/local/seed/findings/jtai-mash-solihull-2022.json'), 'utf8')) as Record<string, unknown> & { id: string; title: string };
const PEOPLE = [
  { email: 'police.reader@example.org', name: 'Police Reader', agency: 'police', role: 'frontline' },
  { email: 'health.reader@example.org', name: 'Health Reader', agency: 'health', role: 'manager' },
  { email: 'social.worker@example.org', name: 'Social Worker', agency: 'csc', role: 'mash' },
] as const;

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let env: NodeJS.ProcessEnv;

const ackLinkFor = async (address: string) => {
  const [email] = (await pipeline.ses.emails()).filter((e) => e.destination.to.join().includes(address));
  const match = /https?:\/\/[^\s]+\/acknowledge\?t=[A-Za-z0-9_.-]+/.exec(email?.body.text ?? '');
  if (!match) throw new Error(`no acknowledge link in the email to ${address}`);
  return new URL(match[0]);
};
const post = (url: URL, fields: Record<string, string>) =>
  fetch(`${pipeline.pages.url}/acknowledge`, {
    method: 'POST',
    body: new URLSearchParams({ t: url.searchParams.get('t')!, ...fields }),
  });
const rowOf = async (address: string) =>
  ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []).find((r) => r.email === address && r.kind === 'briefing')!;

const cli = (...argv: string[]) => runCapturing(argv, env);

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50 });
  db = documentClient(pipeline.dynamo.client);
  env = { DYNAMODB_ENDPOINT: pipeline.dynamo.url };
  const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
  await lists.putList({ id: 'front-door', name: 'Front door partners' });
  await lists.putMembers('front-door', [...PEOPLE]);
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...finding, status: 'published' } }));
  await waitFor('the three briefings', async () => (await pipeline.ses.emails()).length >= 3 && pipeline.pollers['send-briefing'].isCaughtUp);
  await waitFor('the ledger to say SENT', async () => ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []).every((r) => r.status === 'SENT'));
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

test('every briefing ends with a signed "I have read this briefing" link bound to its own delivery', async () => {
  const link = await ackLinkFor('police.reader@example.org');
  expect(link.toString()).not.toContain('@');
  const [email] = (await pipeline.ses.emails()).filter((e) => e.destination.to.join().includes('police.reader@example.org'));
  expect(email!.body.html).toContain('I have read this briefing');
});

test('following the link only shows a button: a mail scanner fetching it records nothing', async () => {
  const link = await ackLinkFor('police.reader@example.org');
  for (let i = 0; i < 3; i++) {
    const page = await fetch(link.toString().replace(/^https?:\/\/[^/]+/, pipeline.pages.url));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(finding.title.slice(0, 30));
  }
  expect((await rowOf('police.reader@example.org')).acknowledgedAt).toBeUndefined();
});

test('pressing the button records it once, with the agency and role; a second press changes nothing', async () => {
  const link = await ackLinkFor('police.reader@example.org');
  const first = await post(link, { answer: 'We will invite every agency to strategy discussions.' });
  expect(first.status).toBe(200);
  expect(await first.text()).toMatch(/Thank you/);
  const row = await rowOf('police.reader@example.org');
  expect(row).toMatchObject({ ackAgency: 'police', ackRole: 'frontline', acknowledgedAt: expect.any(String) });
  const again = await post(link, { answer: 'A second, different answer.' });
  expect(again.status).toBe(200);
  expect(await again.text()).toMatch(/saved the first time/);
  expect((await rowOf('police.reader@example.org')).acknowledgedAt).toBe(row.acknowledgedAt);

  // Coming back to the link: the page says what it will do with an answer, and asks for none once one is saved.
  const page = await (await fetch(link.toString().replace(/^https?:\/\/[^/]+/, pipeline.pages.url))).text();
  expect(page).toContain('your team’s answer is saved');
  expect(page).toContain('a saved answer cannot be changed');
  expect(page).not.toContain('id="answer"');
  expect(page).not.toMatch(/add or change your answer/i);

  // The answer is kept without the address or the delivery id.
  const responses = (await db.send(new ScanCommand({ TableName: tables.responses }))).Items ?? [];
  expect(responses).toHaveLength(1);
  expect(responses[0]).toMatchObject({ agency: 'police', role: 'frontline', answer: 'We will invite every agency to strategy discussions.' });
  // The day only: an exact time could be matched to the row's acknowledgedAt.
  expect(responses[0]!.at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(JSON.stringify(responses)).not.toMatch(/@|police\.reader|#v1#/);
});

test('misused links get a clear page and record nothing', async () => {
  const health = await ackLinkFor('health.reader@example.org');
  const token = health.searchParams.get('t')!;
  const key = Buffer.from(readFileSync(process.env.TOKEN_KEY_FILE!, 'utf8').trim());
  const row = await rowOf('health.reader@example.org');
  const cases: [string, string, number][] = [
    ['tampered', `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`, 400],
    ['expired', new TokenSigner(key).sign('acknowledge', String(row.deliveryId), new Date(Date.now() - 400 * 86_400_000)), 410],
    ['an unsubscribe token', new TokenSigner(key).sign('unsubscribe', String(row.recipientKey), new Date()), 400],
    ['another delivery that does not exist', new TokenSigner(key).sign('acknowledge', `${finding.id}#v1#not-a-recipient`, new Date()), 400],
  ];
  for (const [, bad, status] of cases) {
    const response = await fetch(`${pipeline.pages.url}/acknowledge`, { method: 'POST', body: new URLSearchParams({ t: bad }) });
    expect(response.status).toBe(status);
    expect(await response.text()).toContain('<h1');
  }
  expect((await rowOf('health.reader@example.org')).acknowledgedAt).toBeUndefined();
  // An over-long answer is refused with the field named, and nothing is recorded.
  const long = await post(health, { answer: 'x'.repeat(400) });
  expect(long.status).toBe(400);
  expect(await long.text()).toContain('href="#answer"');
  expect((await rowOf('health.reader@example.org')).acknowledgedAt).toBeUndefined();
});

test('after two acknowledgements the report shows them under the right agencies, in every format', async () => {
  await post(await ackLinkFor('health.reader@example.org'), {});
  const healthPage = await (await fetch((await ackLinkFor('health.reader@example.org')).toString().replace(/^https?:\/\/[^/]+/, pipeline.pages.url))).text();
  expect(healthPage).toContain('You can still add your team’s answer: one answer is kept, and it cannot be changed afterwards.');
  expect(healthPage).toContain('id="answer"');
  const table = await cli('report', 'dissemination', '--finding', finding.id);
  expect(table.code).toBe(0);
  const csv = await cli('report', 'dissemination', '--finding', finding.id, '--format', 'csv');
  const rows = csv.out.split(/\r?\n/).map((line) => line.split(','));
  const header = rows[0]!;
  const col = (name: string) => header.indexOf(name);
  const row = (section: string, key: string) => rows.find((r) => r[col('section')] === section && r[col('key')] === key)!;
  expect(row('agency', 'police')[col('acknowledged')]).toBe('1');
  expect(row('agency', 'health')[col('acknowledged')]).toBe('1');
  expect(row('agency', 'csc')[col('acknowledged')]).toBe('0');
  expect(row('total', 'total')[col('sent')]).toBe('3');
  expect(row('total', 'total')[col('acknowledged')]).toBe('2');
  expect(table.out).toContain('We will invite every agency to strategy discussions.');
  // The heading names the finding by its title; the rate is a number; the answers are rows of the same table.
  expect(table.out).toContain(`Dissemination report: ${finding.title} (finding ${finding.id})`);
  expect(row('total', 'total')[col('ack_rate_percent')]).toBe('66.7');
  expect(csv.out).toContain('We will invite every agency to strategy discussions.');
  // Without --out each report has its own file: per finding, and per period.
  const today = new Date().toISOString().slice(0, 10);
  const byFinding = await cli('report', 'dissemination', '--finding', finding.id, '--format', 'html');
  const byPeriod = await cli('report', 'dissemination', '--from', '2020-01-01', '--format', 'html');
  expect(byFinding.out).toContain(`out/reports/dissemination-${finding.id}.html`);
  expect(byPeriod.out).toContain(`out/reports/dissemination-2020-01-01-to-${today}.html`);
  const html = await cli('report', 'dissemination', '--finding', finding.id, '--format', 'html', '--out', 'out/reports/acknowledge-e2e.html');
  expect(html.out).toContain('Wrote the html report (3 sent, 2 acknowledged)');
  expect(readFileSync('out/reports/acknowledge-e2e.html', 'utf8')).toContain('<svg');
  expect((await cli('report', 'dissemination', '--format', 'pdf')).code).toBe(2);
  expect((await cli('report', 'dissemination', '--from', '26/11/2026')).code).toBe(2);
});
