import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import { SES_EVENT_WRITE, type DynamoOpStats } from './report';

/**
 * AWS SDK middleware that the bench adds to the handlers' own clients (the module
 * singletons `sesClient()` and `dynamoClient()` in shared/adapters/wiring-email.ts and wiring.ts): when each
 * SendRawEmail completes and how many are in flight; DynamoDB calls by operation and
 * table, items per batch, and the capacity DynamoDB reports for them.
 */

export interface SesMeter {
  /** performance.now() at each SendRawEmail that returned a MessageId. */
  readonly completions: number[];
  /** performance.now() when each of those calls was made: what SES counts against its rate, on arrival. */
  readonly starts: number[];
  readonly rawBytes: number[];
  failures: number;
  inFlight: number;
  maxInFlight: number;
  reset(): void;
}

export function meterSes(client: SESClient): SesMeter {
  const meter: SesMeter = {
    completions: [],
    starts: [],
    rawBytes: [],
    failures: 0,
    inFlight: 0,
    maxInFlight: 0,
    reset() {
      meter.completions.length = 0;
      meter.starts.length = 0;
      meter.rawBytes.length = 0;
      meter.failures = 0;
      meter.maxInFlight = meter.inFlight;
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendRawEmailCommand') return next(args);
      const startedAt = performance.now();
      meter.inFlight++;
      meter.maxInFlight = Math.max(meter.maxInFlight, meter.inFlight);
      try {
        const result = await next(args);
        const output = result.output as { MessageId?: string };
        if (output.MessageId) {
          meter.completions.push(performance.now());
          meter.starts.push(startedAt);
          const data = (args.input as { RawMessage?: { Data?: Uint8Array } }).RawMessage?.Data;
          meter.rawBytes.push(data?.byteLength ?? 0);
        } else meter.failures++;
        return result;
      } catch (error) {
        meter.failures++;
        throw error;
      } finally {
        meter.inFlight--;
      }
    },
    { step: 'initialize', priority: 'high', name: 'benchSesMeter' },
  );
  return meter;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems', SES_EVENT_WRITE]);
/** Operations whose input takes ReturnConsumedCapacity. */
const WITH_CAPACITY = new Set([...READS, ...WRITES]);

type Input = Record<string, unknown> & {
  TableName?: string;
  ConsistentRead?: boolean;
  RequestItems?: Record<string, unknown>;
  TransactItems?: Record<string, { TableName?: string } | undefined>[];
};

/** The tables a request writes: its TableName, its batch's tables, or its transaction items' tables. */
function tablesOf(input: Input): string[] {
  if (input.RequestItems) return Object.keys(input.RequestItems).sort();
  if (input.TransactItems) return [...new Set(input.TransactItems.flatMap((item) => Object.values(item).map((action) => action?.TableName ?? '(none)')))].sort();
  return [input.TableName ?? '(none)'];
}

interface Capacity {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

export interface DynamoMeter {
  /** Every operation × table seen so far, in first-seen order. */
  operations(): DynamoOpStats[];
  reset(): void;
}

export function meterDynamo(client: DynamoDBClient): DynamoMeter {
  const stats = new Map<string, DynamoOpStats>();
  const entry = (operation: string, table: string): DynamoOpStats => {
    const key = `${operation} ${table}`;
    let found = stats.get(key);
    if (!found) {
      const kind = READS.has(operation) ? 'read' : WRITES.has(operation) ? 'write' : 'other';
      found = { operation, table, kind, requests: 0, items: 0, errors: 0, conditionalFailures: 0, tableUnits: 0, indexUnits: {}, addedUnits: 0, batchSizes: [] };
      stats.set(key, found);
    }
    return found;
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const sdkOperation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const original = args.input as Input;
      // ses-events' evidence writes (one UpdateItem per SES event: SNS invokes the function once per
      // event) are listed apart from the sending ledger's, so the report can show each.
      const operation = sdkOperation === 'UpdateItem' && /mailEvent/.test(String(original.UpdateExpression ?? '')) ? SES_EVENT_WRITE : sdkOperation;
      const input: Input = WITH_CAPACITY.has(sdkOperation) ? { ...original, ReturnConsumedCapacity: 'INDEXES' } : original;
      const tables = tablesOf(input);
      const stat = entry(operation, tables.join('+'));
      stat.requests++;
      const requested = requestedItems(operation, input);
      if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') stat.batchSizes.push(requested);
      try {
        const result = await next({ ...args, input });
        const output = result.output as unknown as Record<string, unknown>;
        const capacities = ([] as Capacity[]).concat((output.ConsumedCapacity as Capacity | Capacity[] | undefined) ?? []);
        for (const capacity of capacities) {
          const indexes = { ...capacity.GlobalSecondaryIndexes, ...capacity.LocalSecondaryIndexes };
          const indexTotal = Object.values(indexes).reduce((total, index) => total + (index.CapacityUnits ?? 0), 0);
          if (operation === 'TransactWriteItems') {
            // DynamoDB Local reports a transaction's capacity per request, not per item. AWS bills two
            // write units per item (up to 1 KB) on the table, and each index the item is in one write.
            stat.tableUnits += 2 * requested;
            for (const name of Object.keys(indexes)) stat.indexUnits[name] = (stat.indexUnits[name] ?? 0) + requested;
            continue;
          }
          stat.tableUnits += capacity.Table?.CapacityUnits ?? (capacity.CapacityUnits ?? 0) - indexTotal;
          for (const [name, index] of Object.entries(indexes)) stat.indexUnits[name] = (stat.indexUnits[name] ?? 0) + (index.CapacityUnits ?? 0);
        }
        const reported = capacities.reduce((total, capacity) => total + (capacity.CapacityUnits ?? 0), 0);
        stat.items += itemsDone(operation, input, output, requested);
        stat.addedUnits += unreportedReadUnits(operation, input, output, reported);
        return result;
      } catch (error) {
        stat.errors++;
        if ((error as { name?: string }).name === 'TransactionCanceledException') {
          // A cancelled transaction: DynamoDB Local reports nothing. Counted as AWS prices a transaction
          // that ran (two write units per item), which is the most it can cost.
          stat.conditionalFailures++;
          stat.addedUnits += 2 * requested;
        }
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
          // DynamoDB bills a write whose condition failed (at least 1 WRU); DynamoDB Local reports nothing for it.
          stat.conditionalFailures++;
          if (WRITES.has(operation)) stat.addedUnits += 1;
        }
        throw error;
      }
    },
    { step: 'initialize', priority: 'high', name: 'benchDynamoMeter' },
  );

  return {
    operations: () => [...stats.values()].map((s) => ({ ...s, indexUnits: { ...s.indexUnits }, batchSizes: [...s.batchSizes] })),
    reset: () => stats.clear(),
  };
}

function requestedItems(operation: string, input: Input): number {
  if (operation === 'TransactWriteItems') return input.TransactItems?.length ?? 0;
  if (operation === 'BatchWriteItem') {
    return Object.values(input.RequestItems ?? {}).reduce<number>((total, requests) => total + (requests as unknown[]).length, 0);
  }
  if (operation === 'BatchGetItem') {
    return Object.values(input.RequestItems ?? {}).reduce<number>((total, table) => total + ((table as { Keys?: unknown[] }).Keys?.length ?? 0), 0);
  }
  return 1;
}

/** Items written (batch: less what came back unprocessed) or read (Query/Scan: items returned). */
function itemsDone(operation: string, input: Input, output: Record<string, unknown>, requested: number): number {
  if (operation === 'BatchWriteItem') {
    const unprocessed = Object.values((output.UnprocessedItems as Record<string, unknown[]> | undefined) ?? {}).reduce((t, r) => t + r.length, 0);
    return requested - unprocessed;
  }
  if (operation === 'BatchGetItem') {
    return requested - unprocessedKeys(output);
  }
  if (operation === 'Query' || operation === 'Scan') return Number(output.Count ?? 0);
  if (operation === 'TransactWriteItems') return requested;
  void input;
  return 1;
}

function unprocessedKeys(output: Record<string, unknown>): number {
  return Object.values((output.UnprocessedKeys as Record<string, { Keys?: unknown[] }> | undefined) ?? {}).reduce((t, k) => t + (k.Keys?.length ?? 0), 0);
}

/**
 * Read units DynamoDB bills that DynamoDB Local leaves out of ConsumedCapacity: a key that is
 * not found still costs a read (BatchGetItem; GetItem Local already counts), and a Query or
 * Scan that finds nothing still costs one (AWS: "Read and write operations", capacity unit
 * consumption for reads of items that don't exist).
 */
function unreportedReadUnits(operation: string, input: Input, output: Record<string, unknown>, reported: number): number {
  if (operation === 'BatchGetItem') {
    let added = 0;
    const responses = (output.Responses as Record<string, unknown[]> | undefined) ?? {};
    const unprocessed = (output.UnprocessedKeys as Record<string, { Keys?: unknown[] }> | undefined) ?? {};
    for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
      const { Keys = [], ConsistentRead } = request as { Keys?: unknown[]; ConsistentRead?: boolean };
      const missing = Keys.length - (responses[table]?.length ?? 0) - (unprocessed[table]?.Keys?.length ?? 0);
      added += Math.max(0, missing) * (ConsistentRead ? 1 : 0.5);
    }
    return added;
  }
  if ((operation === 'Query' || operation === 'Scan') && reported === 0) return input.ConsistentRead ? 1 : 0.5;
  return 0;
}
