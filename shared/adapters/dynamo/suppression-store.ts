import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Suppression, SuppressionStore } from '../../core/ports';
import { chunk, untilProcessed } from './kit';

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
