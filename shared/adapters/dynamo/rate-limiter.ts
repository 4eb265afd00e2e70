import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../../core/ports';
import { conditionally } from './kit';

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
