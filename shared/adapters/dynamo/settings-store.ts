import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand
} from '@aws-sdk/lib-dynamodb';
import type { SettingsStore } from '../../core/ports';

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
