import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../contract/tables';
import type { Response, ResponseStore } from '../../core/ports';
import { allPages } from './kit';

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
