import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { FUNCTIONS, type StreamTrigger } from '../../shared/contract/functions';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb, waitFor } from '../../infra/local/emulators';
import { StreamPoller } from '../../infra/local/stream-poller';
import type { OnFailureRecord, StreamHandler } from '../../infra/local/stream-batch';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { documentClient } from '../../shared/adapters/dynamo/kit';

/**
 * The local stand-in for Lambda's event source mapping, against DynamoDB Local's real
 * stream of the `deliveries` table and the send-briefing trigger's real filter. The
 * handlers are plain functions that record what they were given. Each test gets its own
 * set of tables (same definitions, a name prefix), so each stream starts empty.
 *
 * The batch semantics are Lambda's, as its docs put them (cited in infra/local/stream-poller.ts):
 * services-ddb-batchfailurereporting (checkpoint, bad identifiers, bisect) and
 * services-dynamodb-errors (retries, splits not counted, on-failure record).
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

function poller(
  tableName: string,
  handler: StreamHandler,
  options: { trigger: StreamTrigger; checkpointFile?: string; deadLetterFile?: string; log?: string[]; now?: () => number },
) {
  return new StreamPoller({
    name: 'send-briefing',
    dynamo: dynamo.client,
    streams,
    tableName,
    trigger: options.trigger,
    handler,
    checkpointFile: options.checkpointFile,
    deadLetterFile: options.deadLetterFile,
    now: options.now,
    pollIntervalMs: 20,
    retryDelayMs: 20,
    log: { info: (m) => options.log?.push(m), error: (m) => options.log?.push(m) },
  });
}

/** The table's stream as DynamoDB Local holds it: its ARN, shard ids and each inserted row's sequence number, by id. */
async function streamOf(table: string) {
  const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: table }));
  const streamArn = Table!.LatestStreamArn!;
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const shardIds = (StreamDescription?.Shards ?? []).map((shard) => shard.ShardId!);
  const sequences = new Map<string, string>();
  for (const shardId of shardIds) {
    let { ShardIterator: iterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const record of page.Records ?? []) {
        const id = record.dynamodb?.Keys?.deliveryId?.S?.split('#').pop();
        if (record.eventName === 'INSERT' && id && !sequences.has(id)) sequences.set(id, record.dynamodb!.SequenceNumber!);
      }
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  return { streamArn, shardIds, seq: (id: string) => sequences.get(id) ?? `(no record for ${id})` };
}

const onFailureRecords = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as OnFailureRecord) : [];

const seqOf = (batch: DynamoDBRecord[], id: string) => batch.find((r) => idOf(r) === id)!.dynamodb!.SequenceNumber!;

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

// services-dynamodb-errors, "Example invocation record": what the on-failure destination gets is
// metadata that locates the skipped records in the stream, one per batch, never the records.
test('the on-failure record: one per skipped batch, in Lambda\'s documented shape, batch metadata and no item content', async () => {
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
  const p = poller(table, seen.handler, { trigger: trigger({ batchSize: 10, retryAttempts, bisectOnError: true }), deadLetterFile, log });
  p.start();
  try {
    await waitFor('the on-failure record', async () => onFailureRecords(deadLetterFile).length > 0, 30_000, 20);
    await put(table, 'd4'); // written after the batch was skipped
    await waitFor('the later record to be delivered', async () => seen.timesSeen('d4') >= 1 && p.isCaughtUp, 30_000, 20);
  } finally {
    await p.stop();
  }

  // [d1, poison, d3] answers "poison": split at it (no retry used), then [poison, d3] is sent 1 + 2 times.
  expect(seen.batches.map((b) => b.map(idOf))).toEqual([['d1', 'poison', 'd3'], ['poison', 'd3'], ['poison', 'd3'], ['poison', 'd3'], ['d4']]);
  expect(seen.timesSeen('poison')).toBe(2 + retryAttempts);

  const stream = await streamOf(table);
  const records = onFailureRecords(deadLetterFile);
  expect(records).toHaveLength(1);
  expect(records[0]).toEqual({
    requestContext: {
      requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      functionArn: expect.stringMatching(/^arn:aws:lambda:[^:]*:[^:]*:function:send-briefing$/),
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 4, // every invocation the skipped records were in
    },
    // The function answered (no error): a partial batch response, so no functionError.
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    version: '1.0',
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    DDBStreamBatchInfo: {
      shardId: expect.any(String),
      startSequenceNumber: stream.seq('poison'),
      endSequenceNumber: stream.seq('d3'),
      approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      batchSize: 2,
      streamArn: stream.streamArn,
    },
  });
  expect(stream.shardIds).toContain(records[0]!.DDBStreamBatchInfo.shardId);
  // Batch metadata only: no keys, no address, no name, in the file or the log.
  const text = readFileSync(deadLetterFile, 'utf8');
  for (const content of [poisonEmail, 'Sam Example', 'briefing-example']) {
    expect(text).not.toContain(content);
    expect(log.join('\n')).not.toContain(content);
  }
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

// services-ddb-batchfailurereporting: "If the batchItemFailures array contains multiple items, Lambda
// uses the record with the lowest sequence number as the checkpoint. Lambda then retries all records
// starting from that checkpoint."
test('checkpointing: the lowest failed sequence number is the checkpoint; records before it are done, it and the ones after it come again, and a restart resumes there', async () => {
  const table = await freshDeliveriesTable('lowest');
  const checkpointFile = join(scratch, 'checkpoints', 'lowest.json');
  for (const id of ['k1', 'k2', 'k3', 'k4', 'k5', 'k6']) await put(table, id);
  // No bisect and no retry limit: only the checkpoint decides what comes again.
  const settings = { trigger: trigger({ batchSize: 10, retryAttempts: -1, bisectOnError: false }), checkpointFile };

  // k5 and k3 fail (named in that order) the first time; then k3 fails every time.
  const failing = recordingHandler(async (batch, call) => ({
    batchItemFailures: (call === 1 ? ['k5', 'k3'] : ['k3']).filter((id) => batch.some((r) => idOf(r) === id)).map((id) => ({ itemIdentifier: seqOf(batch, id) })),
  }));
  const first = poller(table, failing.handler, settings);
  first.start();
  try {
    await waitFor('k3 to be retried twice', async () => failing.batches.length >= 3, 30_000, 20);
  } finally {
    await first.stop();
  }
  const batches = failing.batches.map((b) => b.map(idOf));
  expect(batches[0]).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
  for (const retry of batches.slice(1)) expect(retry).toEqual(['k3', 'k4', 'k5', 'k6']);
  expect(failing.timesSeen('k1')).toBe(1);
  expect(failing.timesSeen('k2')).toBe(1);

  // Stopped while k3 was still failing: the checkpoint is the record before it.
  const stream = await streamOf(table);
  expect(Object.values(JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, string>)).toEqual([stream.seq('k2')]);
  const second = recordingHandler();
  await runUntil(poller(table, second.handler, settings), 'the restarted poller to take k3-k6', () => second.ids().length >= 4);
  expect(second.batches.map((b) => b.map(idOf))).toEqual([['k3', 'k4', 'k5', 'k6']]);
});

// services-ddb-batchfailurereporting, "Success and failure conditions": "Lambda treats a batch as a
// complete failure if you return ... An empty string itemIdentifier, A null itemIdentifier, An
// itemIdentifier with a bad key name". An identifier that is no sequence number of the batch is one.
test('partial batch responses: an unknown, null, missing or empty itemIdentifier fails the whole batch, even beside a valid one', async () => {
  const table = await freshDeliveriesTable('bad-id');
  for (const id of ['u1', 'u2', 'u3']) await put(table, id);
  const answers = (batch: DynamoDBRecord[]) => [
    [{ itemIdentifier: 'not-a-sequence-number' }],
    [{ itemIdentifier: null }],
    [{ sequenceNumber: seqOf(batch, 'u3') } as { itemIdentifier?: string }], // the wrong key: itemIdentifier missing
    [{ itemIdentifier: seqOf(batch, 'u3') }, { itemIdentifier: '' }],
  ];
  const seen = recordingHandler(async (batch, call) => ({ batchItemFailures: answers(batch)[call - 1] ?? [] }));
  // No bisect, so a whole-batch failure sends the whole batch again.
  await runUntil(poller(table, seen.handler, { trigger: trigger({ batchSize: 10, retryAttempts: 5, bisectOnError: false }) }), 'a fifth call', () => seen.batches.length >= 5);

  // Had any answer been read as a success (or as "from u3"), a later batch would be shorter.
  expect(seen.batches.map((b) => b.map(idOf))).toEqual(Array.from({ length: 5 }, () => ['u1', 'u2', 'u3']));
});

// services-ddb-batchfailurereporting, "Bisecting a batch": "If your invocation fails and
// BisectBatchOnFunctionError is turned on, the batch is bisected regardless of your
// ReportBatchItemFailures setting. When a partial batch success response is received and both ... are
// turned on, the batch is bisected at the returned sequence number and Lambda retries only the
// remaining records."
test('bisect: a function error splits the batch in two; a partial response splits it at the returned sequence number and retries only the rest', async () => {
  const settings = { trigger: trigger({ batchSize: 10, retryAttempts: 5, bisectOnError: true }) };

  const errorTable = await freshDeliveriesTable('bisect-error');
  for (const id of ['b1', 'b2', 'b3', 'b4', 'b5', 'b6']) await put(errorTable, id);
  // b3 makes the function throw whenever it is not alone (it succeeds on its own).
  const thrown = recordingHandler(async (batch) => {
    if (batch.length > 1 && batch.some((r) => idOf(r) === 'b3')) throw new Error('bad batch');
    return { batchItemFailures: [] };
  });
  await runUntil(poller(errorTable, thrown.handler, settings), 'b6 to be handled', () => thrown.timesSeen('b6') >= 1);
  expect(thrown.batches.map((b) => b.map(idOf))).toEqual([
    ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'],
    ['b1', 'b2', 'b3'], // the first half, then its halves, in order
    ['b1', 'b2'],
    ['b3'],
    ['b4', 'b5', 'b6'],
  ]);

  const partialTable = await freshDeliveriesTable('bisect-partial');
  for (const id of ['q1', 'q2', 'q3', 'q4', 'q5', 'q6']) await put(partialTable, id);
  const partial = recordingHandler(async (batch, call) => ({ batchItemFailures: call === 1 ? [{ itemIdentifier: seqOf(batch, 'q3') }] : [] }));
  await runUntil(poller(partialTable, partial.handler, settings), 'q3 to come again', () => partial.batches.length >= 2);
  // Split at q3, not the rest halved: q3..q6 come again together.
  expect(partial.batches.map((b) => b.map(idOf))).toEqual([
    ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'],
    ['q3', 'q4', 'q5', 'q6'],
  ]);
});

// services-dynamodb-errors: Lambda retries "until the records expire, exceed the maximum age, or reach
// the configured retry quota (MaximumRetryAttempts)"; "Splitting batches doesn't consume the retry
// quota"; "If the error handling measures fail, Lambda discards the records and continues processing
// batches from the stream."
test('retry counting: splits do not use up retryAttempts, sending the same records again does; then they are skipped with one on-failure record and the shard goes on', async () => {
  const table = await freshDeliveriesTable('retries');
  const deadLetterFile = join(scratch, 'dead-letters', 'retries.jsonl');
  for (const id of ['p1', 'x', 'p3', 'p4']) await put(table, id);
  const retryAttempts = 2;
  // x makes the function throw, alone or not.
  const seen = recordingHandler(async (batch) => {
    if (batch.some((r) => idOf(r) === 'x')) throw new Error('poison');
    return { batchItemFailures: [] };
  });
  const p = poller(table, seen.handler, { trigger: trigger({ batchSize: 10, retryAttempts, bisectOnError: true }), deadLetterFile });
  p.start();
  try {
    await waitFor('x to be skipped and p4 handled', async () => onFailureRecords(deadLetterFile).length > 0 && seen.timesSeen('p4') >= 1, 30_000, 20);
    await put(table, 'p5');
    await waitFor('p5 to be delivered', async () => seen.timesSeen('p5') >= 1 && p.isCaughtUp, 30_000, 20);
  } finally {
    await p.stop();
  }

  expect(seen.batches.map((b) => b.map(idOf))).toEqual([
    ['p1', 'x', 'p3', 'p4'], // throws: split, no retry used
    ['p1', 'x'], // throws: split, no retry used
    ['p1'],
    ['x'], // throws: cannot be split, so retried
    ['x'], // retry 1
    ['x'], // retry 2: the last
    ['p3', 'p4'],
    ['p5'],
  ]);
  expect(seen.timesSeen('x')).toBe(2 + 1 + retryAttempts);
  const stream = await streamOf(table);
  const records = onFailureRecords(deadLetterFile);
  expect(records).toHaveLength(1);
  expect(records[0]!.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 5 });
  expect(records[0]!.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  expect(records[0]!.DDBStreamBatchInfo).toMatchObject({ startSequenceNumber: stream.seq('x'), endSequenceNumber: stream.seq('x'), batchSize: 1 });
});

// CreateEventSourceMapping, MaximumRecordAgeInSeconds: "Discard records older than the specified age."
// services-dynamodb-errors: discarded records go to the on-failure destination.
test('maximum record age: records older than maxRecordAgeSeconds are not delivered but go to the on-failure file as RecordAgeExceeded', async () => {
  const table = await freshDeliveriesTable('age');
  const deadLetterFile = join(scratch, 'dead-letters', 'age.jsonl');
  await put(table, 'a1');
  await put(table, 'a2');
  // The poller's clock runs two hours ahead, so a1 and a2 are already past the hour.
  let ahead = 2 * 3600_000;
  const seen = recordingHandler();
  const p = poller(table, seen.handler, {
    trigger: trigger({ batchSize: 10, retryAttempts: 2, maxRecordAgeSeconds: 3600 }),
    deadLetterFile,
    now: () => Date.now() + ahead,
  });
  p.start();
  try {
    await waitFor('a1 and a2 to be skipped', async () => onFailureRecords(deadLetterFile).length > 0, 30_000, 20);
    ahead = 0;
    await put(table, 'a3');
    await waitFor('a3 to be delivered', async () => seen.timesSeen('a3') >= 1 && p.isCaughtUp, 30_000, 20);
  } finally {
    await p.stop();
  }

  expect(seen.ids()).toEqual(['a3']);
  const stream = await streamOf(table);
  const records = onFailureRecords(deadLetterFile);
  expect(records).toHaveLength(1);
  expect(records[0]!.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });
  expect(records[0]!.responseContext).toBeUndefined(); // never invoked: no response to report
  expect(records[0]!.DDBStreamBatchInfo).toMatchObject({ startSequenceNumber: stream.seq('a1'), endSequenceNumber: stream.seq('a2'), batchSize: 2, streamArn: stream.streamArn });
});
