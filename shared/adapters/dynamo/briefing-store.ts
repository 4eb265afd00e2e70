import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Briefing, BriefingStore } from '../../core/ports';
import { conditionally, allPages, putIfAbsent } from './kit';

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
