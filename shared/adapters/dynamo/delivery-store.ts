import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../contract/tables';
import { OPEN_SHARDS, deliveryRowSchema, erasedStandIn, mailEventRank, openShardOf, type DeliveryRow, type MailOutcome } from '../../core/delivery';
import { eachInParallel } from '../../core/in-parallel';
import type { DeliveryStore } from '../../core/ports';
import { isConditionFailure, conditionally, allPages, setClause, chunk, untilProcessed, batchWrite, putIfAbsent } from './kit';

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
    // Written before the original goes, so a crash between the two loses no count (it may double one).
    await this.db.send(new PutCommand({ TableName: this.table, Item: erasedStandIn(stored, row, `erased-${randomUUID()}`, now) }));
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
