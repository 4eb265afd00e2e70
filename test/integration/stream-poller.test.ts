import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { FUNCTIONS, type StreamTrigger } from '../../infra/definitions';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb, waitFor } from '../../infra/local/emulators';
import { StreamPoller, type StreamHandler } from '../../infra/local/stream-poller';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { documentClient } from '../../shared/adapters/dynamo-stores';

/**
 * The local stand-in for Lambda's event source mapping, against DynamoDB Local's real
 * stream of the `deliveries` table and the send-briefing trigger's real filter. The
 * handlers are plain functions that record what they were given. Each test gets its own
 * set of tables (same definitions, a name prefix), so each stream starts empty.
 */

let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let streams: DynamoDBStreamsClient;
let db: DynamoDBDocumentClient;
let scratch: string;

beforeAll(async () => {
  dynamo = await startDynamoDb();
  streams = new DynamoDBStreamsClient({ endpoint: dynamo.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  db = documentClient(dynamo.client);
  scratch = mkdtempSync(join(tmpdir(), 'stream-poller-test-'));
}, 120_000);

afterAll(async () => {
  streams?.destroy();
  await dynamo?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A fresh deliveries table (and its siblings) with an empty stream. */
async function freshDeliveriesTable(prefix: string): Promise<string> {
  const names = Object.fromEntries(Object.entries(localTableNames()).map(([key, name]) => [key, `${prefix}-${name}`])) as ReturnType<
    typeof localTableNames
  >;
  await ensureTables(dynamo.client, names);
  return names.deliveries;
}

const trigger = (overrides: Partial<StreamTrigger>): StreamTrigger => ({ ...FUNCTIONS['send-briefing'].trigger, ...overrides });

const row = (id: string, status: string, email = `${id}@example.org`) => ({
  deliveryId: `briefing-example#v1#${id}`,
  briefingId: 'briefing-example#v1',
  recipientKey: id,
  email,
  name: 'Sam Example',
  status,
});

const put = (table: string, id: string, status = 'PENDING', email?: string) =>
  db.send(new PutCommand({ TableName: table, Item: row(id, status, email) }));

const idOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.deliveryId?.S?.split('#').pop() ?? '(no key)';

/** A handler that records each batch it is given, as ids, and answers with `respond`. */
function recordingHandler(respond: (batch: DynamoDBRecord[], call: number) => ReturnType<StreamHandler> = async () => ({ batchItemFailures: [] })) {
  const batches: DynamoDBRecord[][] = [];
  const handler: StreamHandler = async (event) => {
    batches.push(event.Records);
    return respond(event.Records, batches.length);
  };
  return {
    handler,
    batches,
    ids: () => batches.flat().map(idOf),
    timesSeen: (id: string) => batches.flat().filter((r) => idOf(r) === id).length,
  };
}

function poller(tableName: string, handler: StreamHandler, options: { trigger: StreamTrigger; checkpointFile?: string; deadLetterFile?: string; log?: string[] }) {
  return new StreamPoller({
    name: 'send-briefing',
    dynamo: dynamo.client,
    streams,
    tableName,
    trigger: options.trigger,
    handler,
    checkpointFile: options.checkpointFile,
    deadLetterFile: options.deadLetterFile,
    pollIntervalMs: 20,
    retryDelayMs: 20,
    log: { info: (m) => options.log?.push(m), error: (m) => options.log?.push(m) },
  });
}

/** Runs a poller until `done` holds and it has made a full pass with nothing new, then stops it. */
async function runUntil(p: StreamPoller, what: string, done: () => boolean) {
  p.start();
  try {
    await waitFor(what, async () => done() && p.isCaughtUp, 30_000, 20);
  } finally {
    await p.stop();
  }
}

test('only records that match the filter reach the handler, in batches no larger than batchSize', async () => {
  const table = await freshDeliveriesTable('filter');
  // The send filter takes INSERTs of PENDING rows; everything else on this stream is noise to it.
  await put(table, 'p1');
  await put(table, 's1', 'SENT');
  await put(table, 'p2');
  await put(table, 'p3');
  await db.send(new UpdateCommand({ TableName: table, Key: { deliveryId: row('p1', '').deliveryId }, UpdateExpression: 'SET lastError = :e', ExpressionAttributeValues: { ':e': 'throttled' } })); // MODIFY, still PENDING
  await put(table, 'p4');
  await db.send(new UpdateCommand({ TableName: table, Key: { deliveryId: row('p2', '').deliveryId }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'SENDING' } }));
  await put(table, 'p5');
  await db.send(new DeleteCommand({ TableName: table, Key: { deliveryId: row('p3', '').deliveryId } })); // REMOVE
  await put(table, 'p6');
  await put(table, 'f1', 'FAILED');
  await put(table, 'p7');

  const seen = recordingHandler();
  await runUntil(poller(table, seen.handler, { trigger: trigger({ batchSize: 3, retryAttempts: 1 }) }), 'the seven PENDING inserts', () => seen.ids().length >= 7);

  expect(seen.ids()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
  expect(seen.batches.flat().every((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.status?.S === 'PENDING')).toBe(true);
  const sizes = seen.batches.map((b) => b.length);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
  expect(sizes).toContain(3); // the limit was reached, so it was what split them
});

test('a record reported as failed comes back with the records after it, and the ones before it do not', async () => {
  const table = await freshDeliveriesTable('partial');
  for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) await put(table, id);

  const seen = recordingHandler(async (batch, call) => {
    const r3 = batch.find((r) => idOf(r) === 'r3');
    // Fails r3 the first time only, as a throttled send would.
    return { batchItemFailures: call === 1 && r3 ? [{ itemIdentifier: r3.dynamodb!.SequenceNumber! }] : [] };
  });
  await runUntil(poller(table, seen.handler, { trigger: trigger({ batchSize: 10, retryAttempts: 2 }) }), 'r3 to be redelivered', () => seen.timesSeen('r3') >= 2 && seen.timesSeen('r5') >= 2);

  expect(seen.batches[0]!.map(idOf)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  expect(seen.batches.slice(1).flat().map(idOf)).toEqual(['r3', 'r4', 'r5']);
  expect(seen.timesSeen('r1')).toBe(1);
  expect(seen.timesSeen('r2')).toBe(1);
});

test('a record that always fails goes to the dead-letter file with its keys only, and the poller moves on', async () => {
  const table = await freshDeliveriesTable('poison');
  const deadLetterFile = join(scratch, 'dead-letters', 'send-briefing.jsonl');
  const poisonEmail = 'poison.example@example.org';
  await put(table, 'd1');
  await put(table, 'poison', 'PENDING', poisonEmail);
  await put(table, 'd3');

  const retryAttempts = 2;
  const log: string[] = [];
  const seen = recordingHandler(async (batch) => ({
    batchItemFailures: batch.filter((r) => idOf(r) === 'poison').map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })),
  }));
  const p = poller(table, seen.handler, { trigger: trigger({ batchSize: 10, retryAttempts }), deadLetterFile, log });
  p.start();
  try {
    await waitFor('the poison record in the dead-letter file', async () => existsSync(deadLetterFile) && seen.timesSeen('d3') >= 1, 30_000, 20);
    await put(table, 'd4'); // written after the poison record was set aside
    await waitFor('the later record to be delivered', async () => seen.timesSeen('d4') >= 1 && p.isCaughtUp, 30_000, 20);
  } finally {
    await p.stop();
  }

  expect(seen.timesSeen('poison')).toBe(1 + retryAttempts);
  expect(seen.timesSeen('d1')).toBe(1);
  expect(seen.timesSeen('d4')).toBe(1);

  const text = readFileSync(deadLetterFile, 'utf8');
  const lines = text.trim().split('\n').map((line) => JSON.parse(line) as { keys?: Record<string, { S?: string }>; sequenceNumber?: string; why?: string });
  expect(lines).toHaveLength(1);
  expect(lines[0]!.keys).toEqual({ deliveryId: { S: row('poison', '').deliveryId } });
  expect(lines[0]!.sequenceNumber).toEqual(expect.any(String));
  expect(lines[0]!.why).toContain('retries exhausted');
  // No item content: a dead letter must not carry the address or the person's name.
  expect(text).not.toContain(poisonEmail);
  expect(text).not.toContain('Sam Example');
  expect(log.join('\n')).not.toContain(poisonEmail);
});

test('with a checkpoint file, a new poller resumes after the last processed record', async () => {
  const table = await freshDeliveriesTable('checkpoint');
  const checkpointFile = join(scratch, 'checkpoints', 'send-briefing.json');
  const settings = { trigger: trigger({ batchSize: 10, retryAttempts: 1 }), checkpointFile };
  for (const id of ['c1', 'c2', 'c3']) await put(table, id);

  const first = recordingHandler();
  await runUntil(poller(table, first.handler, settings), 'the first poller to take c1-c3', () => first.ids().length >= 3);
  expect(first.ids()).toEqual(['c1', 'c2', 'c3']);
  expect(existsSync(checkpointFile)).toBe(true);

  await put(table, 'c4');
  await put(table, 'c5');
  const second = recordingHandler();
  await runUntil(poller(table, second.handler, settings), 'the second poller to take c4-c5', () => second.ids().length >= 2);
  expect(second.ids()).toEqual(['c4', 'c5']);

  // The premise: without the checkpoint the stream would hand over everything again.
  const fromStart = recordingHandler();
  await runUntil(poller(table, fromStart.handler, { trigger: settings.trigger }), 'a poller without checkpoint to read all', () => fromStart.ids().length >= 5);
  expect(fromStart.ids()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
});

// Lambda treats an empty-string or null itemIdentifier as a failure of the whole batch.
test('an empty itemIdentifier fails the whole batch, as Lambda does', async () => {
  const table = await freshDeliveriesTable('empty-id');
  for (const id of ['e1', 'e2']) await put(table, id);
  const seen = recordingHandler(async (_batch, call) => ({ batchItemFailures: call === 1 ? [{ itemIdentifier: '' }] : [] }));
  await runUntil(poller(table, seen.handler, { trigger: trigger({ batchSize: 10, retryAttempts: 2 }) }), 'e1 and e2 to be handled', () => seen.timesSeen('e2') >= 1);
  expect(seen.timesSeen('e1')).toBe(2);
  expect(seen.timesSeen('e2')).toBe(2);
});
