/** The small DynamoDB kit every store uses: the document client, conditional writes, paging, batches, and items checked against their schema. */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { fieldPath } from '../../core/finding/finding';
import type { Loaded } from '../../core/ports';
import type { ZodMiniType } from 'zod/mini';

export function documentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** DynamoDB refuses a write that would make the item bigger than 400 KB with this ValidationException. */
export const isItemTooBig = (error: unknown) =>
  (error as { name?: string })?.name === 'ValidationException' && /item size/i.test(String((error as Error).message));

export const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';

/** A conditional write: true when it was made, false when its condition failed (someone else moved the item). */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Walks every page of a Query or Scan. */
export async function allPages<T>(fetch: (startKey?: Record<string, unknown>) => Promise<{ Items?: unknown[]; LastEvaluatedKey?: Record<string, unknown> }>) {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await fetch(startKey);
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** `SET #a = :a, #b = :b` with its names and values, for an UpdateItem. */
export function setClause(values: Record<string, unknown>) {
  const names = Object.keys(values);
  return {
    clause: names.map((n) => `#${n} = :${n}`).join(', '),
    names: Object.fromEntries(names.map((n) => [`#${n}`, n])),
    values: Object.fromEntries(names.map((n) => [`:${n}`, values[n]])),
  };
}

/** Splits items into those the schema accepts and those it does not, with field-level problems. */
export function partitionBySchema<T>(items: Record<string, unknown>[], schema: ZodMiniType<T>, keyOf: (item: Record<string, unknown>) => string): Loaded<T> {
  const loaded: Loaded<T> = { valid: [], invalid: [] };
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) loaded.valid.push(parsed.data);
    else loaded.invalid.push({ key: keyOf(item), problems: parsed.error.issues.map((i) => `${fieldPath(i.path)}: ${i.message}`) });
  }
  return loaded;
}

export const chunk = <T>(items: readonly T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends what is left until DynamoDB leaves nothing unprocessed, backing off between tries. */
export async function untilProcessed<T>(pending: T[], send: (pending: T[]) => Promise<T[] | undefined>, what: string) {
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt > 10) throw new Error(`DynamoDB left ${pending.length} ${what} unprocessed after ${attempt} tries.`);
    if (attempt > 0) await pause(Math.min(2000, 50 * 2 ** attempt));
    pending = (await send(pending)) ?? [];
  }
}

/** BatchWriteItem, 25 at a time, retrying unprocessed items with backoff until all are written. */
export async function batchWrite(db: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[], onProgress?: (written: number) => void) {
  let written = 0;
  for (const group of chunk(items, 25)) {
    await untilProcessed(group.map((Item) => ({ PutRequest: { Item } })), async (requests) => {
      const result: BatchWriteCommandOutput = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      return result.UnprocessedItems?.[table] as typeof requests | undefined;
    }, `writes to ${table}`);
    written += group.length;
    onProgress?.(written);
  }
  return written;
}

/** PutItem unless an item with this key exists; false when one did. */
export async function putIfAbsent(db: DynamoDBDocumentClient, table: string, item: Record<string, unknown>, key: string): Promise<boolean> {
  return conditionally(db.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: `attribute_not_exists(${key})` })));
}
