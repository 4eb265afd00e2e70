import { runCli } from '../../cli/main';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse as parseYaml } from 'yaml';
import type { Output } from '../../cli/output';
import { freePort, waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { runCapturing } from '../support/cli';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { pendingDelivery } from '../../shared/core/delivery';

/** The admin CLI against the running local pipeline, reading exactly what an admin would see. */

const fixtures = join(__dirname, '../fixtures');
let pipeline: LocalPipeline;
let env: NodeJS.ProcessEnv;

const emailsTo = async (address: string) =>
  (await pipeline.ses.emails()).filter((email) => email.destination.to.some((to) => to.includes(address)));

const cli = (...argv: string[]) => runCapturing(argv, env);

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50 });
  env = { DYNAMODB_ENDPOINT: pipeline.dynamo.url };
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe('findings', () => {
  test('add rejects a file with problems, naming each field, and stores nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ id: 'bad-one', status: 'Published', version: 1, title: 'x', topics: ['neglct'] }));
    const result = await cli('findings', 'add', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain('was not added');
    expect(result.err).toContain("  - status 'Published' is not valid");
    expect(result.err).toContain("topics[0]: 'neglct' is not a known topic. Did you mean 'neglect'?");
    // Each problem names its field once: 'background is missing', not 'background: background is missing'.
    expect(result.err).toContain('  - background is missing');
    expect(result.err).not.toMatch(/background: background/);
    expect((await cli('findings', 'show', 'bad-one')).code).toBe(1);
  });

  test('add takes a YAML file, refuses a second add without --replace, and list shows it', async () => {
    const file = join(fixtures, 'audit-finding.yaml');
    const added = await cli('findings', 'add', file);
    expect(added).toMatchObject({ code: 0 });
    expect(added.out).toContain("Added 'audit-test-escalation' (draft, version 1)");
    const again = await cli('findings', 'add', file);
    expect(again.code).toBe(1);
    expect(again.err).toContain('exists already');
    expect((await cli('findings', 'add', file, '--replace')).code).toBe(0);
    const listed = await cli('findings', 'list');
    expect(listed.out).toMatch(/audit-test-escalation\s+draft\s+1/);
  });

  test('add and preview run the anonymisation gate: a postcode is named, masked, with the fix in CLI words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-gate-'));
    const file = join(dir, 'postcode.yaml');
    const finding = parseYaml(readFileSync(join(fixtures, 'audit-finding.yaml'), 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...finding, id: 'cli-gate-postcode', background: 'The family moved to SW1A 1AA in the spring.' }));
    const added = await cli('findings', 'add', file);
    expect(added.code).toBe(1);
    expect(added.out).toContain("Added 'cli-gate-postcode' (draft, version 1)");
    expect(added.out).toContain('Held by the anonymisation check: background, character 21: a postcode (');
    expect(added.out).not.toContain('SW1A 1AA');
    expect(added.out).not.toContain('Publish it with');
    expect(added.err).toContain(`Publishing it would hold it: nothing is sent while the anonymisation check finds these. Fix them in ${file}, then run: npm run cli -- findings add ${file} --replace`);
    expect(added.err).not.toContain('Fix them and save');
    const preview = await cli('findings', 'preview', 'cli-gate-postcode', '--agency', 'police', '--role', 'frontline', '--out', dir);
    expect(preview.code).toBe(1);
    expect(preview.out).toContain('Held by the anonymisation check: background, character 21: a postcode');
  });

  test('preview writes HTML and text tailored to the agency, and prints their paths', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'preview-'));
    const result = await cli('findings', 'preview', 'audit-test-escalation', '--agency', 'police', '--role', 'frontline', '--out', outDir);
    expect(result.code).toBe(0);
    const htmlPath = join(outDir, 'audit-test-escalation-police-frontline.html');
    expect(result.out).toContain(htmlPath);
    expect(existsSync(htmlPath)).toBe(true);
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).toContain('Police test action');
    expect(html).not.toContain('Health test action');
    expect(readFileSync(join(outDir, 'audit-test-escalation-police-frontline.txt'), 'utf8')).toContain('Subject: Multi-agency audit');
    const typo = await cli('findings', 'preview', 'audit-test-escalation', '--agency', 'polise', '--role', 'frontline');
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("Did you mean 'police'?");
  });

  test('publish follows the sending with progress until every email is out', async () => {
    await cli('lists', 'create', 'test-police', '--name', 'Test police', '--agencies', 'police');
    await cli('lists', 'import', 'test-police', join(fixtures, 'members.csv'));
    const before = (await pipeline.ses.emails()).length;
    const result = await cli('findings', 'publish', 'audit-test-escalation', '--timeout', '60');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain("Published 'audit-test-escalation' version 1.");
    expect(result.out).toContain('Done: 2 sent, 0 failed, of 2 recipient(s).');
    expect(result.progress.some((line) => line.startsWith('Sending:'))).toBe(true);
    expect((await pipeline.ses.emails()).length).toBe(before + 2);
    const again = await cli('findings', 'publish', 'audit-test-escalation');
    expect(again.out).toContain('was published already, to 2 recipient(s)');
  });

  test('retry re-queues a row stuck in PENDING and, with --failed, a FAILED one; each is then sent once', async () => {
    const db = documentClient(pipeline.dynamo.client);
    const table = localTableNames().deliveries;
    const old = new Date(Date.now() - 60 * 60_000);
    const stuck = pendingDelivery('audit-test-escalation', 1, { email: 'stuck.reader@example.org', name: 'Stuck Reader', agency: 'police', role: 'frontline', via: ['test'] }, old);
    const failed = pendingDelivery('audit-test-escalation', 1, { email: 'failed.reader@example.org', name: 'Failed Reader', agency: 'health', role: 'frontline', via: ['test'] }, old);
    // Rows as a run-out stream record leaves them: written without an INSERT that the sender would see as PENDING.
    await db.send(new PutCommand({ TableName: table, Item: { ...stuck, status: 'FAILED' } }));
    await db.send(new UpdateCommand({ TableName: table, Key: { deliveryId: stuck.deliveryId }, UpdateExpression: 'SET #s = :p', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':p': 'PENDING' } }));
    await db.send(new PutCommand({ TableName: table, Item: { ...failed, status: 'FAILED', reason: 'SES MessageRejected: address not verified' } }));
    const before = (await pipeline.ses.emails()).length;

    const first = await cli('findings', 'retry', 'audit-test-escalation');
    expect(first.code).toBe(0);
    expect(first.out).toContain("Re-queued 1 of 1 delivery row(s) for 'audit-test-escalation' version 1");
    expect(first.out).toContain('1 FAILED row(s) were left alone; add --failed');
    await waitFor('the stuck row to be sent', async () => (await emailsTo('stuck.reader@example.org')).length === 1);

    const second = await cli('findings', 'retry', 'audit-test-escalation', '--failed');
    expect(second.out).toContain('Re-queued 1 of 1');
    await waitFor('the failed row to be sent', async () => (await emailsTo('failed.reader@example.org')).length === 1);
    await waitFor('both rows SENT', async () => {
      const rows = await new DynamoDeliveryStore(db, table).byBriefing('audit-test-escalation#v1');
      return [stuck, failed].every((r) => rows.find((row) => row.deliveryId === r.deliveryId)?.status === 'SENT');
    });
    expect((await pipeline.ses.emails()).length).toBe(before + 2);
    // Nothing is left to retry: SENT rows are never touched.
    expect((await cli('findings', 'retry', 'audit-test-escalation', '--failed')).out).toContain('Re-queued 0 of 0');
  });

  test('list and show print a held finding with its reasons', async () => {
    const db = documentClient(pipeline.dynamo.client);
    await db.send(
      new PutCommand({
        TableName: localTableNames().findings,
        Item: { id: 'held-by-cli', status: 'published', version: 1, title: 'Held example', topics: ['neglect'] },
      }),
    );
    await waitFor('the finding to be held', async () => (await cli('findings', 'show', 'held-by-cli')).out.includes('Pipeline: held'));
    const listed = await cli('findings', 'list');
    expect(listed.out).toContain('held-by-cli is held: Not sent:');
    expect(listed.out).toContain('  - source is missing.');
    const shown = await cli('findings', 'show', 'held-by-cli');
    expect(shown.out).toContain('Pipeline: held (version 1');
  });
});

describe('lists', () => {
  test('import reports each bad row by line number and imports the good ones', async () => {
    await cli('lists', 'create', 'csv-test', '--name', 'CSV test');
    const result = await cli('lists', 'import', 'csv-test', join(fixtures, 'members.csv'));
    expect(result.code).toBe(1);
    expect(result.out).toContain("Imported 2 member(s) into 'csv-test'.");
    expect(result.err).toContain('line 3, email: not a valid address');
    expect(result.err).toContain("line 4, agency: 'polise' is not a known agency. Did you mean 'police'?");
    expect(result.err).toContain('line 5, email: the same address is on line 2');
    expect(result.progress).toContain('Importing: 2/2');
    const shown = await cli('lists', 'show', 'csv-test');
    expect(shown.out).toContain('2 member(s)');
    expect(shown.out).toContain('first.member@example.org');
  });

  test('create explains a bad id and an unknown agency', async () => {
    const result = await cli('lists', 'create', 'Bad_Id', '--name', 'x', '--agencies', 'polic');
    expect(result.code).toBe(1);
    expect(result.err).toContain('id: use lower-case letters');
    expect(result.err).toContain("agencies[0]: 'polic' is not a known agency. Did you mean 'police'?");
  });

  test('a list typed badly in the console is shown with its problem, and lists create fixes it', async () => {
    const db = documentClient(pipeline.dynamo.client);
    await db.send(new PutCommand({ TableName: localTableNames().lists, Item: { id: 'console-typo', name: 'Typo', agencies: ['polise'] } }));
    const shown = await cli('lists', 'show', 'console-typo');
    expect(shown.err).toContain("console-typo: agencies[0]: 'polise' is not a known agency. Did you mean 'police'?");
    expect(shown.err).toContain('lists create console-typo');
    const all = await cli('lists', 'show');
    expect(all.err).toContain('1 list(s) cannot be used until fixed');
    const fixed = await cli('lists', 'create', 'console-typo', '--name', 'Typo fixed', '--agencies', 'police');
    expect(fixed.out).toContain("Updated list 'console-typo'");
    expect((await cli('lists', 'show', 'console-typo')).out).toContain('console-typo: Typo fixed (any topic; agencies police; any role)');
  });

  test('import into a missing list says how to create it', async () => {
    const result = await cli('lists', 'import', 'no-such-list', join(fixtures, 'members.csv'));
    expect(result.code).toBe(1);
    expect(result.err).toContain('lists create no-such-list');
  });
});

test('an unreachable local default gets a message that says what to start', async () => {
  const closedPort = await freePort();
  const out: string[] = [];
  const io: Output = { out: (l) => out.push(l), err: (l) => out.push(l), progress: () => undefined };
  const code = await runCli(['findings', 'list'], io, { DYNAMODB_ENDPOINT: `http://127.0.0.1:${closedPort}` });
  expect(code).toBe(1);
  expect(out.join('\n')).toContain('Is the local default running (npm start)?');
});

describe('safe by default', () => {
  const nhs = (nine: string) => {
    const sum = [...nine].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check === 10) throw new Error('no valid check digit for this stem');
    return `${nine.slice(0, 3)} ${nine.slice(3, 6)} ${nine.slice(6)}${check}`;
  };

  test('denylist add/list/remove keeps the terms in the data, and findings show runs the gate against them', async () => {
    expect((await cli('denylist')).out).toContain('The deny list is empty');
    expect((await cli('denylist', 'add', 'Example Street', 'Testford Academy')).out).toContain('Added 2 term(s)');
    expect((await cli('denylist', 'add', 'example street')).out).toContain('Added 0 term(s)');
    expect((await cli('denylist', 'list')).out).toMatch(/2 term\(s\)[\s\S]*Example Street[\s\S]*Testford Academy/);

    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'gate.json');
    const item = JSON.parse(JSON.stringify(readFindingFixture()));
    item.id = 'gate-check';
    item.learning = [...item.learning, `Staff at Testford Academy noted the child's number ${nhs('999000001')}.`];
    writeFileSync(file, JSON.stringify(item));
    expect((await cli('findings', 'add', file)).code).toBe(1); // added, and told it would be held
    const shown = await cli('findings', 'show', 'gate-check');
    expect(shown.out).toContain('Approved by: Chair, Learning and Development Group (test)');
    expect(shown.out).toMatch(/Held by the anonymisation check: learning\[\d+\], character \d+: .*NHS number/);
    expect(shown.out).toMatch(/Held by the anonymisation check: .*deny list/i);
    expect(shown.out).not.toContain('999 000 001');
    expect(shown.out).not.toContain('Testford Academy');

    expect((await cli('denylist', 'remove', 'testford academy')).out).toContain('Removed 1 term(s); the deny list has 1.');
  });

  test('deliveries retry --briefing re-drives FAILED rows, and says which it leaves alone', async () => {
    const db = documentClient(pipeline.dynamo.client);
    const deliveries = new DynamoDeliveryStore(db, localTableNames().deliveries);
    const failed = pendingDelivery('retry-briefing', 1, { email: 'failed.once@example.org', name: 'Failed Once', agency: 'police', role: 'frontline', via: ['x'] }, new Date());
    const unknown = pendingDelivery('retry-briefing', 1, { email: 'maybe.sent@example.org', name: 'Maybe Sent', agency: 'police', role: 'frontline', via: ['x'] }, new Date());
    // Written as the sender leaves them, without going through the stream.
    await db.send(new PutCommand({ TableName: localTableNames().deliveries, Item: { ...failed, status: 'FAILED', reason: 'SES MessageRejected' } }));
    await db.send(new PutCommand({ TableName: localTableNames().deliveries, Item: { ...unknown, status: 'FAILED', outcomeUnknown: true } }));
    expect((await cli('deliveries', 'retry')).code).toBe(2);
    const result = await cli('deliveries', 'retry', '--briefing', 'retry-briefing#v1');
    expect(result.code).toBe(0);
    expect(result.out).toContain("Re-drove 1 of 1 delivery row(s) of 'retry-briefing#v1'");
    expect(result.out).toContain('1 row(s) were left alone: their send may have reached SES');
    const rows = await deliveries.byBriefing('retry-briefing#v1');
    expect(rows.find((r) => r.recipientKey === unknown.recipientKey)).toMatchObject({ status: 'FAILED', outcomeUnknown: true });
    expect(rows.find((r) => r.recipientKey === failed.recipientKey)?.status).not.toBe('FAILED');
    expect((await cli('deliveries', 'retry', '--briefing', 'no-such#v1')).err).toContain('No deliveries for briefing');
  });
});

function readFindingFixture(): Record<string, unknown> {
  return parseYaml(readFileSync(join(fixtures, 'audit-finding.yaml'), 'utf8')) as Record<string, unknown>;
}
