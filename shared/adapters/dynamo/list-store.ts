import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand
} from '@aws-sdk/lib-dynamodb';
import { distributionListSchema, memberSchema, type DistributionList, type Member } from '../../core/audience';
import type { ListStore } from '../../core/ports';
import { allPages, partitionBySchema, batchWrite } from './kit';

export class DynamoListStore implements ListStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly listsTable: string,
    private readonly membersTable: string,
  ) {}

  async allLists() {
    const items = await allPages<Record<string, unknown>>((ExclusiveStartKey) => this.db.send(new ScanCommand({ TableName: this.listsTable, ExclusiveStartKey })));
    return partitionBySchema(items, distributionListSchema, (item) => String(item.id));
  }

  async getList(id: string) {
    const result = await this.db.send(new GetCommand({ TableName: this.listsTable, Key: { id } }));
    return partitionBySchema(result.Item ? [result.Item] : [], distributionListSchema, (item) => String(item.id));
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
    return partitionBySchema(items, memberSchema, (item) => String(item.email));
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
