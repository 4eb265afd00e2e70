import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';

/**
 * Corrections and withdrawals on the whole local pipeline: a correction reaches exactly
 * the people who had an earlier version; a withdrawal tells them, cancels what is still
 * queued, and nothing further goes out for that finding.
 */

const tables = localTableNames();
const seed = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../infra/local/seed/findings', `${name}.json`), 'utf8')) as Record<string, unknown> & { id: string };

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;
let lists: DynamoListStore;
let findings: DynamoFindingStore;

const ADMIN = 'safeguarding-admin@example.org';
const emailsFor = async (findingTitle: string) => (await pipeline.ses.emails()).filter((e) => !e.destination.to.join().includes(ADMIN) && e.subject.includes(findingTitle));
const to = (emails: { destination: { to: string[] } }[]) => emails.flatMap((e) => e.destination.to).map((a) => /[^<\s]+@[^>\s]+/.exec(a)![0]).sort();
const ledgerOf = async (findingId: string) =>
  ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []).filter((r) => r.findingId === findingId);
const settled = async () => pipeline.pollers['plan-briefing'].isCaughtUp && pipeline.pollers['send-briefing'].isCaughtUp;
const setStatus = (id: string, status: string) =>
  db.send(new UpdateCommand({ TableName: tables.findings, Key: { id }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': status } }));

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50 });
  db = documentClient(pipeline.dynamo.client);
  lists = new DynamoListStore(db, tables.lists, tables.listMembers);
  findings = new DynamoFindingStore(db, tables.findings);
  await lists.putList({ id: 'all-practitioners', name: 'All practitioners' });
  await lists.putMembers('all-practitioners', [
    { email: 'first.reader@example.org', name: 'First Reader', agency: 'police', role: 'frontline' },
    { email: 'second.reader@example.org', name: 'Second Reader', agency: 'health', role: 'manager' },
  ]);
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

describe('a correction', () => {
  const finding = seed('nr-it-was-hard-to-escape-2020');

  test('reaches exactly the people who had the earlier version, listing what changed', async () => {
    await db.send(new PutCommand({ TableName: tables.findings, Item: { ...finding, status: 'published' } }));
    await waitFor('version 1 to two people', async () => (await emailsFor(finding.title as string)).length === 2 && (await settled()));
    // Someone joins the list after version 1 went out: a correction is not for them.
    await lists.putMembers('all-practitioners', [{ email: 'late.joiner@example.org', name: 'Late Joiner', agency: 'education', role: 'dsl' }]);

    const learning = [...(finding.learning as string[])];
    learning[0] = `${learning[0]} (corrected)`;
    await db.send(
      new UpdateCommand({ TableName: tables.findings, Key: { id: finding.id }, UpdateExpression: 'SET version = :v, learning = :l', ExpressionAttributeValues: { ':v': 2, ':l': learning } }),
    );
    await waitFor('the corrections', async () => (await emailsFor('Correction (version 2)')).length === 2 && (await settled()));
    const corrections = await emailsFor('Correction (version 2)');
    expect(to(corrections)).toEqual(['first.reader@example.org', 'second.reader@example.org']);
    expect(corrections[0]!.body.text).toContain('WHAT CHANGED\n- Learning');
    expect(corrections[0]!.body.text).toContain(learning[0]);
    expect(corrections[0]!.body.text).not.toContain(finding.background as string);
    // It links to the whole corrected briefing in the archive, which says what changed.
    const online = /Read the whole corrected briefing online: (\S+)/.exec(corrections[0]!.body.text ?? '')![1]!;
    expect(new URL(online).pathname).toBe('/briefing');
    const page = await (await fetch(online)).text();
    expect(page).toContain('(corrected)');
    expect(page).toContain('Changed since version 1: learning');
    expect(to(await emailsFor(finding.title as string)).filter((a) => a === 'late.joiner@example.org')).toEqual([]);
    expect(await findings.getRaw(finding.id)).toMatchObject({
      pipelineStatus: 'planned',
      pipelineVersion: 2,
      pipelineMessage: expect.stringContaining('is a correction: it goes to the 2 person(s) who received an earlier version'),
    });
  });

  test('withdrawing it sends each recipient one short notice, and nothing further goes out', async () => {
    await setStatus(finding.id, 'withdrawn');
    await waitFor('the withdrawal notices', async () => (await emailsFor(`Withdrawn: ${finding.title as string}`)).length === 2 && (await settled()));
    const notices = await emailsFor(`Withdrawn: ${finding.title as string}`);
    expect(to(notices)).toEqual(['first.reader@example.org', 'second.reader@example.org']);
    expect(notices[0]!.body.text).toMatch(/has been withdrawn/);
    expect(notices[0]!.body.text).toMatch(/do not share it further/);
    const archive = /See the current briefings in the archive: (\S+)/.exec(notices[0]!.body.text ?? '')![1]!;
    expect(new URL(archive).pathname).toBe('/archive');
    expect((await fetch(archive)).status).toBe(200);
    expect(await findings.getRaw(finding.id)).toMatchObject({ pipelineStatus: 'withdrawn', pipelineMessage: expect.stringContaining('a notice goes to 2 person(s)') });

    // Publishing the withdrawn version again is held: it would send what was taken back.
    const sentBefore = (await pipeline.ses.emails()).filter((e) => !e.destination.to.join().includes(ADMIN)).length;
    await setStatus(finding.id, 'published');
    await waitFor('the re-publish to be held', async () => (await findings.getRaw(finding.id))?.pipelineStatus === 'held' && (await settled()));
    expect(await findings.getRaw(finding.id)).toMatchObject({ pipelineErrors: [expect.stringContaining('version 2 was withdrawn, so it is not sent again')] });
    expect((await pipeline.ses.emails()).filter((e) => !e.destination.to.join().includes(ADMIN))).toHaveLength(sentBefore);
    await setStatus(finding.id, 'withdrawn');
    await waitFor('the withdrawal to settle again', settled);

    // Saving it again, or replaying, sends nothing more.
    const before = (await pipeline.ses.emails()).length;
    await db.send(new UpdateCommand({ TableName: tables.findings, Key: { id: finding.id }, UpdateExpression: 'SET title = :t', ExpressionAttributeValues: { ':t': `${finding.title as string} (edited)` } }));
    await waitFor('the edit to be judged', settled);
    expect(await pipeline.ses.emails()).toHaveLength(before);
  });
});

describe('a new version while the old one is still queued', () => {
  const finding = seed('nr-child-protection-in-england-2022');

  test("the old version's queued rows are cancelled and everyone gets the new version once", async () => {
    await pipeline.pollers['send-briefing'].stop();
    await db.send(new PutCommand({ TableName: tables.findings, Item: { ...finding, status: 'published' } }));
    await waitFor('version 1 to be queued', async () => (await ledgerOf(finding.id)).length === 3 && pipeline.pollers['plan-briefing'].isCaughtUp);
    await db.send(new UpdateCommand({ TableName: tables.findings, Key: { id: finding.id }, UpdateExpression: 'SET version = :v, title = :t', ExpressionAttributeValues: { ':v': 2, ':t': `${finding.title as string} (v2)` } }));
    await waitFor('version 2 to be planned', async () => (await findings.getRaw(finding.id))?.pipelineVersion === 2 && pipeline.pollers['plan-briefing'].isCaughtUp);
    pipeline.pollers['send-briefing'].start();
    await waitFor('the sender to finish', async () => (await ledgerOf(finding.id)).every((r) => ['SENT', 'CANCELLED'].includes(String(r.status))) && (await settled()));

    const rows = await ledgerOf(finding.id);
    expect(rows.filter((r) => r.version === 1).map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(rows.filter((r) => r.version === 2).map((r) => [r.status, r.kind])).toEqual([['SENT', 'briefing'], ['SENT', 'briefing'], ['SENT', 'briefing']]);
    const emails = await emailsFor(finding.title as string);
    expect(emails).toHaveLength(3); // one each: the v2 text, never v1 as well
    expect(emails.every((e) => e.subject.includes('(v2)'))).toBe(true);
  });
});

describe('a withdrawal while emails are still queued', () => {
  const finding = seed('lcspr-child-q-2022');

  test('cancels the queued rows: none of them is sent', async () => {
    // Hold the sender back, as if a large briefing were still going out.
    await pipeline.pollers['send-briefing'].stop();
    await db.send(new PutCommand({ TableName: tables.findings, Item: { ...finding, status: 'published' } }));
    await waitFor('the rows to be queued', async () => (await ledgerOf(finding.id)).length === 3 && pipeline.pollers['plan-briefing'].isCaughtUp);
    expect((await ledgerOf(finding.id)).map((r) => r.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);

    await setStatus(finding.id, 'withdrawn');
    await waitFor('the rows to be cancelled', async () => (await ledgerOf(finding.id)).every((r) => r.status === 'CANCELLED') && pipeline.pollers['plan-briefing'].isCaughtUp);
    pipeline.pollers['send-briefing'].start();
    await waitFor('the sender to catch up', settled);

    expect(await emailsFor(finding.title as string)).toHaveLength(0);
    const rows = await ledgerOf(finding.id);
    expect(rows.map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    // Nobody had received it, so there is nobody to tell.
    expect(await findings.getRaw(finding.id)).toMatchObject({ pipelineStatus: 'withdrawn', pipelineMessage: expect.stringContaining('3 unsent email(s) cancelled') });
  });
});
