import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../contract/definitions';
import type { RateLimiter, Suppression, SuppressionStore, SubscriberStore } from '../../core/ports';
import { ALL_TOPICS, subscriberSchema, type Frequency, type Subscriber } from '../../core/subscriber';
import type { TopicId } from '../../core/taxonomy';
import { allPages, chunk, conditionally, sortValid, untilProcessed } from './kit';

const PROFILE = 'profile';
const BY_TOPIC_INDEX = TABLES.subscribers.globalIndexes[0].name;
/** `*` stands for "all topics" in the index, so one Query finds everyone who chose everything. */
const indexTopic = (topic: TopicId | typeof ALL_TOPICS) => (topic === ALL_TOPICS ? '*' : topic);
const topicEntry = (topic: string) => `topic#${topic}`;

/** The index entries a subscriber should have: one per topic while confirmed, none otherwise. */
function entriesFor(subscriber: Subscriber): Map<string, Record<string, unknown>> {
  const entries = new Map<string, Record<string, unknown>>();
  if (subscriber.status !== 'confirmed') return entries;
  const topics = subscriber.topics === ALL_TOPICS ? ['*'] : subscriber.topics.map(indexTopic);
  for (const topic of topics) {
    // A full copy of the profile, so the audience Query needs no second read.
    entries.set(topicEntry(topic), { ...subscriber, entry: topicEntry(topic), topicKey: `${topic}#${subscriber.frequency}` });
  }
  return entries;
}

export class DynamoSubscriberStore implements SubscriberStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(subscriberId: string) {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: { subscriberId, entry: PROFILE }, ConsistentRead: true }));
    const parsed = subscriberSchema.safeParse(result.Item);
    return parsed.success ? parsed.data : undefined;
  }

  async put(subscriber: Subscriber) {
    const wanted = entriesFor(subscriber);
    const existing = await this.entryKeys(subscriber.subscriberId);
    const stale = existing.filter((entry) => entry !== PROFILE && !wanted.has(entry));
    // At most 1 + 24 topics + 24 stale entries: inside TransactWriteItems' limit of 100.
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { ...subscriber, entry: PROFILE } } },
          ...[...wanted.values()].map((Item) => ({ Put: { TableName: this.table, Item } })),
          ...stale.map((entry) => ({ Delete: { TableName: this.table, Key: { subscriberId: subscriber.subscriberId, entry } } })),
        ],
      }),
    );
  }

  async confirmedFor(topics: readonly TopicId[], frequency: Frequency) {
    const byId = new Map<string, Subscriber>();
    for (const topic of [...new Set(topics.map(indexTopic)), '*']) {
      const items = await allPages<Record<string, unknown>>((ExclusiveStartKey) =>
        this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: BY_TOPIC_INDEX,
            KeyConditionExpression: 'topicKey = :k',
            ExpressionAttributeValues: { ':k': `${topic}#${frequency}` },
            ExclusiveStartKey,
          }),
        ),
      );
      for (const item of items) {
        const parsed = subscriberSchema.safeParse(item);
        if (parsed.success && parsed.data.status === 'confirmed') byId.set(parsed.data.subscriberId, parsed.data);
      }
    }
    return [...byId.values()];
  }

  async all() {
    const items = await allPages<Record<string, unknown>>((ExclusiveStartKey) =>
      this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'entry = :profile',
          ExpressionAttributeValues: { ':profile': PROFILE },
          ExclusiveStartKey,
        }),
      ),
    );
    return sortValid(items, subscriberSchema, (item) => String(item.subscriberId));
  }

  async remove(subscriberId: string) {
    for (const entry of await this.entryKeys(subscriberId)) {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { subscriberId, entry } }));
    }
  }

  private async entryKeys(subscriberId: string): Promise<string[]> {
    const items = await allPages<{ entry: string }>((ExclusiveStartKey) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'subscriberId = :id',
          ExpressionAttributeValues: { ':id': subscriberId },
          ProjectionExpression: 'entry',
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      ),
    );
    return items.map((item) => item.entry);
  }
}

export class DynamoSuppressionStore implements SuppressionStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async suppressed(recipientKeys: readonly string[]) {
    const found = new Map<string, Suppression>();
    for (const group of chunk([...new Set(recipientKeys)], 100)) {
      await untilProcessed<Record<string, unknown>>(group.map((recipientKey) => ({ recipientKey })), async (keys) => {
        const result: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.table] ?? []) found.set(String(item.recipientKey), item as Suppression);
        return result.UnprocessedKeys?.[this.table]?.Keys;
      }, `reads of ${this.table}`);
    }
    return found;
  }

  async get(recipientKey: string) {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: { recipientKey }, ConsistentRead: true }));
    return result.Item as Suppression | undefined;
  }

  async put(suppression: Suppression) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...suppression } }));
  }

  async lift(recipientKey: string) {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { recipientKey } }));
  }
}

export class DynamoRateLimiter implements RateLimiter {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async allow(key: string, limit: number, windowSeconds: number, now: Date) {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const windowStart = nowSeconds - (nowSeconds % windowSeconds);
    return conditionally(this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { limitKey: `${key}#${windowStart}` },
        UpdateExpression: 'SET expiresAt = :expires ADD hits :one',
        ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
        ExpressionAttributeValues: { ':expires': windowStart + 2 * windowSeconds, ':one': 1, ':limit': limit },
      }),
    ));
  }
}
