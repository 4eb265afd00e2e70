import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * What Lambda hands a stream function, what it reads back, and what it sends to the on-failure
 * destination, as the AWS pages cited in stream-poller.ts ([PBR], [ERR], [CFN]) describe them.
 */

/** What a handler may answer. Lambda reads anything without a usable `batchItemFailures` list as success [PBR]. */
export type StreamResponse = { batchItemFailures?: { itemIdentifier?: string | null }[] | null } | void | null;

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<StreamResponse>;

/**
 * Why Lambda skips a batch: the `condition` of its on-failure invocation record. [ERR]'s example
 * shows RetryAttemptsExhausted; RecordAgeExceeded is the name for records past
 * MaximumRecordAgeInSeconds (the docs print no example of it).
 */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/**
 * The invocation record Lambda sends to a DynamoDB stream mapping's on-failure destination
 * ([ERR], "Example invocation record"): metadata that locates the skipped records in the stream.
 */
export interface OnFailureRecord {
  requestContext: { requestId: string; functionArn: string; condition: FailureCondition; approximateInvokeCount: number };
  /**
   * The last response for these records: functionError "Unhandled" when the function threw (as in
   * [ERR]'s example), none when it answered with a partial batch response. Absent when the records
   * were skipped before any invocation (there was no response).
   */
  responseContext?: { statusCode: number; executedVersion: string; functionError?: 'Unhandled' };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
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

/** How Lambda reads one invocation's result [PBR]. */
export type Outcome =
  | { kind: 'success' }
  /** The function threw, or answered with an identifier Lambda cannot use: the whole batch failed. */
  | { kind: 'whole'; functionError: boolean }
  /** Valid identifiers: everything before the lowest one is done. */
  | { kind: 'partial'; from: number };

/** Records of one batch still to be handled, with Lambda's counts for them. */
export interface Part {
  records: DynamoDBRecord[];
  /** Retries used so far (splits use none [ERR]). */
  retries: number;
  /** Invocations these records were in: the on-failure record's approximateInvokeCount. */
  invokes: number;
  functionError?: boolean;
}

export interface ShardContext {
  streamArn: string;
  shardId: string;
}

export const sequenceOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';
