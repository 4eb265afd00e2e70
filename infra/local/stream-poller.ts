import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamTrigger } from '../definitions';
import { assertSupportedPattern, matchesPattern } from '../event-filter';
import { PRIVATE_DIR, PRIVATE_FILE } from './private-files';

/**
 * What Lambda's event source mapping does for a DynamoDB stream, done locally against
 * DynamoDB Local's real stream: read each shard in order, keep only records that match
 * the trigger's filter patterns, hand them to the handler in batches of `batchSize`, and
 * honour ReportBatchItemFailures, bisect-on-error, bounded retries and max record age.
 * Records that exhaust their retries go to a dead-letter file, as the SQS on-failure
 * destination does in AWS. Progress is checkpointed so a restart resumes where it stopped.
 */

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] } | void>;

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
  /** JSON-lines file that receives records whose retries ran out. */
  deadLetterFile?: string;
  pollIntervalMs?: number;
  retryDelayMs?: number;
  /** Keep every delivered batch in `delivered` (tests only: it holds item content). */
  keepHistory?: boolean;
  log?: PollerLog;
}

/** A stream record in the shape Lambda hands to a function. */
export function toLambdaRecord(record: StreamRecord, eventSourceARN: string): DynamoDBRecord {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN,
    dynamodb: {
      ...(record.dynamodb as NonNullable<DynamoDBRecord['dynamodb']>),
      ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : undefined,
    },
  };
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

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** True once a full pass over every shard found nothing new to deliver. */
  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  private async run(): Promise<void> {
    const { dynamo, tableName, log } = this.options;
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${tableName} has no stream: check its definition in infra/definitions.ts.`);
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
        const shardId = shard.ShardId!;
        if (this.finishedShards.has(shardId)) continue;
        if (shard.ParentShardId && !this.finishedShards.has(shard.ParentShardId) && shards.some((s) => s.ShardId === shard.ParentShardId)) continue;
        try {
          const iterator = iterators.get(shardId) ?? (await this.openIterator(streamArn, shardId));
          const page = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          const records = page.Records ?? [];
          delivered += await this.deliver(records, streamArn);
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
      if (delivered === 0) await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs ?? 200));
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

  /** Filters, batches and hands records to the handler; returns how many matched. */
  private async deliver(records: StreamRecord[], streamArn: string): Promise<number> {
    const { trigger } = this.options;
    const matching = records
      .map((record) => toLambdaRecord(record, streamArn))
      .filter((record) => trigger.filters.some((pattern) => matchesPattern(pattern, record)));
    if (matching.length) this.caughtUp = false;
    for (let i = 0; i < matching.length; i += trigger.batchSize) {
      await this.invoke(matching.slice(i, i + trigger.batchSize), trigger.retryAttempts);
    }
    return matching.length;
  }

  private async invoke(batch: DynamoDBRecord[], retriesLeft: number): Promise<void> {
    const { trigger, log, name } = this.options;
    const maxAgeSeconds = trigger.maxRecordAgeSeconds;
    const nowSeconds = Date.now() / 1000;
    const tooOld = batch.filter((r) => (r.dynamodb?.ApproximateCreationDateTime ?? nowSeconds) < nowSeconds - maxAgeSeconds);
    if (tooOld.length) this.deadLetter(tooOld, `older than maxRecordAge (${maxAgeSeconds}s)`);
    const fresh = batch.filter((r) => !tooOld.includes(r));
    if (!fresh.length) return;

    if (this.options.keepHistory) this.delivered.push(fresh);
    let failedFrom = -1;
    try {
      const response = await this.counted(fresh.length, () => this.options.handler({ Records: fresh }));
      const failures = response?.batchItemFailures ?? [];
      // As Lambda reads it: an empty or missing identifier fails the whole batch.
      if (failures.some((f) => !f.itemIdentifier)) failedFrom = 0;
      else {
        const failed = new Set(failures.map((f) => f.itemIdentifier));
        failedFrom = fresh.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      }
    } catch (error) {
      // The error's name only, as the functions log: a message can quote item content (an address, an id).
      log?.error(`${name}: the handler threw for a batch of ${fresh.length}: ${(error as Error).name}`);
      failedFrom = 0;
    }
    if (failedFrom < 0) return;

    // As Lambda does: everything before the lowest failed record counts as done.
    const rest = fresh.slice(failedFrom);
    if (retriesLeft <= 0) {
      this.deadLetter(rest, `retries exhausted (${trigger.retryAttempts})`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 500));
    if (trigger.bisectOnError && rest.length > 1) {
      const half = Math.ceil(rest.length / 2);
      await this.invoke(rest.slice(0, half), retriesLeft - 1);
      await this.invoke(rest.slice(half), retriesLeft - 1);
    } else {
      await this.invoke(rest, retriesLeft - 1);
    }
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

  private deadLetter(records: DynamoDBRecord[], why: string) {
    const { deadLetterFile, log, name } = this.options;
    log?.error(`${name}: ${records.length} record(s) set aside: ${why}.${deadLetterFile ? ` See ${deadLetterFile}.` : ''}`);
    if (!deadLetterFile) return;
    // Keys (a delivery's holds a finding id) stay with this user, like all local data: 0700 / 0600.
    mkdirSync(dirname(deadLetterFile), { recursive: true, mode: PRIVATE_DIR });
    const at = new Date().toISOString();
    // Keys and sequence numbers only, as Lambda's on-failure record carries: no item content.
    for (const record of records) {
      appendFileSync(deadLetterFile, `${JSON.stringify({ at, function: name, why, keys: record.dynamodb?.Keys, sequenceNumber: record.dynamodb?.SequenceNumber })}\n`, { mode: PRIVATE_FILE });
    }
  }

  private saveCheckpoint(shardId: string, sequenceNumber: string) {
    this.checkpoints[shardId] = sequenceNumber;
    const file = this.options.checkpointFile;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR });
    writeFileSync(file, JSON.stringify(this.checkpoints, null, 2), { mode: PRIVATE_FILE });
  }
}
