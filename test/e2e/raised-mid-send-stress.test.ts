import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../shared/contract/tables';
import { waitFor, type StoredEmail } from '../../infra/local/emulators';
import { startLocalPipeline, type LocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { sample } from '../support/findings';

/**
 * A 1,000-recipient briefing on the whole local pipeline (DynamoDB Local, its streams, the
 * real handlers, the SES emulator), and its version raised three times while it is still
 * going out: each raise waits until the version before it is partly sent, and checks that
 * some of it is still queued. Then every reader's inbox is read. Each must have one full
 * briefing, then a correction for every version raised after it that reached them, ending
 * with the newest text: either in full, or as the newest correction. Nobody has nothing,
 * nobody has the same email twice.
 */

const READERS = 1_000;
const FINAL_VERSION = 4;
/** Raise the version once this many rows of the version before it were SENT (each still mid-send). */
const RAISE_WHEN_SENT = { 2: 150, 3: 300, 4: 300 } as const;

const tables = localTableNames();
const BY_BRIEFING = TABLES.deliveries.globalIndexes[0].name;
const AGENCIES = ['police', 'health', 'education', 'csc'] as const;
const ROLES = ['frontline', 'manager', 'dsl'] as const;

let pipeline: LocalPipeline;
let db: DynamoDBDocumentClient;

const finding = {
  ...sample,
  id: 'stress-raised-mid-send',
  status: 'published',
  version: 1,
  approvedBy: 'Learning and Development Group',
  title: 'Raised while it was going out',
};
/** Each version rewrites the same learning point, so the newest correction carries the newest text in full. */
const learningOf = (version: number) => [`${sample.learning[0]} Revised for version ${['', 'one', 'two', 'three', 'four'][version]}.`, ...sample.learning.slice(1)];

beforeAll(async () => {
  pipeline = await startLocalPipeline({ pollIntervalMs: 50, retryDelayMs: 50, maxSendRate: 100 });
  db = documentClient(pipeline.dynamo.client);
  const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
  await lists.putList({ id: 'everyone', name: 'Everyone in the partnership' });
  await lists.putMembers(
    'everyone',
    Array.from({ length: READERS }, (_, i) => ({ email: `reader.${i}@example.org`, name: `Reader ${i}`, agency: AGENCIES[i % 4]!, role: ROLES[i % 3]! })),
  );
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

/** Rows of one version in a status: a COUNT Query on the ledger's by-briefing index. */
async function count(version: number, statuses: readonly string[]): Promise<number> {
  let total = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tables.deliveries,
        IndexName: BY_BRIEFING,
        KeyConditionExpression: 'briefingId = :b',
        FilterExpression: `#s IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':b': `${finding.id}#v${version}`, ...Object.fromEntries(statuses.map((s, i) => [`:s${i}`, s])) },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    total += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return total;
}

const open = async () => {
  let total = 0;
  for (let v = 1; v <= FINAL_VERSION; v++) total += await count(v, ['PENDING', 'SENDING']);
  return total;
};
const caughtUp = () => pipeline.pollers['plan-briefing'].isCaughtUp && pipeline.pollers['send-briefing'].isCaughtUp;

/** A reader's emails about this finding, as `v<N> briefing`, `v<N> correction`, in the order they arrived. */
function byReader(emails: StoredEmail[]): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const email of [...emails].sort((a, b) => a.at - b.at)) {
    if (!email.subject.endsWith(finding.title)) continue;
    const correction = /^Correction \(version (\d+)\)/.exec(email.subject);
    const reissued = /^Re-issued \(version (\d+)\)/.exec(email.subject);
    const label = correction ? `v${correction[1]} correction` : reissued ? `v${reissued[1]} briefing` : 'v1 briefing';
    for (const to of email.destination.to) {
      const address = /[^<\s]+@[^>\s]+/.exec(to)![0];
      readers.set(address, [...(readers.get(address) ?? []), label]);
    }
  }
  return readers;
}

/** What a reader's emails must be: one briefing, then only corrections of later versions, each once, the last of them the newest. */
function problemWith(emails: readonly string[]): string | undefined {
  if (!emails.length) return 'nothing at all';
  if (new Set(emails).size !== emails.length) return 'the same email twice';
  const [first, ...rest] = emails;
  const briefing = /^v(\d+) briefing$/.exec(first!);
  if (!briefing) return 'a correction before (or without) the briefing';
  let version = Number(briefing[1]);
  for (const email of rest) {
    const correction = /^v(\d+) correction$/.exec(email);
    if (!correction) return 'a second full briefing';
    if (Number(correction[1]) <= version) return 'a correction out of order';
    version = Number(correction[1]);
  }
  return version === FINAL_VERSION ? undefined : `left on version ${version}`;
}

test(`${READERS} readers, the version raised three times while it is going out: each ends with the newest text, once, and nobody with nothing`, async () => {
  await db.send(new PutCommand({ TableName: tables.findings, Item: { ...finding, learning: learningOf(1) } }));

  const raisedMidSend: { version: number; sentBefore: number; stillQueued: number }[] = [];
  for (const version of [2, 3, 4] as const) {
    await waitFor(`${RAISE_WHEN_SENT[version]} of version ${version - 1} to be sent`, async () => (await count(version - 1, ['SENT'])) >= RAISE_WHEN_SENT[version], 60_000, 20);
    await db.send(
      new UpdateCommand({
        TableName: tables.findings,
        Key: { id: finding.id },
        UpdateExpression: 'SET version = :v, learning = :l',
        ExpressionAttributeValues: { ':v': version, ':l': learningOf(version) },
      }),
    );
    raisedMidSend.push({ version, sentBefore: await count(version - 1, ['SENT']), stillQueued: await count(version - 1, ['PENDING', 'SENDING']) });
  }
  // Each raise came while the version before it was still going out.
  for (const raise of raisedMidSend) expect(raise.stillQueued).toBeGreaterThan(0);

  await waitFor(
    `version ${FINAL_VERSION} to be planned`,
    async () => (await new DynamoFindingStore(db, tables.findings).getRaw(finding.id))?.pipelineVersion === FINAL_VERSION,
    60_000,
  );
  // Settled: nothing left open, and neither function has anything more to do (checked twice, a poll apart).
  const settled = async () => caughtUp() && (await open()) === 0;
  await waitFor('every row to be settled', settled, 120_000, 200);
  await waitFor('the pipeline to stay settled', settled, 10_000, 200);

  const emails = await pipeline.ses.emails();
  const readers = byReader(emails);
  // The newest text, whichever way it came: in full, or as the newest correction.
  const newest = emails.filter((e) => e.subject.endsWith(finding.title) && e.subject.includes(`(version ${FINAL_VERSION})`));
  expect(newest.length).toBeGreaterThan(0);
  for (const email of newest) expect(email.body.text).toContain('Revised for version four.');
  const problems = new Map<string, string[]>();
  for (let i = 0; i < READERS; i++) {
    const address = `reader.${i}@example.org`;
    const problem = problemWith(readers.get(address) ?? []);
    if (problem) problems.set(problem, [...(problems.get(problem) ?? []), `${address}: ${JSON.stringify(readers.get(address) ?? [])}`]);
  }
  expect(Object.fromEntries([...problems].map(([problem, who]) => [problem, `${who.length} reader(s), e.g. ${who.slice(0, 3).join('; ')}`]))).toEqual({});
  expect(readers.size).toBe(READERS);

  // Both endings happened: the first text with its corrections, and a later version in full.
  const endings = new Set([...readers.values()].map((emails) => emails[0]));
  expect(endings).toContain('v1 briefing');
  expect(endings).toContain(`v${FINAL_VERSION} briefing`);
  // Nothing failed on the way.
  for (let v = 1; v <= FINAL_VERSION; v++) expect(await count(v, ['FAILED'])).toBe(0);
}, 240_000);
