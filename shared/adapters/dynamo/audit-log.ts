import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog } from '../../core/console/audit';

/**
 * The console's audit log. Append-only twice over: each entry is put only if its key is new, and
 * the console's IAM grant on the table is PutItem and reads, with no UpdateItem or DeleteItem.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async append(entry: Omit<AuditEntry, 'at'>, now: Date): Promise<void> {
    const at = `${now.toISOString()}#${randomBytes(4).toString('hex')}`;
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { month: now.toISOString().slice(0, 7), at, ...entry },
        ConditionExpression: 'attribute_not_exists(#at)',
        ExpressionAttributeNames: { '#at': 'at' },
      }),
    );
  }

  async month(month: string, limit = 500): Promise<AuditEntry[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: '#month = :month',
        ExpressionAttributeNames: { '#month': 'month' },
        ExpressionAttributeValues: { ':month': month },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((item) => ({ ...(item as AuditEntry), at: String(item.at).split('#')[0]! }));
  }
}
