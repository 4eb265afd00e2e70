import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES, type TableKey } from '../shared/contract/tables';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../infra/local/emulators';
import { localTableNames } from '../infra/local/tables';
import { stores } from '../shared/adapters/wiring';

/**
 * Where the CLI works: the local default (DynamoDB Local on DYNAMODB_PORT, 8000 by
 * default) or AWS (tables named `<stack>-<table>`, credentials and region from the
 * usual AWS settings). Chosen by --target or BRIEFINGS_TARGET.
 */
export interface TargetOptions {
  target?: string;
  stack?: string;
  env: NodeJS.ProcessEnv;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function connect({ target, stack, env }: TargetOptions) {
  const where = target ?? env.BRIEFINGS_TARGET ?? 'local';
  let client: DynamoDBClient;
  let tables: Record<TableKey, string>;
  let description: string;
  if (where === 'local') {
    const endpoint = env.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${env.DYNAMODB_PORT ?? 8000}`;
    client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
    tables = localTableNames();
    description = `local DynamoDB at ${endpoint}`;
  } else if (where === 'aws') {
    const stackName = stack ?? env.BRIEFINGS_STACK ?? 'SafeguardingBriefings';
    client = new DynamoDBClient({});
    tables = Object.fromEntries(Object.entries(TABLES).map(([key, def]) => [key, `${stackName}-${def.name}`])) as Record<TableKey, string>;
    description = `AWS stack ${stackName}`;
  } else {
    throw new UsageError(`--target ${where} is not known: use local or aws.`);
  }
  const store = stores({ tables }, client);
  return {
    description,
    tables,
    findings: store.findings(),
    lists: store.lists(),
    briefings: store.briefings(),
    deliveries: store.deliveries(),
    subscribers: store.subscribers(),
    suppressions: store.suppressions(),
    settings: store.settings(),
    responses: store.responses(),
    isLocal: where === 'local',
    close: () => client.destroy(),
  };
}

export type Target = ReturnType<typeof connect>;
