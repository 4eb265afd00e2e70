import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../contract/tables';
import type { SubscriberStore } from '../../core/ports';
import { ALL_TOPICS, subscriberSchema, type Frequency, type Subscriber } from '../../core/subscriber';
import type { TopicId } from '../../core/taxonomy';
import { allPages, partitionBySchema } from './kit';

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
    return partitionBySchema(items, subscriberSchema, (item) => String(item.subscriberId));
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
