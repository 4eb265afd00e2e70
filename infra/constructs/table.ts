import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { KeyDefinition, TableDefinition } from '../../shared/contract/tables';

const attribute = (key: KeyDefinition): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

/** One table exactly as shared/contract/tables.ts describes it: on demand, PITR, AWS-managed encryption, its stream and indexes. */
export function createTable(scope: Stack, def: TableDefinition, deletionProtection: boolean): dynamodb.Table {
  const table = new dynamodb.Table(scope, `${def.name}-table`, {
    tableName: `${scope.stackName}-${def.name}`,
    partitionKey: attribute(def.partitionKey),
    sortKey: def.sortKey && attribute(def.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // AWS managed key: encrypted at rest, key usage in CloudTrail, no key policy to look after.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    stream: def.stream && dynamodb.StreamViewType[def.stream],
    timeToLiveAttribute: def.timeToLiveAttribute,
    // The findings and the delivery ledger are the record of what was learnt and who was told:
    // kept when the stack is deleted or a change would replace them. Not kept when the create
    // that made them rolls back (RetainExceptOnCreate): a failed first deploy leaves nothing
    // behind, so the retry can create the same fixed names (the CLI finds tables by them).
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    // Only when asked for: a rollback cannot delete a protected table.
    deletionProtection: deletionProtection,
  });
  for (const index of def.globalIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey && attribute(index.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}
