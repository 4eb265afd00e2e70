import * as path from 'node:path';
import { Annotations, CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  DEFAULT_MAX_SEND_RATE,
  DEFAULT_PARTNERSHIP_NAME,
  DEFAULT_REMINDER_AFTER_DAYS,
  DEFAULT_RETENTION_DAYS,
  readPartnershipName,
  readSendRate,
} from '../shared/contract/settings';
import { functionEnvironment, functionTrigger, type Deployment } from '../shared/contract/deployment';
import { BriefingFunction } from './constructs/briefing-function';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { SesSetupAlarm } from './constructs/ses-setup-alarm';
import { COMMON_ENV } from '../shared/contract/environment';
import { FUNCTIONS, type Access, type FunctionDefinition, type FunctionName, type HttpTrigger, type SesEventsTrigger, type StreamTrigger, type Trigger, type WeeklyScheduleTrigger, type IntervalTrigger } from '../shared/contract/functions';
import { TABLES, type TableDefinition, type TableKey } from '../shared/contract/tables';
import { sendingPlan } from '../shared/contract/sending';
import { createAdminPool } from './constructs/admin-pool';
import { PagesApi, createPagesApi, addPageRoutes } from './constructs/pages-api';
import { whenOf, SCHEDULE_RETRY, scheduleFunction } from './constructs/schedule';
import { sesEventsTopic } from './constructs/ses-events-topic';
import { StackConfigError } from './stack-config-error';
import { addStreamSource } from './constructs/stream-source';
import { createTable } from './constructs/table';
import { createTokenKey } from './constructs/token-key';

/** Function entries in shared/contract/functions.ts are relative to the repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..');

export interface BriefingsStackProps extends StackProps {
  /** The From address of every briefing, e.g. briefings@example.org. */
  readonly senderAddress: string;
  /** Public https:// base URL of the subscription pages (links in every email). */
  readonly publicBaseUrl: string;
  /** Who hears about records landing in a dead-letter queue. @default no notification, alarm only */
  readonly alarmEmail?: string;
  /** Branding: an https:// address of the partnership's logo (emails, pages, console). */
  readonly logoUrl?: string;
  /** Branding: the contact details shown in footers. */
  readonly contactDetails?: string;
  /** Where notices of held findings go (what to fix). @default the sender address */
  readonly adminEmail?: string;
  /** Days after a briefing before the one reminder to acknowledge it. @default 0 (no reminders) */
  readonly reminderAfterDays?: number;
  /** Days after a briefing before addresses and names leave its ledger rows. @default 730 */
  readonly retentionDays?: number;
  /**
   * The account's SES maximum send rate, emails per second (the SES console shows it).
   * send-briefing's concurrency and pace are derived from it (see sendingPlan). @default 14
   */
  readonly maxSendRate?: number;
  /**
   * Reserve send-briefing's concurrency (sendingPlan's instance count), so Lambda never runs more
   * senders than share maxSendRate, whatever the deliveries stream's shard count. Off unless asked
   * for: Lambda refuses a reservation that leaves the account fewer than 100 unreserved
   * executions, and a new account's quota can be 10, so the first deploy would fail (README,
   * "Lambda concurrency"). @default false
   */
  readonly reserveSendConcurrency?: boolean;
  /**
   * DynamoDB deletion protection on every table. Off unless asked for: CloudFormation cannot
   * delete a protected table when a first create rolls back, so it would be left behind and the
   * retry would fail on its fixed name. Turn it on once the stack exists. @default false
   */
  readonly tableDeletionProtection?: boolean;
  /**
   * Verify only the sender address, or its whole domain (Easy DKIM, needs DNS records).
   * @default 'address'
   */
  readonly senderIdentity?: 'address' | 'domain';
  /** The partnership's name: the From header's display name, the emails' footers, the pages. @default 'Safeguarding Children Partnership' */
  readonly partnershipName?: string;
}

const entries = <K extends string, V>(record: Partial<Record<K, V>>) => Object.entries(record) as [K, V][];

export class BriefingsStack extends Stack {
  readonly tables = {} as Record<TableKey, dynamodb.Table>;
  readonly functions = {} as Record<FunctionName, BriefingFunction>;
  /** Every function that can fail out of sight has one (stream, schedule, SES events); HTTP functions answer their caller. */
  readonly deadLetterQueues: Partial<Record<FunctionName, DeadLetterQueue>> = {};
  readonly deadLetterAlarms: Partial<Record<FunctionName, cloudwatch.Alarm>> = {};
  readonly schedules: Partial<Record<FunctionName, scheduler.Schedule>> = {};
  readonly sesEventTopics: Partial<Record<FunctionName, sns.Topic>> = {};
  readonly emailIdentity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  readonly alarmTopic?: sns.Topic;
  /** Fires on send-briefing's "SES set-up problem" log line: SES refuses to send until someone fixes the account or its set-up. */
  readonly sesSetupAlarm: SesSetupAlarm;
  private readonly publicBaseUrl: string;
  private readonly adminAddress: string;
  private readonly maxSendRate: number;
  /** send-briefing's instance count, batches per shard and per-instance pace, from maxSendRate. */
  readonly sending: ReturnType<typeof sendingPlan>;
  /** Whether send-briefing's concurrency is reserved at sending.concurrency (only when asked for). */
  readonly sendConcurrencyReserved: boolean;
  private pages?: PagesApi;
  private tokenKey?: secretsmanager.Secret;

  /** The one HTTP API in front of every http-triggered function (undefined if there is none). */
  get pagesApi(): apigwv2.HttpApi | undefined {
    return this.pages?.api;
  }
  /** The `$default` stage of the pages API: throttled, access-logged. */
  get pagesStage(): apigwv2.HttpStage | undefined {
    return this.pages?.stage;
  }
  /** The HMAC key that signs links in emails (undefined if no function signs links). */
  get tokenKeySecret(): secretsmanager.Secret | undefined {
    return this.tokenKey;
  }

  constructor(scope: Construct, id: string, props: BriefingsStackProps) {
    super(scope, id, props);
    const { senderAddress, publicBaseUrl } = props;
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(senderAddress)) {
      throw new StackConfigError(`senderAddress '${senderAddress}' is not an email address: it is the From address of every briefing, for example briefings@example.org.`);
    }
    if (!/^https:\/\/[^\s/]+/.test(publicBaseUrl)) {
      throw new StackConfigError(`publicBaseUrl '${publicBaseUrl}' must be an https:// URL: the base of the links in every briefing, for example https://briefings.example.org.`);
    }
    this.publicBaseUrl = publicBaseUrl;
    if (props.adminEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.adminEmail)) {
      throw new StackConfigError(`adminEmail '${props.adminEmail}' is not an email address: held-finding notices go there, for example safeguarding-admin@example.org.`);
    }
    this.adminAddress = props.adminEmail ?? senderAddress;
    const rate = readSendRate(`maxSendRate ${props.maxSendRate}`, props.maxSendRate ?? DEFAULT_MAX_SEND_RATE);
    if (!rate.ok) throw new StackConfigError(rate.problem);
    this.maxSendRate = rate.value;
    const partnership = readPartnershipName(`partnershipName '${props.partnershipName}'`, props.partnershipName ?? DEFAULT_PARTNERSHIP_NAME);
    if (!partnership.ok) throw new StackConfigError(partnership.problem);
    this.sending = sendingPlan(this.maxSendRate);
    this.sendConcurrencyReserved = props.reserveSendConcurrency ?? false;

    // ---- Tables: exactly as shared/contract/tables.ts describes them.
    for (const [key, def] of entries<TableKey, TableDefinition>(TABLES)) {
      const table = createTable(this, def, props.tableDeletionProtection ?? false);
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

    // ---- Functions: one per definition, with exactly the access it declares, and the environment
    // and trigger shared/contract/deployment.ts derives for this deployment (the local runner uses the same).
    if (Object.values<FunctionDefinition>(FUNCTIONS).some((def) => def.signsLinks)) this.tokenKey = createTokenKey(this);
    const adminPool = createAdminPool(this);
    const deployment: Deployment = {
      tableNames: Object.fromEntries(entries<TableKey, dynamodb.Table>(this.tables).map(([key, table]) => [key, table.tableName])) as Record<TableKey, string>,
      senderAddress,
      publicBaseUrl,
      adminAddress: this.adminAddress,
      partnershipName: partnership.value,
      maxSendRate: this.maxSendRate,
      reminderAfterDays: props.reminderAfterDays ?? DEFAULT_REMINDER_AFTER_DAYS,
      retentionDays: props.retentionDays ?? DEFAULT_RETENTION_DAYS,
      configurationSet: this.configurationSet.configurationSetName,
      tokenKey: { secretArn: this.tokenKey?.secretArn ?? '' },
      signIn: adminPool,
      ...(props.logoUrl ? { logoUrl: props.logoUrl } : {}),
      ...(props.contactDetails ? { contactDetails: props.contactDetails } : {}),
      senders: { instances: this.sending.concurrency, parallelizationFactor: this.sending.parallelizationFactor, batchSize: this.sending.batchSize },
    };
    for (const [name, def] of entries<FunctionName, FunctionDefinition>(FUNCTIONS)) {
      const fn = new BriefingFunction(this, name, {
        entry: path.join(REPO_ROOT, def.entry),
        description: def.description,
        memorySize: def.memoryMb,
        timeout: Duration.seconds(def.timeoutSeconds),
        // At most this many senders at once, each paced to its share: together, never over the SES
        // quota. Only when asked for (see reserveSendConcurrency); without it the stream mapping's
        // shards × parallelization factor bounds them, which is the same on a one-shard stream.
        ...(def.pacedBySendRate && this.sendConcurrencyReserved ? { reservedConcurrentExecutions: this.sending.concurrency } : {}),
      });
      if (def.pacedBySendRate && !this.sendConcurrencyReserved) {
        Annotations.of(fn).addWarningV2(
          'briefings:send-concurrency-not-reserved',
          `${name} has no reserved concurrency: Lambda runs up to one batch per deliveries-stream shard × parallelization factor (${this.sending.parallelizationFactor}), ` +
            `each paced to ${Number(this.sending.perInstanceRate.toFixed(2))}/s, so with more than one shard the senders together can exceed maxSendRate ${this.maxSendRate}/s and SES throttles them (backed off, then handed back). ` +
            `Deploy with -c reserveSendConcurrency=true once the account's Lambda concurrency quota is at least ${100 + this.sending.concurrency} (README, "Lambda concurrency").`,
        );
      }
      for (const [tableKey, access] of entries<TableKey, Access | undefined>(def.tables)) {
        if (access) this.grantTable(fn, tableKey, access);
      }
      if (def.sendsEmail) this.grantSendEmail(fn, configurationSetArn);
      if (def.signsLinks) this.tokenKey?.grantRead(fn);
      for (const [variable, value] of Object.entries(functionEnvironment(name, deployment))) fn.addEnvironment(variable, value);
      this.connectTrigger(name, fn, functionTrigger(name, deployment));
      this.acknowledgeFunctionFindings(fn);
      this.functions[name] = fn;
      new CfnOutput(this, `${pascal(name)}FunctionName`, { value: fn.functionName });
    }

    // ---- SES set-up problems: send-briefing hands the rows back and logs them; this alarm says so.
    this.sesSetupAlarm = new SesSetupAlarm(this, 'ses-setup', { logGroups: [this.functions['send-briefing'].functionLogGroup], alarmTopic: this.alarmTopic });

    new CfnOutput(this, 'SenderIdentity', { value: this.emailIdentity.emailIdentityName, description: 'SES identity to verify (click the link SES emails to it, or publish the DKIM records for a domain)' });
    new CfnOutput(this, 'ConfigurationSetName', { value: this.configurationSet.configurationSetName, description: `Value of ${COMMON_ENV.configurationSet}` });
  }

  /** The grant; the env var naming the table comes with it from functionEnvironment. */
  private grantTable(fn: BriefingFunction, key: TableKey, access: Access): void {
    const table = this.tables[key];
    if (access === 'read') table.grantReadData(fn);
    // Append-only: new items and reads, never UpdateItem or DeleteItem (the audit log).
    else if (access === 'append') table.grant(fn, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable');
    else if (access === 'write') table.grantWriteData(fn);
    else table.grantReadWriteData(fn);
    const def: TableDefinition = TABLES[key];
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
  private grantSendEmail(fn: BriefingFunction, configurationSetArn: string): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [this.emailIdentity.emailIdentityArn, configurationSetArn],
      }),
    );
  }

  /** Each kind of trigger has its own small method; the definition's `kind` picks it. */
  private connectTrigger(name: FunctionName, fn: BriefingFunction, trigger: Trigger): void {
    switch (trigger.kind) {
      case 'stream':
        return this.connectStream(name, fn, trigger);
      case 'http':
        return this.connectHttp(name, fn, trigger);
      case 'schedule':
      case 'interval':
        return this.connectSchedule(name, fn, trigger);
      case 'ses-events':
        return this.connectSesEvents(name, fn, trigger);
      default: {
        const unknown: never = trigger;
        throw new StackConfigError(`${name} has a trigger of unknown kind: ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Stream → function with the definition's filters and batch settings; failures go to a watched queue. */
  private connectStream(name: FunctionName, fn: BriefingFunction, trigger: StreamTrigger): void {
    const source = this.tables[trigger.table];
    const tableDef: TableDefinition = TABLES[trigger.table];
    if (!tableDef.stream) {
      throw new StackConfigError(`${name} is triggered by the ${tableDef.name} table, which has no stream: add 'stream' to TABLES.${trigger.table} in shared/contract/tables.ts.`);
    }

    const dlq = this.deadLetterQueue(name, {
      deadLetterFor: `the ${name} stream mapping`,
      alarmDescription: `Stream records that ${name} could not process after ${trigger.retryAttempts} retries are in its dead-letter queue. Inspect the queue, fix the cause, replay the records.`,
    });
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter destination of the ${name} stream mapping. It receives only failure metadata (shard, sequence numbers) for an operator to inspect and replay; nothing consumes it, so it has no queue of its own to redrive to.`,
    });

    addStreamSource(name, fn, source, trigger, dlq);
  }

  /** Public pages: routes on the one HTTP API (created with the first http trigger; one throttle for all). */
  private connectHttp(name: FunctionName, fn: BriefingFunction, trigger: HttpTrigger): void {
    if (!this.pages) {
      this.pages = createPagesApi(this, trigger, this.publicBaseUrl);
    } else if (this.pages.throttle.ratePerSecond !== trigger.throttle.ratePerSecond || this.pages.throttle.burst !== trigger.throttle.burst) {
      throw new StackConfigError(`${name} has a different throttle from the other http functions: they share one API stage, so give every http trigger the same throttle in shared/contract/functions.ts.`);
    }
    addPageRoutes(this.pages.api, name, fn, trigger);
  }

  /** Weekly or every few minutes: EventBridge Scheduler; failures to a watched queue. */
  private connectSchedule(name: FunctionName, fn: BriefingFunction, trigger: WeeklyScheduleTrigger | IntervalTrigger): void {
    const dlq = this.deadLetterQueue(name, {
      deadLetterFor: `the ${name} schedule and of ${name}'s asynchronous invocations`,
      alarmDescription: `A scheduled ${name} run (${whenOf(trigger)}) failed: either EventBridge Scheduler could not invoke the function for ${SCHEDULE_RETRY.maxEventAge.toHours()} hours, or the function failed on every attempt Lambda made. Inspect the queue and the function's log, fix the cause, and run it by hand.`,
    });
    this.keepAsyncFailures(fn, dlq);
    this.schedules[name] = scheduleFunction(this, name, fn, trigger, dlq);
  }

  /**
   * SES events: the configuration set publishes them to an encrypted SNS topic, the function is
   * subscribed; undeliverable and failed events go to a watched queue.
   */
  private connectSesEvents(name: FunctionName, fn: BriefingFunction, trigger: SesEventsTrigger): void {
    const topic = sesEventsTopic(this, name, this.configurationSet, trigger);
    const dlq = this.deadLetterQueue(name, {
      deadLetterFor: `the ${name} subscription and of ${name}'s asynchronous invocations`,
      alarmDescription: `SES events that ${name} did not process are in its dead-letter queue: SNS could not deliver them, or the function failed on every attempt Lambda made. A lost bounce or complaint means an address that should be suppressed is not. Inspect the queue, fix the cause, replay the events.`,
    });
    this.keepAsyncFailures(fn, dlq);
    topic.addSubscription(new snsSubscriptions.LambdaSubscription(fn, { deadLetterQueue: dlq }));
    this.sesEventTopics[name] = topic;
  }

  /** The function's dead-letter queue (`<name>-dlq`) with its alarm and an output naming it. */
  private deadLetterQueue(name: FunctionName, options: { deadLetterFor: string; alarmDescription: string }): DeadLetterQueue {
    const queue = new DeadLetterQueue(this, `${name}-dlq`, { ...options, alarmTopic: this.alarmTopic });
    this.deadLetterQueues[name] = queue;
    this.deadLetterAlarms[name] = queue.alarm;
    new CfnOutput(this, `${pascal(name)}DeadLetterQueueUrl`, { value: queue.queueUrl });
    return queue;
  }

  /**
   * Scheduler and SNS invoke the function asynchronously. An event that still fails after
   * Lambda's own retries goes to the same queue as the events that could not be delivered
   * at all (function DeadLetterConfig), so one queue and one alarm cover both.
   */
  private keepAsyncFailures(fn: BriefingFunction, queue: sqs.IQueue): void {
    (fn.node.defaultChild as lambda.CfnFunction).deadLetterConfig = { targetArn: queue.queueArn };
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  }

  /**
   * Findings that cannot be fixed in the construct, each with its reason. Only the exact
   * finding is acknowledged, so any new wildcard still fails the synth.
   */
  private acknowledgeFunctionFindings(fn: BriefingFunction): void {
    Validations.of(fn.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" is used only for actions that have no resource-level permissions: xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and dynamodb:ListStreams (added by the DynamoDB stream event source). Every table, stream, queue, secret and SES permission is scoped to its ARN; test/infra/stack.test.ts asserts both.',
    });
  }
}


/** `list-members` / `listMembers` → `ListMembers`, for readable output names. */
function pascal(value: string): string {
  return value.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
