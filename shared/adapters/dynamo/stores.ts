import { createHash, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../contract/definitions';
import { distributionListSchema, memberSchema, type DistributionList, type Member } from '../../core/audience';
import { OPEN_SHARDS, deliveryRowSchema, mailEventRank, openShardOf, type DeliveryRow, type MailOutcome } from '../../core/delivery';
import { errorLine, fieldPath, type FieldError } from '../../core/finding/finding';
import { eachInParallel } from '../../core/in-parallel';
import { capNotes } from '../../core/finding/held-notes';
import type { Briefing, BriefingStore, DeliveryStore, FindingStore, ListStore, Loaded, PlanSummary, Response, ResponseStore, SettingsStore } from '../../core/ports';
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
export function sortValid<T>(items: Record<string, unknown>[], schema: ZodMiniType<T>, keyOf: (item: Record<string, unknown>) => string): Loaded<T> {
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

export class DynamoFindingStore implements FindingStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async getRaw(id: string) {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: { id } }));
    return result.Item;
  }

  async putRaw(item: Record<string, unknown>) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  async replaceIf(item: Record<string, unknown>, expected: { version: unknown; status: unknown }) {
    return conditionally(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: '#version = :version AND #status = :status',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: { ':version': expected.version, ':status': expected.status },
        }),
      ),
    );
  }

  async listRaw() {
    return allPages<Record<string, unknown>>((ExclusiveStartKey) =>
      this.db.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey })),
    );
  }

  async setStatus(id: string, status: 'draft' | 'published' | 'withdrawn') {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: 'SET #status = :status',
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      }),
    );
  }

  /** Never hides that a version at least this high was sent: a planned note outranks a held one. */
  async markHeld(id: string, version: number | undefined, errors: FieldError[], now: Date, options: { evenIfPlanned?: boolean } = {}) {
    const lines = errors.map(errorLine);
    // The same hold recorded again (a replayed record) is not news: the key makes the write a no-op.
    const holdKey = createHash('sha256').update(JSON.stringify([version ?? null, lines])).digest('hex').slice(0, 16);
    // Capped, so the note always fits in the item (3,000 unknown actions keys made ~415 KB of it).
    const pipelineErrors = capNotes(lines, 'problem');
    // News: a different hold, or the same one whose admin email has not gone yet (it failed, or the
    // process died). No parentheses here: writeBack adds them, and DynamoDB refuses redundant ones.
    const news = {
      condition: 'attribute_not_exists(pipelineHoldKey) OR pipelineHoldKey <> :holdKey OR attribute_not_exists(pipelineAdminToldAt)',
      values: { ':holdKey': holdKey },
    };
    return this.writeBack(
      id,
      {
        pipelineStatus: 'held',
        pipelineMessage: `Not sent: ${errors.length} problem(s) to fix. Correct the item and save it (console), or fix your file and run findings add <file> --replace (CLI); the briefing is then sent.`,
        pipelineErrors,
        pipelineAt: now.toISOString(),
        pipelineHoldKey: holdKey,
        ...(version !== undefined ? { pipelineVersion: version } : {}),
      },
      // The admin is not told of this hold yet: see markAdminTold.
      options.evenIfPlanned
        ? { ...news, remove: ['pipelineAdminToldAt'] }
        : version !== undefined
        ? {
            condition: `(${news.condition}) AND (attribute_not_exists(pipelineStatus) OR pipelineStatus <> :planned OR pipelineVersion < :v)`,
            values: { ...news.values, ':planned': 'planned', ':v': version },
            remove: ['pipelineAdminToldAt'],
          }
        : {
            condition: `(${news.condition}) AND (attribute_not_exists(pipelineStatus) OR pipelineStatus <> :planned)`,
            values: { ...news.values, ':planned': 'planned' },
            remove: ['pipelineVersion', 'pipelineAdminToldAt'],
          },
    );
  }

  /** After the admin email went: a replay of the same hold is then not news. */
  async markAdminTold(id: string, now: Date) {
    await this.writeBack(id, { pipelineAdminToldAt: now.toISOString() }, { condition: 'pipelineStatus = :held', values: { ':held': 'held' } });
  }

  async markWithdrawn(id: string, summary: { notices: number; cancelled: number }, now: Date) {
    await this.writeBack(
      id,
      {
        pipelineStatus: 'withdrawn',
        pipelineMessage: `Withdrawn: a notice goes to ${summary.notices} person(s) who received it; ${summary.cancelled} unsent email(s) cancelled.`,
        pipelineErrors: [],
        pipelineAt: now.toISOString(),
      },
      { condition: 'attribute_exists(id)', values: {} },
    );
  }

  async markPlanned(id: string, version: number, summary: PlanSummary, now: Date) {
    await this.writeBack(
      id,
      {
        pipelineStatus: 'planned',
        pipelineMessage:
          (summary.correction
            ? `Version ${version} is a correction: it goes to the ${summary.recipients} person(s) who received an earlier version; ${summary.newDeliveries} new this time.`
            : `Version ${version} goes to ${summary.recipients} recipient(s); ${summary.newDeliveries} new this time.`) +
          (summary.suppressed ? ` ${summary.suppressed} left out (unsubscribed, bounced or complained).` : '') +
          (summary.skipped.length ? ` ${summary.skipped.length} list problem(s) left people out: see pipelineErrors.` : ''),
        pipelineErrors: capNotes(summary.skipped, 'list problem'),
        pipelineWarnings: capNotes(summary.warnings ?? [], 'warning'),
        pipelineVersion: version,
        pipelineAt: now.toISOString(),
      },
      // A late replay of an older version must not replace the note of a newer one.
      { condition: 'attribute_not_exists(pipelineStatus) OR pipelineStatus <> :planned OR pipelineVersion <= :v', values: { ':planned': 'planned', ':v': version } },
    );
  }

  /**
   * Only pipeline attributes are written, and only if the item still exists and `guard`
   * holds; otherwise nothing is written (the item was deleted, or a newer note stands).
   */
  private async writeBack(id: string, values: Record<string, unknown>, guard: { condition: string; values: Record<string, unknown>; remove?: string[] }): Promise<boolean> {
    try {
      return await this.update(id, values, guard);
    } catch (error) {
      if (!isItemTooBig(error) || !('pipelineStatus' in values)) throw error;
      // The admin's own content left no room for even the capped notes: keep the status and say why,
      // so the item still shows what happened (and the admin is still emailed) instead of dead-lettering.
      const { pipelineErrors: _errors, pipelineWarnings: _warnings, ...rest } = values;
      return this.update(
        id,
        { ...rest, pipelineMessage: `${String(values.pipelineMessage)} The item is too close to DynamoDB's 400 KB limit to hold the list: npm run cli -- findings show lists every problem.` },
        { ...guard, remove: [...new Set([...(guard.remove ?? []), 'pipelineErrors', 'pipelineWarnings'])] },
      );
    }
  }

  private async update(id: string, values: Record<string, unknown>, guard: { condition: string; values: Record<string, unknown>; remove?: string[] }): Promise<boolean> {
    const set = setClause(values);
    const remove = guard.remove?.length ? ` REMOVE ${guard.remove.join(', ')}` : '';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id },
          ConditionExpression: `attribute_exists(id) AND (${guard.condition})`,
          UpdateExpression: `SET ${set.clause}${remove}`,
          ExpressionAttributeNames: set.names,
          ExpressionAttributeValues: { ...set.values, ...guard.values },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }
}

export class DynamoListStore implements ListStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly listsTable: string,
    private readonly membersTable: string,
  ) {}

  async allLists() {
    const items = await allPages<Record<string, unknown>>((ExclusiveStartKey) => this.db.send(new ScanCommand({ TableName: this.listsTable, ExclusiveStartKey })));
    return sortValid(items, distributionListSchema, (item) => String(item.id));
  }

  async getList(id: string) {
    const result = await this.db.send(new GetCommand({ TableName: this.listsTable, Key: { id } }));
    return sortValid(result.Item ? [result.Item] : [], distributionListSchema, (item) => String(item.id));
  }

  async putList(list: DistributionList) {
    await this.db.send(new PutCommand({ TableName: this.listsTable, Item: list }));
  }

  async members(listId: string) {
    const items = await allPages<Record<string, unknown>>((ExclusiveStartKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.membersTable,
          KeyConditionExpression: 'listId = :listId',
          ExpressionAttributeValues: { ':listId': listId },
          ExclusiveStartKey,
        }),
      ),
    );
    return sortValid(items, memberSchema, (item) => String(item.email));
  }

  async membershipsOf(email: string) {
    return allPages<Member & { listId: string }>((ExclusiveStartKey) =>
      this.db.send(
        new ScanCommand({
          TableName: this.membersTable,
          FilterExpression: 'email = :email',
          ExpressionAttributeValues: { ':email': email },
          ExclusiveStartKey,
        }),
      ),
    );
  }

  async removeMember(listId: string, email: string) {
    await this.db.send(new DeleteCommand({ TableName: this.membersTable, Key: { listId, email } }));
  }

  async putMembers(listId: string, members: Member[], onProgress?: (written: number) => void) {
    return batchWrite(this.db, this.membersTable, members.map((m) => ({ ...m, listId })), onProgress);
  }
}

export class DynamoBriefingStore implements BriefingStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async putIfAbsent(briefing: Briefing) {
    if (await putIfAbsent(this.db, this.table, { ...briefing }, 'briefingId')) return { briefing, created: true };
    // Planned before (a replayed record, or re-published at the same version): keep the first snapshot.
    return { briefing: (await this.get(briefing.briefingId)) ?? briefing, created: false };
  }

  async setRecipients(briefingId: string, recipients: number) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { briefingId },
        UpdateExpression: 'SET recipients = :n',
        ExpressionAttributeValues: { ':n': recipients },
      }),
    );
  }

  async get(briefingId: string) {
    // Strongly consistent: send-briefing may read it a moment after plan-briefing wrote it.
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: { briefingId }, ConsistentRead: true }));
    return result.Item as Briefing | undefined;
  }

  async markStopped(briefingId: string, how: 'withdrawnAt' | 'supersededAt' | 'personalDataRemovedAt', at: Date, by?: number) {
    // With `by`: a higher version than any recorded (a lower one fails the condition, and the mark is there already).
    const byVersion = how === 'supersededAt' && by !== undefined;
    await conditionally(this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { briefingId },
        ConditionExpression: `attribute_exists(briefingId)${byVersion ? ' AND (attribute_not_exists(supersededBy) OR supersededBy < :by)' : ''}`,
        UpdateExpression: `SET #how = if_not_exists(#how, :at)${byVersion ? ', supersededBy = :by' : ''}`,
        ExpressionAttributeNames: { '#how': how },
        ExpressionAttributeValues: { ':at': at.toISOString(), ...(byVersion ? { ':by': by } : {}) },
      }),
    ));
  }

  async plannedSince(since: Date) {
    return allPages<Briefing>((ExclusiveStartKey) =>
      this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'plannedAt >= :since',
          ExpressionAttributeValues: { ':since': since.toISOString() },
          ExclusiveStartKey,
        }),
      ),
    );
  }
}

const BY_BRIEFING_INDEX = TABLES.deliveries.globalIndexes[0].name;
/** Conditional row writes in flight at once: a 1,000-row correction takes well under a second locally. */
const INSERT_CONCURRENCY = 16;
/** TransactWriteItems takes at most 100 items. */
const TRANSACTION_LIMIT = 100;
/** A transaction cancelled by others' conditions goes again without them; after this many rounds, one UpdateItem each. */
const TRANSACTION_ROUNDS = 3;

type UpdateInput = ConstructorParameters<typeof UpdateCommand>[0] & { UpdateExpression: string };

/** The per-item codes of a cancelled transaction (None, ConditionalCheckFailed, TransactionConflict…), or undefined for any other error. */
function cancellationReasons(error: unknown): string[] | undefined {
  if ((error as { name?: string })?.name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}
const OPEN_ROWS_INDEX = TABLES.deliveries.globalIndexes[1].name;

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  /**
   * A replayed plan must never turn a SENT row back into PENDING, and the sender may write some of
   * these keys at the same moment (it hands people over to a newer version, or sends a withdrawal
   * notice), so each row is a conditional PutItem. A strongly consistent look first skips the rows
   * that exist (a replay writes only the few new ones). `fresh` is one unconditional BatchWriteItem
   * per 25 rows: the plan has just stored the rows' snapshot with no earlier version, so none can exist.
   */
  async insertMissing(rows: DeliveryRow[], options: { fresh?: boolean } = {}) {
    if (options.fresh) return batchWrite(this.db, this.table, rows);
    const existing = new Set<string>();
    for (const group of chunk(rows, 100)) {
      await untilProcessed<Record<string, unknown>>(group.map((row) => ({ deliveryId: row.deliveryId })), async (keys) => {
        const result: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ProjectionExpression: 'deliveryId', ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.table] ?? []) existing.add(String(item.deliveryId));
        return result.UnprocessedKeys?.[this.table]?.Keys;
      }, `reads of ${this.table}`);
    }
    let written = 0;
    await eachInParallel(rows.filter((row) => !existing.has(row.deliveryId)), INSERT_CONCURRENCY, async (row) => {
      if (await putIfAbsent(this.db, this.table, row, 'deliveryId')) written++;
    });
    return written;
  }

  async claimMany(rows: readonly Pick<DeliveryRow, 'deliveryId' | 'createdAt'>[], now: Date) {
    // One update per row: a row twice in one batch (a duplicated record) is claimed once.
    const unique = [...new Map(rows.map((row) => [row.deliveryId, row])).values()];
    return this.conditionalUpdates(unique.map((row) => ({ id: row.deliveryId, update: this.claimUpdate(row.deliveryId, row.createdAt, now) })));
  }

  async markSentMany(sent: readonly { deliveryId: string; messageId: string }[], now: Date) {
    const updates = sent.map(({ deliveryId, messageId }) => ({
      id: deliveryId,
      update: this.transitionUpdate(deliveryId, 'SENDING', 'SENT', { messageId, sentAt: now.toISOString() }, { close: true }),
    }));
    const marked = await this.conditionalUpdates(updates);
    return new Set(sent.map((row) => row.deliveryId).filter((id) => !marked.has(id)));
  }

  /**
   * Conditional updates of many rows in as few requests as DynamoDB allows: one TransactWriteItems
   * per 100. A transaction is all or nothing, so when some conditions fail it is cancelled with a
   * reason per item: those rows are left out and the rest go again. Rows caught in a conflict with
   * another writer's transaction fall back to one UpdateItem each. Returns the ids updated.
   */
  private async conditionalUpdates(updates: readonly { id: string; update: UpdateInput }[]): Promise<Set<string>> {
    const done = new Set<string>();
    for (const group of chunk(updates, TRANSACTION_LIMIT)) {
      let left = group;
      for (let round = 0; left.length > 1 && round < TRANSACTION_ROUNDS; round++) {
        try {
          await this.db.send(new TransactWriteCommand({ TransactItems: left.map(({ update }) => ({ Update: update })) }));
          for (const { id } of left) done.add(id);
          left = [];
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (!reasons) throw error;
          // Only the items whose own condition failed are lost; a conflict or throttling is worth another try.
          left = left.filter((_, i) => reasons[i] !== 'ConditionalCheckFailed');
          if (reasons.every((code) => code === 'None' || code === 'ConditionalCheckFailed')) continue;
          break;
        }
      }
      for (const { id, update } of left) if (await conditionally(this.db.send(new UpdateCommand(update)))) done.add(id);
    }
    return done;
  }

  private claimUpdate(deliveryId: string, createdAt: string, now: Date): UpdateInput {
    return {
      TableName: this.table,
      Key: { deliveryId },
      ConditionExpression: '#status = :pending AND createdAt = :createdAt',
      // openSince (the open-rows index key) stays: moving it would rewrite the index entry for every send.
      UpdateExpression: 'SET #status = :sending, claimedAt = :now ADD attempts :one',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'PENDING', ':createdAt': createdAt, ':sending': 'SENDING', ':now': now.toISOString(), ':one': 1 },
    };
  }

  /** No `wakeAt`: the stream retries the failed record itself; a second wake-up would only race it. */
  async release(deliveryId: string, reason: string) {
    await this.transition(deliveryId, 'SENDING', 'PENDING', { lastError: reason }, { remove: ['wakeAt'] });
  }

  async markSent(deliveryId: string, messageId: string, now: Date) {
    await this.transition(deliveryId, 'SENDING', 'SENT', { messageId, sentAt: now.toISOString() }, { close: true });
  }

  async markFailed(deliveryId: string, reason: string, now: Date, options: { outcomeUnknown?: boolean } = {}) {
    await this.transition(deliveryId, 'SENDING', 'FAILED', { reason, failedAt: now.toISOString(), ...(options.outcomeUnknown ? { outcomeUnknown: true } : {}) }, { close: true });
  }

  async openRows(status: 'PENDING' | 'SENDING', before: Date, limit: number) {
    const perShard = Math.ceil(limit / OPEN_SHARDS);
    const rows: DeliveryRow[] = [];
    for (let shard = 0; shard < OPEN_SHARDS; shard++) {
      const found: unknown[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: OPEN_ROWS_INDEX,
            KeyConditionExpression: 'openShard = :shard AND openSince < :before',
            FilterExpression: '#status = :status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':shard': `open#${shard}`, ':before': before.toISOString(), ':status': status },
            ExclusiveStartKey,
          }),
        );
        found.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey && found.length < perShard);
      rows.push(...found.slice(0, perShard).map((item) => deliveryRowSchema.parse(item)));
    }
    return rows;
  }

  async cancel(deliveryId: string, from: 'PENDING' | 'SENDING', reason: string, now: Date) {
    return conditionally(this.transition(deliveryId, from, 'CANCELLED', { reason, cancelledAt: now.toISOString() }, { close: true }));
  }

  async byBriefing(briefingId: string, options: { consistent?: boolean } = {}) {
    const items = await allPages<Record<string, unknown>>((ExclusiveStartKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: BY_BRIEFING_INDEX,
          KeyConditionExpression: 'briefingId = :b',
          ExpressionAttributeValues: { ':b': briefingId },
          // The index says which rows exist; their state comes from the table below.
          ...(options.consistent ? { ProjectionExpression: 'deliveryId' } : {}),
          ExclusiveStartKey,
        }),
      ),
    );
    return (options.consistent ? await this.readNow(items.map((item) => String(item.deliveryId))) : items).map((item) => deliveryRowSchema.parse(item));
  }

  /** The rows as they are now (BatchGetItem, strongly consistent), 100 keys a call; rows gone meanwhile are left out. */
  private async readNow(deliveryIds: string[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (const group of chunk(deliveryIds, 100)) {
      await untilProcessed<Record<string, unknown>>(group.map((deliveryId) => ({ deliveryId })), async (keys) => {
        const result: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        found.push(...(result.Responses?.[this.table] ?? []));
        return result.UnprocessedKeys?.[this.table]?.Keys;
      }, `reads of ${this.table}`);
    }
    return found;
  }

  /**
   * One conditional update, so the row is never missing, even if this process dies half-way.
   * A new createdAt means the old stream record can never claim it; `wakeAt` is what the
   * sender's stream filter looks for in a MODIFY (a hand-back by `release` carries none).
   */
  async requeue(row: DeliveryRow, now: Date) {
    const at = now.toISOString();
    return conditionally(this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { deliveryId: row.deliveryId },
        ConditionExpression: '#status = :status AND createdAt = :createdAt',
        UpdateExpression:
          'SET #status = :pending, createdAt = :at, requeuedFrom = :status, openShard = :shard, openSince = :at, wakeAt = :at, redrives = :redrives ' +
          'REMOVE messageId, reason, outcomeUnknown',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': row.status,
          ':createdAt': row.createdAt,
          ':pending': 'PENDING',
          ':at': at,
          ':shard': openShardOf(row.deliveryId),
          // A row left SENDING may have reached SES: count it, so it is re-driven at most once.
          ':redrives': (row.redrives ?? 0) + (row.status === 'SENDING' ? 1 : 0),
        },
      }),
    ));
  }

  async get(deliveryId: string) {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: { deliveryId }, ConsistentRead: true }));
    return result.Item ? deliveryRowSchema.parse(result.Item) : undefined;
  }

  async claimNew(row: DeliveryRow, now: Date, staleSendingBefore: Date) {
    return conditionally(this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...row, status: 'SENDING', claimedAt: now.toISOString(), openShard: openShardOf(row.deliveryId), openSince: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(deliveryId) OR #status = :failed OR (#status = :sending AND claimedAt < :stale)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'FAILED', ':sending': 'SENDING', ':stale': staleSendingBefore.toISOString() },
      }),
    ));
  }

  async recordMailEvent(deliveryId: string, event: MailOutcome, at: string) {
    return conditionally(this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { deliveryId },
        ConditionExpression: 'attribute_exists(deliveryId) AND (attribute_not_exists(mailEventRank) OR mailEventRank <= :rank)',
        UpdateExpression: 'SET mailEvent = :event, mailEventAt = :at, mailEventRank = :rank',
        ExpressionAttributeValues: { ':event': event, ':at': at, ':rank': mailEventRank(event) },
      }),
    ));
  }

  async acknowledge(deliveryId: string, at: Date) {
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { deliveryId },
          ConditionExpression: '#status = :sent',
          // The agency and role at the time: the report counts them even if the person moves on.
          UpdateExpression: 'SET acknowledgedAt = if_not_exists(acknowledgedAt, :at), ackAgency = if_not_exists(ackAgency, agency), ackRole = if_not_exists(ackRole, #role)',
          ExpressionAttributeNames: { '#status': 'status', '#role': 'role' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':at': at.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const row = deliveryRowSchema.parse(result.Attributes);
      return { first: row.acknowledgedAt === at.toISOString(), row };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async markAnswered(deliveryId: string) {
    return conditionally(this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { deliveryId },
        ConditionExpression: 'attribute_exists(acknowledgedAt) AND attribute_not_exists(answered)',
        UpdateExpression: 'SET answered = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    ));
  }

  async claimReminder(deliveryId: string, now: Date) {
    return conditionally(this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { deliveryId },
        ConditionExpression: '#status = :sent AND attribute_not_exists(reminderSentAt) AND attribute_not_exists(acknowledgedAt) AND attribute_not_exists(personalDataRemovedAt)',
        UpdateExpression: 'SET reminderSentAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'SENT', ':now': now.toISOString() },
      }),
    ));
  }

  async removePersonalData(deliveryId: string, now: Date) {
    return conditionally(this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { deliveryId },
        ConditionExpression: 'attribute_exists(deliveryId) AND attribute_not_exists(personalDataRemovedAt)',
        UpdateExpression: 'SET email = :removed, #name = :empty, personalDataRemovedAt = :now REMOVE lastError, messageId, reason',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':removed': 'removed', ':empty': '', ':now': now.toISOString() },
      }),
    ));
  }

  async byRecipient(recipientKey: string) {
    const items = await allPages<unknown>((ExclusiveStartKey) =>
      this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'recipientKey = :k',
          ExpressionAttributeValues: { ':k': recipientKey },
          ExclusiveStartKey,
        }),
      ),
    );
    return items.map((item) => deliveryRowSchema.parse(item));
  }

  async anonymise(row: DeliveryRow, now: Date) {
    const stored = (await this.db.send(new GetCommand({ TableName: this.table, Key: { deliveryId: row.deliveryId }, ConsistentRead: true }))).Item;
    if (!stored) return;
    const stand = `erased-${randomUUID()}`;
    // Everything that names or points at the person goes; SES error text (reason, lastError) can quote the address.
    const { email: _e, name: _n, messageId: _m, reason: _r, lastError: _l, openShard: _s, openSince: _o, ...kept } = stored;
    const done = row.status === 'SENT' || row.status === 'FAILED';
    // Written before the original goes, so a crash between the two loses no count (it may double one).
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...kept,
          deliveryId: `${row.briefingId}#${stand}`,
          recipientKey: stand,
          email: 'erased',
          name: '',
          status: done ? row.status : 'FAILED',
          ...(row.status === 'SENT' ? {} : { reason: 'Not sent (the recipient’s data was erased).' }),
          erasedAt: now.toISOString(),
        },
      }),
    );
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { deliveryId: row.deliveryId } }));
  }

  /** `close`: the row is finished, so it leaves the sweeper's index. */
  private async transition(deliveryId: string, from: string, to: string, values: Record<string, unknown>, options: { close?: boolean; remove?: string[] } = {}) {
    await this.db.send(new UpdateCommand(this.transitionUpdate(deliveryId, from, to, values, options)));
  }

  private transitionUpdate(deliveryId: string, from: string, to: string, values: Record<string, unknown>, options: { close?: boolean; remove?: string[] } = {}): UpdateInput {
    const set = setClause({ status: to, ...values });
    const remove = [...(options.close ? ['openShard', 'openSince', 'wakeAt'] : []), ...(options.remove ?? [])];
    return {
      TableName: this.table,
      Key: { deliveryId },
      ConditionExpression: '#status = :from',
      UpdateExpression: `SET ${set.clause}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ExpressionAttributeNames: set.names,
      ExpressionAttributeValues: { ':from': from, ...set.values },
    };
  }
}

const DENY_LIST = 'deny-list';
const ALLOW_LIST = 'allow-list';

/** Each list is one item in the settings table, { key, terms: [...] }, as an admin would also edit it in the console. */
export class DynamoSettingsStore implements SettingsStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  denyList() {
    return this.readList(DENY_LIST);
  }

  setDenyList(terms: readonly string[]) {
    return this.writeList(DENY_LIST, terms);
  }

  allowList() {
    return this.readList(ALLOW_LIST);
  }

  setAllowList(names: readonly string[]) {
    return this.writeList(ALLOW_LIST, names);
  }

  private async readList(key: string) {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: { key }, ConsistentRead: true }));
    const terms: unknown = result.Item?.terms;
    const list = terms instanceof Set ? [...terms] : Array.isArray(terms) ? terms : [];
    return list.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());
  }

  private async writeList(key: string, terms: readonly string[]) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { key, terms: [...terms], updatedAt: new Date().toISOString() } }));
  }
}

const RESPONSES_BY_BRIEFING = TABLES.responses.globalIndexes[0].name;

export class DynamoResponseStore implements ResponseStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async put(response: Response) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...response } }));
  }

  async byBriefing(briefingId: string) {
    return allPages<Response>((ExclusiveStartKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: RESPONSES_BY_BRIEFING,
          KeyConditionExpression: 'briefingId = :b',
          ExpressionAttributeValues: { ':b': briefingId },
          ExclusiveStartKey,
        }),
      ),
    );
  }
}
