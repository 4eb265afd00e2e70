import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type TableDefinition, type TableKey } from '../../shared/contract/tables';
import { waitFor } from './emulators';

/** Local physical table names: the definition's own name (AWS prefixes the stack name). */
export const localTableNames = (): Record<TableKey, string> =>
  Object.fromEntries(Object.entries(TABLES).map(([key, def]) => [key, def.name])) as Record<TableKey, string>;

function createInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const keys = [def.partitionKey, def.sortKey, ...(def.globalIndexes ?? []).flatMap((gsi) => [gsi.partitionKey, gsi.sortKey])]
    .filter((key): key is NonNullable<typeof key> => Boolean(key));
  const attributes = [...new Map(keys.map((key) => [key.name, key])).values()];
  const keySchema = (pk: TableDefinition['partitionKey'], sk?: TableDefinition['sortKey']) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    KeySchema: keySchema(def.partitionKey, def.sortKey),
    StreamSpecification: def.stream ? { StreamEnabled: true, StreamViewType: def.stream } : undefined,
    GlobalSecondaryIndexes: def.globalIndexes?.map((gsi) => ({
      IndexName: gsi.name,
      KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/**
 * Creates any table that is missing, from the same definitions the stack uses, and adds
 * any index a newer definition has to a table kept in .local/ from before. Returns the
 * tables it created.
 */
export async function ensureTables(client: DynamoDBClient, names = localTableNames()): Promise<TableKey[]> {
  const created: TableKey[] = [];
  for (const key of Object.keys(TABLES) as TableKey[]) {
    const input = createInput(TABLES[key], names[key]);
    try {
      await client.send(new CreateTableCommand(input));
      created.push(key);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names[key] }));
      const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
      for (const index of input.GlobalSecondaryIndexes ?? []) {
        if (existing.has(index.IndexName)) continue;
        await client.send(
          new UpdateTableCommand({
            TableName: names[key],
            AttributeDefinitions: input.AttributeDefinitions,
            GlobalSecondaryIndexUpdates: [{ Create: index }],
          }),
        );
      }
    }
    await waitFor(`table ${names[key]} and its indexes to become active`, async () => {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names[key] }));
      return Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    });
  }
  return created;
}
