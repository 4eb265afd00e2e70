import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamTrigger } from '../../shared/contract/functions';
import { assertSupportedPattern, matchesPattern } from '../event-filter';
import { PRIVATE_DIR, PRIVATE_FILE } from './private-files';
import { sequenceOf, toLambdaRecord, type FailureCondition, type OnFailureRecord, type Outcome, type Part, type ShardContext, type StreamHandler, type StreamResponse } from './stream-batch';

/**
 * What Lambda's event source mapping does for a DynamoDB stream, done locally against
 * DynamoDB Local's real stream: read each shard in order, keep only records that match
 * the trigger's filter patterns, hand them to the handler in batches of `batchSize`, and
 * treat failures as AWS documents it. Progress is checkpointed so a restart resumes where
 * it stopped. The AWS pages this follows (quoted where they decide something below):
 * - [PBR] Configuring partial batch response with DynamoDB and Lambda
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 * - [ERR] Retain discarded records for a DynamoDB event source in Lambda
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 * - [PARAMS] Lambda parameters for Amazon DynamoDB event source mappings
 *   https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html
 * - [API] CreateEventSourceMapping (BisectBatchOnFunctionError, MaximumRetryAttempts, MaximumRecordAgeInSeconds)
 *   https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 * - [CFN] AWS::Lambda::EventSourceMapping, BisectBatchOnFunctionError
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html
 *
 * In short:
 * - A batch succeeds when the handler returns nothing, or an empty or null
 *   `batchItemFailures` [PBR]. Otherwise the records before the lowest failed sequence number
 *   are done (checkpointed) and it and every record after it are retried [PBR].
 * - An empty or null `itemIdentifier`, "an itemIdentifier with a bad key name" (read here as one
 *   that is no sequence number of the batch, or a missing one), or a handler that throws, fails
 *   the whole batch [PBR].
 * - With bisectOnError, a whole-batch failure splits the batch in two, and a partial response
 *   splits it at the returned sequence number (only the rest is retried) [PBR]. "Splitting
 *   batches doesn't consume the retry quota" [ERR]: a split is not a retry; sending the same
 *   records again is. A batch that cannot be split (one record, or a partial response whose
 *   first record failed) is retried, and that uses up one of `retryAttempts`.
 * - When the retries run out, or records are older than `maxRecordAgeSeconds`, the records are
 *   skipped and the shard goes on [ERR]. One on-failure message per skipped batch goes to the
 *   dead-letter file, in the documented invocation-record shape (DDBStreamBatchInfo): batch
 *   metadata, never the records [ERR], so its batchSize can be more than 1 [CFN].
 * - -1 for either limit means no limit [PARAMS].
 */

export interface PollerLog {
  info(message: string): void;
  error(message: string): void;
}

export interface PollerOptions {
  name: string;
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  trigger: StreamTrigger;
  handler: StreamHandler;
  /** JSON file for shard checkpoints; without one the poller starts from `trigger.startingPosition`. */
  checkpointFile?: string;
  /**
   * JSON-lines file standing in for the on-failure destination (an SQS queue in AWS): one line per
   * skipped batch, the invocation record Lambda would send (batch metadata, no records).
   */
  deadLetterFile?: string;
  pollIntervalMs?: number;
  retryDelayMs?: number;
  /** Keep every delivered batch in `delivered` (tests only: it holds item content). */
  keepHistory?: boolean;
  log?: PollerLog;
  /** The clock, in ms since the epoch, for record ages and on-failure timestamps (tests move it; default Date.now). */
  now?: () => number;
}

export class StreamPoller {
  /** Every batch handed to the handler, in order, when `keepHistory` is set: tests replay them. */
  readonly delivered: DynamoDBRecord[][] = [];
  /** Handler calls and their summed duration, each rounded up to the ms as Lambda bills it (the bench's cost model reads this). */
  readonly invocations = { count: 0, records: 0, billedMs: 0 };
  private running = false;
  private loop?: Promise<void>;
  private readonly checkpoints: Record<string, string>;
  private readonly finishedShards = new Set<string>();
  private readonly forceTrimHorizon = new Set<string>();
  private caughtUp = false;

  constructor(private readonly options: PollerOptions) {
    // A pattern this poller could not apply as AWS does would make local runs lie: refuse it up front.
    options.trigger.filters.forEach((pattern, i) => assertSupportedPattern(pattern, `${options.name} filters[${i}]`));
    this.checkpoints = options.checkpointFile && existsSync(options.checkpointFile)
      ? (JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Record<string, string>)
      : {};
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((error: Error) => {
      this.running = false;
      this.options.log?.error(`${this.options.name}: stopped: ${error.message}`);
    });
  }

  /** Stops after the handler call under way; a batch being retried resumes from its checkpoint on the next start. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** True once a full pass over every shard found nothing new to deliver. */
  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async run(): Promise<void> {
    const { dynamo, tableName, log } = this.options;
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${tableName} has no stream: check its definition in shared/contract/tables.ts.`);
    const iterators = new Map<string, string>();
    while (this.running) {
      let delivered = 0;
      let clean = true;
      let shards: NonNullable<Awaited<ReturnType<typeof this.describe>>> = [];
      try {
        shards = await this.describe(streamArn);
      } catch (error) {
        clean = false;
        log?.error(`${this.options.name}: cannot describe the stream: ${(error as Error).message}`);
      }
      // Parents before children, so records of one key stay in order across a shard split.
      for (const shard of shards) {
        if (!this.running) break;
        const shardId = shard.ShardId!;
        if (this.finishedShards.has(shardId)) continue;
        if (shard.ParentShardId && !this.finishedShards.has(shard.ParentShardId) && shards.some((s) => s.ShardId === shard.ParentShardId)) continue;
        try {
          const iterator = iterators.get(shardId) ?? (await this.openIterator(streamArn, shardId));
          const page = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          const records = page.Records ?? [];
          const result = await this.deliver(records, { streamArn, shardId });
          delivered += result.matched;
          // Stopped mid-page: the checkpoint is at the last record done, and the next start reads on from there.
          if (!result.finished) break;
          if (records.length) this.saveCheckpoint(shardId, records[records.length - 1]!.dynamodb!.SequenceNumber!);
          if (page.NextShardIterator) iterators.set(shardId, page.NextShardIterator);
          else {
            this.finishedShards.add(shardId);
            iterators.delete(shardId);
          }
        } catch (error) {
          clean = false;
          iterators.delete(shardId);
          if (error instanceof TrimmedDataAccessException) {
            // The checkpoint points at records the stream no longer keeps: start from its oldest. Without a
            // checkpoint (a fresh table) DynamoDB Local can say the same of a brand-new iterator: not worth a warning.
            if (this.checkpoints[shardId]) log?.error(`${this.options.name}: shard ${shardId} was trimmed past the checkpoint; reading from its oldest record.`);
            delete this.checkpoints[shardId];
            this.forceTrimHorizon.add(shardId);
          } else if (!(error instanceof ExpiredIteratorException)) {
            log?.error(`${this.options.name}: reading shard ${shardId} failed: ${(error as Error).message}`);
          }
        }
      }
      // Caught up only after a pass that read every shard without error and found nothing new.
      this.caughtUp = clean && delivered === 0;
      if (delivered === 0 && this.running) await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs ?? 200));
    }
  }

  private async describe(streamArn: string) {
    const { StreamDescription } = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    return StreamDescription?.Shards ?? [];
  }

  private async openIterator(streamArn: string, shardId: string): Promise<string> {
    const after = this.checkpoints[shardId];
    const start = this.forceTrimHorizon.delete(shardId) ? 'TRIM_HORIZON' : this.options.trigger.startingPosition;
    const { ShardIterator } = await this.options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: start }),
      }),
    );
    if (!ShardIterator) throw new Error(`No iterator for shard ${shardId}`);
    return ShardIterator;
  }

  /** Filters, batches and hands records to the handler; `finished` is false when a stop cut the page short. */
  private async deliver(records: StreamRecord[], shard: ShardContext): Promise<{ matched: number; finished: boolean }> {
    const { trigger } = this.options;
    const matching = records
      .map((record) => toLambdaRecord(record, shard.streamArn))
      .filter((record) => trigger.filters.some((pattern) => matchesPattern(pattern, record)));
    if (matching.length) this.caughtUp = false;
    for (let i = 0; i < matching.length; i += trigger.batchSize) {
      if (!this.running || !(await this.process(matching.slice(i, i + trigger.batchSize), shard))) return { matched: matching.length, finished: false };
    }
    return { matched: matching.length, finished: true };
  }

  /**
   * One batch, until every record in it is done or skipped, in stream order. Returns false when
   * a stop came between two attempts (the checkpoint then holds what is done).
   */
  private async process(batch: DynamoDBRecord[], shard: ShardContext): Promise<boolean> {
    const { trigger } = this.options;
    // Split halves wait their turn behind the part before them, so records stay in order.
    const parts: Part[] = [{ records: batch, retries: 0, invokes: 0 }];
    let afterFailure = false;
    while (parts.length) {
      const part = parts[0]!;
      if (afterFailure) {
        if (!this.running) return false;
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 500));
        if (!this.running) return false;
      }
      // "Discard records older than the specified age" [API], checked before every invocation, retries
      // included: Lambda retries "until the records ... exceed the maximum age" [ERR]. A shard is in
      // arrival order, so the old records are the first ones.
      const expired = this.expiredPrefix(part.records);
      if (expired) {
        this.skip(part.records.slice(0, expired), 'RecordAgeExceeded', part, shard);
        part.records = part.records.slice(expired);
        if (!part.records.length) {
          parts.shift();
          continue;
        }
      }

      const outcome = await this.invoke(part.records);
      part.invokes++;
      afterFailure = outcome.kind !== 'success';
      if (outcome.kind === 'success') {
        this.checkpointAt(shard, part.records);
        parts.shift();
        continue;
      }
      part.functionError = outcome.kind === 'whole' && outcome.functionError;
      // "Lambda uses the record with the lowest sequence number as the checkpoint. Lambda then retries
      // all records starting from that checkpoint." [PBR]
      const from = outcome.kind === 'partial' ? outcome.from : 0;
      this.checkpointAt(shard, part.records.slice(0, from));
      const rest = part.records.slice(from);

      if (trigger.bisectOnError) {
        // "When a partial batch success response is received and both BisectBatchOnFunctionError and
        // ReportBatchItemFailures are turned on, the batch is bisected at the returned sequence number
        // and Lambda retries only the remaining records." [PBR]
        if (outcome.kind === 'partial' && from > 0) {
          part.records = rest;
          continue;
        }
        // "If your invocation fails and BisectBatchOnFunctionError is turned on, the batch is bisected
        // regardless of your ReportBatchItemFailures setting." [PBR] "Splitting batches doesn't consume
        // the retry quota." [ERR] Both halves keep the retries already used.
        if (outcome.kind === 'whole' && rest.length > 1) {
          const half = Math.ceil(rest.length / 2);
          parts.splice(0, 1, { ...part, records: rest.slice(0, half) }, { ...part, records: rest.slice(half) });
          continue;
        }
      }
      // The same records again: a retry. "Discard records after the specified number of retries" [API];
      // -1 retries until the records expire [PARAMS].
      if (trigger.retryAttempts >= 0 && part.retries >= trigger.retryAttempts) {
        this.skip(rest, 'RetryAttemptsExhausted', part, shard);
        parts.shift();
        continue;
      }
      part.retries++;
      part.records = rest;
    }
    return true;
  }

  /** How many records at the front are older than the trigger's maxRecordAgeSeconds (-1: no limit [PARAMS]). */
  private expiredPrefix(records: DynamoDBRecord[]): number {
    const maxAge = this.options.trigger.maxRecordAgeSeconds;
    if (maxAge < 0) return 0;
    const nowSeconds = this.now() / 1000;
    let count = 0;
    for (const record of records) {
      const created = record.dynamodb?.ApproximateCreationDateTime;
      if (created === undefined || nowSeconds - created <= maxAge) break;
      count++;
    }
    return count;
  }

  /** One handler call, read as Lambda reads its result [PBR]. */
  private async invoke(records: DynamoDBRecord[]): Promise<Outcome> {
    const { log, name } = this.options;
    if (this.options.keepHistory) this.delivered.push(records);
    let response: StreamResponse;
    try {
      response = await this.counted(records.length, () => this.options.handler({ Records: records }));
    } catch (error) {
      // The error's name only, as the functions log: a message can quote item content (an address, an id).
      log?.error(`${name}: the handler threw for a batch of ${records.length}: ${(error as Error).name}`);
      return { kind: 'whole', functionError: true };
    }
    // "An empty batchItemFailure list", "A null batchItemFailure list", "An empty EventResponse",
    // "A null EventResponse": a complete success [PBR].
    const failures = response?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return { kind: 'success' };
    // "An empty string itemIdentifier", "A null itemIdentifier", "An itemIdentifier with a bad key name":
    // a complete failure [PBR]. An identifier that is not a sequence number of this batch is such a bad key.
    const positions = failures.map((failure) => {
      const id = failure?.itemIdentifier;
      return typeof id === 'string' && id !== '' ? records.findIndex((record) => sequenceOf(record) === id) : -1;
    });
    if (positions.some((position) => position < 0)) {
      log?.error(`${name}: the handler's batchItemFailures named a record that is not in the batch (empty, null or unknown itemIdentifier): the whole batch failed.`);
      return { kind: 'whole', functionError: false };
    }
    return { kind: 'partial', from: Math.min(...positions) };
  }

  /** One handler call, counted as Lambda would bill it. */
  private async counted<T>(records: number, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } finally {
      this.invocations.count++;
      this.invocations.records += records;
      this.invocations.billedMs += Math.ceil(performance.now() - started);
    }
  }

  /**
   * Records Lambda gives up on: "Lambda discards the records and continues processing batches from
   * the stream" [ERR], and sends one invocation record for them to the on-failure destination.
   */
  private skip(records: DynamoDBRecord[], condition: FailureCondition, part: Part, shard: ShardContext) {
    const { deadLetterFile, log, name } = this.options;
    this.checkpointAt(shard, records);
    log?.error(`${name}: ${records.length} record(s) skipped (${condition}, ${part.invokes} invocation(s)).${deadLetterFile ? ` On-failure record in ${deadLetterFile}.` : ''}`);
    if (!deadLetterFile) return;
    const message = this.onFailureRecord(records, condition, part, shard);
    // Like all local data, this user's only (0700 / 0600); it carries no item content anyway.
    mkdirSync(dirname(deadLetterFile), { recursive: true, mode: PRIVATE_DIR });
    appendFileSync(deadLetterFile, `${JSON.stringify(message)}\n`, { mode: PRIVATE_FILE });
  }

  /** The documented invocation record for a DynamoDB stream ([ERR], "Example invocation record"). */
  private onFailureRecord(records: DynamoDBRecord[], condition: FailureCondition, part: Part, shard: ShardContext): OnFailureRecord {
    const first = records[0]!;
    const last = records[records.length - 1]!;
    // arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>: the function lives beside it.
    const [, partition = 'aws', , region = '', account = ''] = shard.streamArn.split(':');
    // DynamoDB's creation times are whole seconds, and the documented example prints them so.
    const arrival = (record: DynamoDBRecord) =>
      new Date((record.dynamodb?.ApproximateCreationDateTime ?? this.now() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      requestContext: {
        requestId: randomUUID(),
        functionArn: `arn:${partition}:lambda:${region}:${account}:function:${this.options.name}`,
        condition,
        approximateInvokeCount: part.invokes,
      },
      ...(part.invokes > 0
        ? { responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(part.functionError ? { functionError: 'Unhandled' as const } : {}) } }
        : {}),
      version: '1.0',
      timestamp: new Date(this.now()).toISOString(),
      DDBStreamBatchInfo: {
        shardId: shard.shardId,
        startSequenceNumber: sequenceOf(first),
        endSequenceNumber: sequenceOf(last),
        approximateArrivalOfFirstRecord: arrival(first),
        approximateArrivalOfLastRecord: arrival(last),
        batchSize: records.length,
        streamArn: shard.streamArn,
      },
    };
  }

  /** Marks `records` (the next ones in the shard) done: a restart reads on after the last of them. */
  private checkpointAt(shard: ShardContext, records: DynamoDBRecord[]) {
    const last = records[records.length - 1];
    if (last) this.saveCheckpoint(shard.shardId, sequenceOf(last));
  }

  private saveCheckpoint(shardId: string, sequenceNumber: string) {
    this.checkpoints[shardId] = sequenceNumber;
    const file = this.options.checkpointFile;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR });
    writeFileSync(file, JSON.stringify(this.checkpoints, null, 2), { mode: PRIVATE_FILE });
  }
}
