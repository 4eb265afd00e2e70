import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BriefingFunction } from './constructs/briefing-function';
import {
  COMMON_ENV,
  FUNCTIONS,
  TABLES,
  type Access,
  type FunctionDefinition,
  type FunctionName,
  type KeyDefinition,
  type TableDefinition,
  type TableKey,
} from './definitions';

/** Function entries in definitions.ts are relative to the repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..');

export interface BriefingsStackProps extends StackProps {
  /** The From address of every briefing, e.g. briefings@example.org. */
  readonly senderAddress: string;
  /** Public https:// base URL of the subscription pages (links in every email). */
  readonly publicBaseUrl: string;
  /** Who hears about records landing in a dead-letter queue. @default no notification, alarm only */
  readonly alarmEmail?: string;
  /**
   * Verify only the sender address, or its whole domain (Easy DKIM, needs DNS records).
   * @default 'address'
   */
  readonly senderIdentity?: 'address' | 'domain';
}

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

const entries = <K extends string, V>(record: Partial<Record<K, V>>) => Object.entries(record) as [K, V][];
const attribute = (key: KeyDefinition): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

export class BriefingsStack extends Stack {
  readonly tables = {} as Record<TableKey, dynamodb.Table>;
  readonly functions = {} as Record<FunctionName, BriefingFunction>;
  readonly deadLetterQueues = {} as Record<FunctionName, sqs.Queue>;
  readonly deadLetterAlarms = {} as Record<FunctionName, cloudwatch.Alarm>;
  readonly emailIdentity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly alarmTopic?: sns.Topic;

  constructor(scope: Construct, id: string, props: BriefingsStackProps) {
    super(scope, id, props);
    const { senderAddress, publicBaseUrl } = props;
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(senderAddress)) {
      throw new StackConfigError(`senderAddress '${senderAddress}' is not an email address: it is the From address of every briefing, for example briefings@example.org.`);
    }
    if (!/^https:\/\/[^\s/]+/.test(publicBaseUrl)) {
      throw new StackConfigError(`publicBaseUrl '${publicBaseUrl}' must be an https:// URL: the base of the links in every briefing, for example https://briefings.example.org.`);
    }

    // ---- Tables: exactly as definitions.ts describes them.
    for (const [key, def] of entries<TableKey, TableDefinition>(TABLES)) {
      const table = new dynamodb.Table(this, `${def.name}-table`, {
        tableName: `${this.stackName}-${def.name}`,
        partitionKey: attribute(def.partitionKey),
        sortKey: def.sortKey && attribute(def.sortKey),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // AWS managed key: encrypted at rest, key usage in CloudTrail, no key policy to look after.
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        stream: def.stream && dynamodb.StreamViewType[def.stream],
        // The findings and the delivery ledger are the record of what was learnt and who was told.
        removalPolicy: RemovalPolicy.RETAIN,
        deletionProtection: true,
      });
      for (const index of def.globalIndexes ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey && attribute(index.sortKey),
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      this.tables[key] = table;
      new CfnOutput(this, `${pascal(key)}TableName`, { value: table.tableName, description: `${def.envVar}: the ${def.name} table` });
    }

    // ---- SES: the verified sender and a configuration set every send goes through.
    this.configurationSet = new ses.ConfigurationSet(this, 'configuration-set', {
      // Briefings carry safeguarding learning: never hand them to a mail server without TLS.
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const senderDomain = senderAddress.slice(senderAddress.indexOf('@') + 1);
    this.emailIdentity = new ses.EmailIdentity(this, 'sender-identity', {
      identity: props.senderIdentity === 'domain' ? ses.Identity.domain(senderDomain) : ses.Identity.email(senderAddress),
      configurationSet: this.configurationSet,
    });
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });

    if (props.alarmEmail) {
      this.alarmTopic = new sns.Topic(this, 'alarm-topic', { displayName: 'Safeguarding briefings alarms', enforceSSL: true });
      const subscription = new snsSubscriptions.EmailSubscription(props.alarmEmail);
      this.alarmTopic.addSubscription(subscription);
      Validations.of(this.alarmTopic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'The only subscription is the operator email. SNS retries email delivery itself, and the alarm stays in ALARM in the CloudWatch console, so an undelivered notification is not lost information; a redrive queue would only be another queue nobody reads.',
      });
    }

    // ---- Functions: one per definition, with exactly the access it declares.
    for (const [name, def] of entries<FunctionName, FunctionDefinition>(FUNCTIONS)) {
      const fn = new BriefingFunction(this, name, {
        entry: path.join(REPO_ROOT, def.entry),
        description: def.description,
        memorySize: def.memoryMb,
        timeout: Duration.seconds(def.timeoutSeconds),
      });
      for (const [tableKey, access] of entries<TableKey, Access | undefined>(def.tables)) {
        if (access) this.grantTable(fn, tableKey, access);
      }
      if (def.sendsEmail) this.grantSendEmail(fn, senderAddress, publicBaseUrl, configurationSetArn);
      this.connectTrigger(name, fn, def);
      this.acknowledgeFunctionFindings(fn);
      this.functions[name] = fn;
      new CfnOutput(this, `${pascal(name)}FunctionName`, { value: fn.functionName });
    }

    new CfnOutput(this, 'SenderIdentity', { value: this.emailIdentity.emailIdentityName, description: 'SES identity to verify (click the link SES emails to it, or publish the DKIM records for a domain)' });
    new CfnOutput(this, 'ConfigurationSetName', { value: this.configurationSet.configurationSetName, description: `Value of ${COMMON_ENV.configurationSet}` });
  }

  /** A grant and the env var naming its table always go together. */
  private grantTable(fn: BriefingFunction, key: TableKey, access: Access): void {
    const table = this.tables[key];
    if (access === 'read') table.grantReadData(fn);
    else if (access === 'write') table.grantWriteData(fn);
    else table.grantReadWriteData(fn);
    const def: TableDefinition = TABLES[key];
    fn.addEnvironment(def.envVar, table.tableName);
    if (def.globalIndexes?.length) {
      // CDK's table grants also cover the table's GSIs, as `<table ARN>/index/*`.
      const logicalId = this.getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
      Validations.of(fn.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
        reason: `The ${access} grant on the ${def.name} table also covers its global secondary indexes (${def.globalIndexes.map((index) => index.name).join(', ')}) as "<table ARN>/index/*". The wildcard stays inside this one table.`,
      });
    }
  }

  /** SendRawEmail from the verified sender through the configuration set, and nothing else in SES. */
  private grantSendEmail(fn: BriefingFunction, senderAddress: string, publicBaseUrl: string, configurationSetArn: string): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [this.emailIdentity.emailIdentityArn, configurationSetArn],
      }),
    );
    fn.addEnvironment(COMMON_ENV.senderAddress, senderAddress);
    fn.addEnvironment(COMMON_ENV.publicBaseUrl, publicBaseUrl);
    fn.addEnvironment(COMMON_ENV.configurationSet, this.configurationSet.configurationSetName);
  }

  /** Stream → function with the definition's filters and batch settings; failures go to a watched queue. */
  private connectTrigger(name: FunctionName, fn: BriefingFunction, def: FunctionDefinition): void {
    const trigger = def.trigger;
    const source = this.tables[trigger.table];
    const tableDef: TableDefinition = TABLES[trigger.table];
    if (!tableDef.stream) {
      throw new StackConfigError(`${name} is triggered by the ${tableDef.name} table, which has no stream: add 'stream' to TABLES.${trigger.table} in infra/definitions.ts.`);
    }

    const dlq = new sqs.Queue(this, `${name}-dlq`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The maximum: time to look at a failed record and replay it from the table.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(dlq).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter destination of the ${name} stream mapping. It receives only failure metadata (shard, sequence numbers) for an operator to inspect and replay; nothing consumes it, so it has no queue of its own to redrive to.`,
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: `Terminal dead-letter destination of the ${name} stream mapping: nothing receives from it, so there is no receive count to redrive on. Its ApproximateNumberOfMessagesVisible alarm is the signal.`,
      },
    );
    this.deadLetterQueues[name] = dlq;

    fn.addEventSource(
      new DynamoEventSource(source, {
        startingPosition: lambda.StartingPosition[trigger.startingPosition],
        batchSize: trigger.batchSize,
        maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
        retryAttempts: trigger.retryAttempts,
        bisectBatchOnError: trigger.bisectOnError,
        maxRecordAge: Duration.seconds(trigger.maxRecordAgeSeconds),
        parallelizationFactor: trigger.parallelizationFactor,
        reportBatchItemFailures: true,
        // FilterCriteria.filter serialises to { pattern: JSON.stringify(pattern) }, the form Lambda expects.
        filters: trigger.filters.map((pattern) => lambda.FilterCriteria.filter(pattern)),
        onFailure: new SqsDlq(dlq),
      }),
    );

    const alarm = new cloudwatch.Alarm(this, `${name}-dlq-alarm`, {
      alarmDescription: `Stream records that ${name} could not process after ${trigger.retryAttempts} retries are in its dead-letter queue. Inspect the queue, fix the cause, replay the records.`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (this.alarmTopic) alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    this.deadLetterAlarms[name] = alarm;
    new CfnOutput(this, `${pascal(name)}DeadLetterQueueUrl`, { value: dlq.queueUrl });
  }

  /**
   * Findings that cannot be fixed in the construct, each with its reason. Only the exact
   * finding is acknowledged, so any new wildcard still fails the synth.
   */
  private acknowledgeFunctionFindings(fn: BriefingFunction): void {
    Validations.of(fn.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" is used only for actions that have no resource-level permissions: xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and dynamodb:ListStreams (added by the DynamoDB stream event source). Every table, stream, queue and SES permission is scoped to its ARN; test/infra/stack.test.ts asserts both.',
    });
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'The function is invoked only by a DynamoDB stream event source mapping, a synchronous invocation. Failed records go to the mapping\'s OnFailure SQS destination (with an alarm). A function DeadLetterConfig applies only to asynchronous invocations, which this function never receives.',
    });
  }
}

/** `list-members` / `listMembers` → `ListMembers`, for readable output names. */
function pascal(value: string): string {
  return value.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
