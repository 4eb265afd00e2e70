import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, NagPack, ServerlessChecks } from 'cdk-nag';
import { AppConfigError, buildApp, EXAMPLE_DEFAULTS } from '../../infra/app';
import { BriefingFunction } from '../../infra/constructs/briefing-function';
import { COMMON_ENV } from '../../shared/contract/environment';
import { FUNCTIONS, type Access, type FunctionDefinition, type FunctionName, type Trigger } from '../../shared/contract/functions';
import { TABLES, type TableDefinition, type TableKey } from '../../shared/contract/tables';
import { REPO_ROOT, type BriefingsStack } from '../../infra/stack';
import { SES_SETUP_LOG_MESSAGE } from '../../shared/flows/send/ses-setup';
import { PAGES_ACCESS_LOG_FIELDS } from '../../infra/constructs/pages-api';
import { SCHEDULE_RETRY } from '../../infra/constructs/schedule';

// The feature flags `cdk synth` uses, so the tests check the same template the CLI makes.
const CDK_JSON_CONTEXT = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const REQUIRED = { senderAddress: 'briefings@example.org', publicBaseUrl: 'https://briefings.example.org' };
// Skips esbuild for the assertion tests; the 'bundling' test below runs it for real.
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

const functionEntries = Object.entries(FUNCTIONS) as [FunctionName, FunctionDefinition][];
const tableEntries = Object.entries(TABLES) as [TableKey, TableDefinition][];
/** The functions with a trigger of this kind, with the trigger narrowed. */
function functionsWith<K extends Trigger['kind']>(kind: K): [FunctionName, Extract<Trigger, { kind: K }>][] {
  return functionEntries.flatMap(([name, def]) => (def.trigger.kind === kind ? [[name, def.trigger as Extract<Trigger, { kind: K }>]] : []));
}
/** Functions that can fail out of sight of a caller (stream, schedule, SES events) have a watched dead-letter queue. */
const withDeadLetterQueue = functionEntries.filter(([, def]) => def.trigger.kind !== 'http');
/** What AWS functions get with sendsEmail, and with signsLinks (TOKEN_KEY_FILE is local only). */
const EMAIL_ENV = [COMMON_ENV.senderAddress, COMMON_ENV.publicBaseUrl, COMMON_ENV.configurationSet, COMMON_ENV.adminAddress, COMMON_ENV.maxSendRate, COMMON_ENV.partnershipName];
const TOKEN_ENV = [COMMON_ENV.tokenKeySecretArn];

function build(context: Record<string, unknown> = {}, outdir?: string) {
  return buildApp({ env: {}, outdir, context: { ...CDK_JSON_CONTEXT, ...REQUIRED, ...SKIP_BUNDLING, ...context } });
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const logicalId = (stack: Stack, construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as never);

interface Statement {
  actions: string[];
  resources: Json[];
}
/** Every Allow statement attached to a role, actions and resources normalised to arrays. */
function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Json[];
  return policies
    .filter((policy) => asArray(policy.Properties.Roles).some((role: Json) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[])
    .filter((statement) => statement.Effect === 'Allow')
    .map((statement) => ({ actions: asArray<string>(statement.Action), resources: asArray<Json>(statement.Resource) }));
}
/** Does this resource entry point at the table (its ARN, or its indexes under it)? Streams are separate. */
function targetsTable(resource: Json, tableLogicalId: string): boolean {
  if (resource?.['Fn::GetAtt']) return resource['Fn::GetAtt'][0] === tableLogicalId && resource['Fn::GetAtt'][1] === 'Arn';
  return JSON.stringify(resource).includes(`"Fn::GetAtt":["${tableLogicalId}","Arn"]`);
}
function actionsOnTable(statements: Statement[], tableLogicalId: string): Set<string> {
  return new Set(statements.filter((s) => s.resources.some((r) => targetsTable(r, tableLogicalId))).flatMap((s) => s.actions));
}

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const canRead = (access: Access | undefined) => access === 'read' || access === 'readWrite' || access === 'append';
/** 'append' puts new items only: PutItem, never UpdateItem, DeleteItem or BatchWriteItem (asserted below). */
const canWrite = (access: Access | undefined) => access === 'write' || access === 'readWrite' || access === 'append';

/** All nag findings in the app, as "rule at path" lines (empty when clean). */
function nagFindings(app: App): string[] {
  return [new AwsSolutionsChecks(undefined, { verbose: true }), new ServerlessChecks(undefined, { verbose: true })].flatMap((pack) =>
    pack.validateScope(app).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`),
    ),
  );
}

describe.each([
  ['without alarm email', {}],
  ['with alarm email', { alarmEmail: 'safeguarding-ops@example.org' }],
])('BriefingsStack %s', (_label, extraContext) => {
  let app: App;
  let stack: BriefingsStack;
  let template: Template;

  beforeAll(() => {
    ({ app, stack } = build(extraContext));
    template = Template.fromStack(stack); // synthesises, so the registered nag packs run too
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions or Serverless errors or warnings', () => {
      expect(nagFindings(app)).toEqual([]);
    });

    it('acknowledges only findings that really occur, each with a specific reason', () => {
      // Re-run the packs blind to acknowledgements to see every raw finding.
      const spy = jest.spyOn(NagPack.prototype as unknown as { isAcknowledged(): boolean }, 'isAcknowledged').mockReturnValue(false);
      const raw = nagFindings(app);
      spy.mockRestore();

      const acknowledgements: { path: string; id: string; reason: string }[] = [];
      const visit = (construct: IConstruct) => {
        for (const entry of construct.node.metadata) {
          if (entry.type !== 'aws:cdk:acknowledged-rules') continue;
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
            acknowledgements.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
          }
        }
        construct.node.children.forEach(visit);
      };
      visit(stack);

      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const ack of acknowledgements) {
        const matching = raw.filter((line) => line.includes(` ${ack.id} at ${ack.path}/`) || line.endsWith(` ${ack.id} at ${ack.path}`));
        expect({ ack: `${ack.id} at ${ack.path}`, matches: matching.length > 0 }).toEqual({ ack: `${ack.id} at ${ack.path}`, matches: true });
        expect(ack.reason.length).toBeGreaterThan(80);
      }
    });
  });

  describe('tables', () => {
    it('rate-limits counters expire on expiresAt (DynamoDB TTL)', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `${stack.stackName}-${TABLES.rateLimits.name}`,
        TimeToLiveSpecification: { AttributeName: TABLES.rateLimits.timeToLiveAttribute, Enabled: true },
      });
    });

    it.each(tableEntries)('%s: keys, PITR, SSE, stream and GSIs as defined, retained except when its own create rolls back', (_key, def) => {
      const tables = template.findResources('AWS::DynamoDB::Table', { Properties: { TableName: `${stack.stackName}-${def.name}` } });
      const [table] = Object.values(tables) as Json[];
      expect(Object.keys(tables)).toHaveLength(1);
      expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      // A rollback cannot delete a protected table: protection only when asked for (tested below).
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      const p = table.Properties;
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p.SSESpecification.SSEEnabled).toBe(true);
      expect(p.KeySchema).toEqual([
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      expect(p.StreamSpecification).toEqual(def.stream ? { StreamViewType: def.stream } : undefined);
      expect(p.TimeToLiveSpecification).toEqual(def.timeToLiveAttribute ? { AttributeName: def.timeToLiveAttribute, Enabled: true } : undefined);
      expect(p.GlobalSecondaryIndexes ?? []).toEqual(
        (def.globalIndexes ?? []).map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
    });
  });

  describe.each(functionEntries)('%s', (name, def) => {
    const fnId = () => logicalId(stack, stack.functions[name]);

    it('runs on nodejs24.x, arm64, traced, with the defined memory and timeout and a retained log group', () => {
      const fn = template.findResources('AWS::Lambda::Function')[fnId()] as Json;
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: def.memoryMb,
        Timeout: def.timeoutSeconds,
        Handler: 'index.handler',
      });
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      const logGroup = template.findResources('AWS::Logs::LogGroup')[logGroupId] as Json;
      expect(logGroup?.Properties.RetentionInDays).toBe(30);
      expect([logGroup?.DeletionPolicy, logGroup?.UpdateReplacePolicy]).toEqual(['RetainExceptOnCreate', 'Retain']);
      // No AWS managed policy (AWSLambdaBasicExecutionRole would allow logs on every group).
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      expect(template.findResources('AWS::IAM::Role')[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('has exactly the table env vars of its grants, the email settings only if it sends email, the token key only if it signs links', () => {
      const variables = (template.findResources('AWS::Lambda::Function')[fnId()] as Json).Properties.Environment.Variables;
      const tableVars = Object.keys(variables).filter((key) => tableEntries.some(([, t]) => t.envVar === key));
      const granted = (Object.keys(def.tables) as TableKey[]).map((key) => TABLES[key].envVar);
      expect(tableVars.sort()).toEqual([...granted].sort());
      for (const key of Object.keys(def.tables) as TableKey[]) {
        expect(variables[TABLES[key].envVar]).toEqual({ Ref: logicalId(stack, stack.tables[key]) });
      }
      const emailVars = EMAIL_ENV.filter((key) => key in variables);
      // A branded function (pages, no email) has the partnership's name and the pages' address only.
      const brandedOnly = 'branded' in def && def.branded && !def.sendsEmail;
      expect(emailVars).toEqual(def.sendsEmail ? EMAIL_ENV : brandedOnly ? [COMMON_ENV.publicBaseUrl, COMMON_ENV.partnershipName] : []);
      const signInVars = [COMMON_ENV.signInIssuer, COMMON_ENV.signInClientId, COMMON_ENV.signInEndpoint].filter((key) => key in variables);
      expect(signInVars).toEqual('signsIn' in def && def.signsIn ? [COMMON_ENV.signInIssuer, COMMON_ENV.signInClientId] : []);
      const tokenVars = TOKEN_ENV.filter((key) => key in variables);
      expect(tokenVars).toEqual(def.signsLinks ? TOKEN_ENV : []);
      expect(variables[COMMON_ENV.tokenKeyFile]).toBeUndefined();
      expect(variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: name });
      const retentionVars = [COMMON_ENV.reminderAfterDays, COMMON_ENV.retentionDays].filter((key) => key in variables);
      expect(retentionVars).toEqual(def.usesRetention ? [COMMON_ENV.reminderAfterDays, COMMON_ENV.retentionDays] : []);
      if (def.usesRetention) expect(variables).toMatchObject({ [COMMON_ENV.reminderAfterDays]: '0', [COMMON_ENV.retentionDays]: '730' });
      const paceVars = def.pacedBySendRate ? [COMMON_ENV.senderInstances] : [];
      const known = new Set<string>(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', ...granted, ...emailVars, ...tokenVars, ...retentionVars, ...paceVars, ...signInVars]);
      expect(Object.keys(variables).filter((key) => !known.has(key))).toEqual([]);
    });

    it('has an event source mapping only if a stream triggers it', () => {
      const mappings = template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: fnId() } } });
      expect(Object.keys(mappings)).toHaveLength(def.trigger.kind === 'stream' ? 1 : 0);
    });

    it('keeps failed asynchronous invocations (schedules, SES events) in its dead-letter queue, and only those functions', () => {
      const fn = template.findResources('AWS::Lambda::Function')[fnId()] as Json;
      if (def.trigger.kind === 'schedule' || def.trigger.kind === 'interval' || def.trigger.kind === 'ses-events') {
        const queueId = logicalId(stack, stack.deadLetterQueues[name]!);
        expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
        const statements = roleStatements(template, logicalId(stack, stack.functions[name].executionRole));
        expect(statements).toContainEqual({ actions: ['sqs:SendMessage'], resources: [{ 'Fn::GetAtt': [queueId, 'Arn'] }] });
      } else {
        expect(fn.Properties.DeadLetterConfig).toBeUndefined();
      }
    });

    it('gets exactly the declared table access: read, write, both or nothing', () => {
      const statements = roleStatements(template, logicalId(stack, stack.functions[name].executionRole));
      const access = def.tables as Partial<Record<TableKey, Access>>;
      for (const [key] of tableEntries) {
        const actions = actionsOnTable(statements, logicalId(stack, stack.tables[key]));
        const summary = { table: key, read: READ_ACTIONS.some((a) => actions.has(a)), write: WRITE_ACTIONS.some((a) => actions.has(a)) };
        expect(summary).toEqual({ table: key, read: canRead(access[key]), write: canWrite(access[key]) });
        if (access[key] === 'append') expect(WRITE_ACTIONS.filter((a) => actions.has(a))).toEqual(['dynamodb:PutItem']);
        if (!access[key]) expect([...actions]).toEqual([]);
      }
    });

    it('uses "*" only for actions that have no resource-level permissions, and no wildcard actions', () => {
      const statements = roleStatements(template, logicalId(stack, stack.functions[name].executionRole));
      const starActions = statements.filter((s) => s.resources.includes('*')).flatMap((s) => s.actions);
      for (const action of starActions) {
        expect(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']).toContain(action);
      }
      expect(statements.flatMap((s) => s.actions).filter((action) => action.includes('*'))).toEqual([]);
    });
  });

  describe.each(functionsWith('stream'))('%s (stream trigger)', (name, trigger) => {
    const fnId = () => logicalId(stack, stack.functions[name]);

    it('is triggered by its stream with the defined filters and batch settings, failures to its dead-letter queue', () => {
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: fnId() } } })) as Json[];
      expect(mappings).toHaveLength(1);
      const p = mappings[0].Properties;
      expect(p.EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.tables[trigger.table]), 'StreamArn'] });
      expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(p.BisectBatchOnFunctionError).toBe(trigger.bisectOnError);
      expect(p.MaximumRetryAttempts).toBe(trigger.retryAttempts);
      expect(p.MaximumRecordAgeInSeconds).toBe(trigger.maxRecordAgeSeconds);
      expect(p.BatchSize).toBe((FUNCTIONS[name] as FunctionDefinition).pacedBySendRate ? stack.sending.batchSize : trigger.batchSize);
      expect(p.MaximumBatchingWindowInSeconds).toBe(trigger.maxBatchingWindowSeconds);
      expect(p.ParallelizationFactor).toBe((FUNCTIONS[name] as FunctionDefinition).pacedBySendRate ? stack.sending.parallelizationFactor : trigger.parallelizationFactor);
      expect(p.StartingPosition).toBe(trigger.startingPosition);
      // Lambda reads each pattern as a JSON string: it must be the definition's pattern, verbatim.
      expect(p.FilterCriteria.Filters).toEqual(trigger.filters.map((filter) => ({ Pattern: JSON.stringify(filter) })));
      expect(p.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.deadLetterQueues[name]!), 'Arn'] });
    });
  });

  describe.each(withDeadLetterQueue)('%s dead-letter queue', (name) => {
    const queueId = () => logicalId(stack, stack.deadLetterQueues[name]!);

    it('is encrypted, TLS-only and keeps messages for 14 days', () => {
      const queue = template.findResources('AWS::SQS::Queue')[queueId()] as Json;
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      const queuePolicies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as Json[];
      const tlsOnly = queuePolicies.some(
        (policy) =>
          policy.Properties.Queues.some((q: Json) => q.Ref === queueId()) &&
          policy.Properties.PolicyDocument.Statement.some((s: Json) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
      );
      expect(tlsOnly).toBe(true);
    });

    it('has an alarm on visible messages', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm: Json) =>
        alarm.Properties.Dimensions?.some((d: Json) => d.Name === 'QueueName' && d.Value['Fn::GetAtt']?.[0] === queueId()),
      ) as Json[];
      expect(alarms).toHaveLength(1);
      expect(alarms[0].Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
      if ('alarmEmail' in extraContext) {
        expect(alarms[0].Properties.AlarmActions).toEqual([{ Ref: logicalId(stack, stack.alarmTopic!) }]);
      } else {
        expect(alarms[0].Properties.AlarmActions).toBeUndefined();
      }
    });
  });

  describe('SES set-up problems (unverified identity, sending paused, AccessDenied)', () => {
    const filters = () => Object.values(template.findResources('AWS::Logs::MetricFilter')) as Json[];
    const alarmId = () => logicalId(stack, stack.sesSetupAlarm.alarm);

    it("counts send-briefing's \"SES set-up problem\" log line with a metric filter", () => {
      expect(filters()).toHaveLength(1);
      const [filter] = filters();
      const logGroupId = stack.getLogicalId(stack.functions['send-briefing'].functionLogGroup.node.defaultChild as never);
      expect(filter.Properties.LogGroupName).toEqual({ Ref: logGroupId });
      // Powertools logs JSON; the line's "message" field is exactly SES_SETUP_LOG_MESSAGE (asserted in test/integration/ses-errors.test.ts).
      expect(filter.Properties.FilterPattern).toBe(`{ $.message = "${SES_SETUP_LOG_MESSAGE}" }`);
      expect(filter.Properties.MetricTransformations).toEqual([
        { MetricNamespace: `SafeguardingBriefings/${stack.stackName}`, MetricName: 'SesSetupProblems', MetricValue: '1' },
      ]);
    });

    it('alarms on the first one, and tells the alarm email when there is one', () => {
      const alarm = template.findResources('AWS::CloudWatch::Alarm')[alarmId()] as Json;
      expect(alarm.Properties).toMatchObject({
        Namespace: `SafeguardingBriefings/${stack.stackName}`,
        MetricName: 'SesSetupProblems',
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.Properties.AlarmDescription).toMatch(/findings retry/);
      if ('alarmEmail' in extraContext) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalId(stack, stack.alarmTopic!) }]);
      } else {
        expect(alarm.Properties.AlarmActions).toBeUndefined();
      }
    });

    it('send-briefing may read and write the rate-limits table only for the daily notice mark, and is told its name', () => {
      const fn = template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.functions['send-briefing'])] as Json;
      expect(Object.keys(fn.Properties.Environment.Variables)).toContain(TABLES.rateLimits.envVar);
    });
  });

  describe('public pages (http triggers)', () => {
    const httpFunctions = functionsWith('http');
    const apiId = () => logicalId(stack, stack.pagesApi!);

    it('is one HTTP API with exactly the routes of the definitions, each to its function (Lambda proxy, payload 2.0)', () => {
      expect(Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))).toEqual([apiId()]);
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Json[];
      const expected = httpFunctions.flatMap(([, trigger]) => trigger.routes.map((route) => `${route.method} ${route.path}`));
      expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual([...expected].sort());

      const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
      for (const [name, trigger] of httpFunctions) {
        for (const route of trigger.routes) {
          const found = routes.find((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);
          expect(found.Properties.ApiId).toEqual({ Ref: apiId() });
          const integrationId = found.Properties.Target['Fn::Join'][1][1].Ref;
          expect(integrations[integrationId]?.Properties).toMatchObject({
            IntegrationType: 'AWS_PROXY',
            PayloadFormatVersion: '2.0',
            IntegrationUri: { 'Fn::GetAtt': [logicalId(stack, stack.functions[name]), 'Arn'] },
          });
        }
      }
    });

    it('lets API Gateway invoke each function, per route of this API only', () => {
      for (const [name, trigger] of httpFunctions) {
        const permissions = Object.values(
          template.findResources('AWS::Lambda::Permission', {
            Properties: { FunctionName: { 'Fn::GetAtt': [logicalId(stack, stack.functions[name]), 'Arn'] }, Principal: 'apigateway.amazonaws.com' },
          }),
        ) as Json[];
        expect(permissions).toHaveLength(trigger.routes.length);
        for (const permission of permissions) expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`{"Ref":"${apiId()}"}`);
      }
    });

    it('has no authorizer: the pages are public, authorised by signed tokens in the links', () => {
      for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Json[]) {
        expect(route.Properties.AuthorizationType).toBe('NONE');
      }
      expect(template.findResources('AWS::ApiGatewayV2::Authorizer')).toEqual({});
    });

    it('throttles the $default stage as defined and logs access as JSON to a log group with retention', () => {
      const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as Json[];
      expect(stages).toHaveLength(1);
      const p = stages[0].Properties;
      const [[, first]] = httpFunctions as [[FunctionName, Extract<Trigger, { kind: 'http' }>]];
      expect(p).toMatchObject({
        ApiId: { Ref: apiId() },
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: first.throttle.ratePerSecond, ThrottlingBurstLimit: first.throttle.burst },
      });
      const logGroup = template.findResources('AWS::Logs::LogGroup')[p.AccessLogSettings.DestinationArn['Fn::GetAtt'][0]] as Json;
      expect(logGroup.Properties.RetentionInDays).toBe(30);
      expect(JSON.parse(p.AccessLogSettings.Format)).toEqual(PAGES_ACCESS_LOG_FIELDS);
      // No personal data in access logs: no client address, user agent, path or query string (the tokens).
      expect(p.AccessLogSettings.Format).not.toMatch(/sourceIp|userAgent|\$context\.path|querystring/i);
    });

    it('outputs the API URL, saying that publicBaseUrl must point at it; the functions keep publicBaseUrl', () => {
      const output = template.findOutputs('PagesUrl').PagesUrl as Json;
      expect(JSON.stringify(output.Value)).toContain(`{"Ref":"${apiId()}"}`);
      expect(output.Description).toContain('publicBaseUrl');
      expect(output.Description).toContain(REQUIRED.publicBaseUrl);
      for (const [name] of httpFunctions) {
        const variables = (template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.functions[name])] as Json).Properties.Environment.Variables;
        if ((FUNCTIONS[name] as FunctionDefinition).sendsEmail) expect(variables[COMMON_ENV.publicBaseUrl]).toBe(REQUIRED.publicBaseUrl);
      }
    });
  });

  describe.each(functionsWith('interval'))('%s (every few minutes)', (name, trigger) => {
    it('runs at the defined interval, with retries and a dead-letter queue', () => {
      const schedule = template.findResources('AWS::Scheduler::Schedule')[logicalId(stack, stack.schedules[name]!)] as Json;
      // CDK writes whole hours as hours: rate(1 hour), rate(5 minutes).
      const hours = trigger.minutes / 60;
      const expression = Number.isInteger(hours) ? `rate(${hours} hour${hours === 1 ? '' : 's'})` : `rate(${trigger.minutes} minutes)`;
      expect(schedule.Properties).toMatchObject({ ScheduleExpression: expression, State: 'ENABLED' });
      expect(schedule.Properties.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [logicalId(stack, stack.deadLetterQueues[name]!), 'Arn'] } });
    });
  });

  describe.each(functionsWith('schedule'))('%s (weekly schedule)', (name, trigger) => {
    const schedule = () => template.findResources('AWS::Scheduler::Schedule')[logicalId(stack, stack.schedules[name]!)] as Json;
    const queueArn = () => ({ 'Fn::GetAtt': [logicalId(stack, stack.deadLetterQueues[name]!), 'Arn'] });

    it('runs at the defined weekday, hour and minute in the defined time zone', () => {
      const expression = `cron(${trigger.minute} ${trigger.hour} ? * ${trigger.weekday} *)`;
      expect(schedule().Properties).toMatchObject({ ScheduleExpression: expression, ScheduleExpressionTimezone: trigger.timeZone, State: 'ENABLED' });
    });

    it('invokes the function with a retry policy and a dead-letter queue', () => {
      const target = schedule().Properties.Target;
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.functions[name]), 'Arn'] });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: SCHEDULE_RETRY.attempts, MaximumEventAgeInSeconds: SCHEDULE_RETRY.maxEventAge.toSeconds() });
      expect(target.DeadLetterConfig).toEqual({ Arn: queueArn() });
    });

    it("has a role that only the scheduler of this account assumes, which may only invoke the function and dead-letter", () => {
      const roleId = schedule().Properties.Target.RoleArn['Fn::GetAtt'][0];
      const role = template.findResources('AWS::IAM::Role')[roleId] as Json;
      const [trust] = role.Properties.AssumeRolePolicyDocument.Statement;
      expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
      expect(trust.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
      const fnArn = { 'Fn::GetAtt': [logicalId(stack, stack.functions[name]), 'Arn'] };
      expect(roleStatements(template, roleId)).toEqual([
        { actions: ['lambda:InvokeFunction'], resources: [fnArn, { 'Fn::Join': ['', [fnArn, ':*']] }] },
        { actions: ['sqs:SendMessage'], resources: [queueArn()] },
      ]);
    });
  });

  describe.each(functionsWith('ses-events'))('%s (SES events)', (name, trigger) => {
    const topicId = () => logicalId(stack, stack.sesEventTopics[name]!);
    const fnArn = () => ({ 'Fn::GetAtt': [logicalId(stack, stack.functions[name]), 'Arn'] });

    it('has the configuration set publish the defined events to its SNS topic', () => {
      const destinations = Object.values(template.findResources('AWS::SES::ConfigurationSetEventDestination')) as Json[];
      const mine = destinations.filter((d) => d.Properties.EventDestination.SnsDestination?.TopicARN?.Ref === topicId());
      expect(mine).toHaveLength(1);
      expect(mine[0].Properties.ConfigurationSetName).toEqual({ Ref: logicalId(stack, stack.configurationSet) });
      const events = mine[0].Properties.EventDestination.MatchingEventTypes as string[];
      expect([...events].sort()).toEqual(trigger.events.map((event) => event.toLowerCase()).sort());
      // Suppression depends on these two reaching the function.
      expect(events).toEqual(expect.arrayContaining(['bounce', 'complaint']));
      expect(mine[0].Properties.EventDestination.Enabled).toBe(true);
    });

    it('encrypts the topic with a rotated customer-managed key that SES (this account only) may use', () => {
      const topic = template.findResources('AWS::SNS::Topic')[topicId()] as Json;
      const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
      const key = template.findResources('AWS::KMS::Key')[keyId] as Json;
      expect(key.Properties.EnableKeyRotation).toBe(true);
      const sesStatements = (key.Properties.KeyPolicy.Statement as Json[]).filter((s) => s.Principal?.Service === 'ses.amazonaws.com');
      expect(sesStatements).toHaveLength(1);
      expect(sesStatements[0].Effect).toBe('Allow');
      expect([...asArray<string>(sesStatements[0].Action)].sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(sesStatements[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    });

    it('lets only SES (this configuration set) publish, over TLS only', () => {
      const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')).filter((p: Json) =>
        p.Properties.Topics.some((t: Json) => t.Ref === topicId()),
      ) as Json[];
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      expect(allows[0]).toMatchObject({ Principal: { Service: 'ses.amazonaws.com' }, Action: 'sns:Publish' });
      expect(JSON.stringify(allows[0].Condition.StringEquals['AWS:SourceArn'])).toContain(`{"Ref":"${logicalId(stack, stack.configurationSet)}"}`);
    });

    it('subscribes the function, with a dead-letter queue for what SNS cannot deliver', () => {
      const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { TopicArn: { Ref: topicId() } } })) as Json[];
      expect(subscriptions).toHaveLength(1);
      expect(subscriptions[0].Properties).toMatchObject({
        Protocol: 'lambda',
        Endpoint: fnArn(),
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, stack.deadLetterQueues[name]!), 'Arn'] } },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: fnArn(),
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: topicId() },
      });
    });
  });

  describe('link-signing key', () => {
    const secretId = () => logicalId(stack, stack.tokenKeySecret!);
    const signers = functionEntries.filter(([, def]) => def.signsLinks).map(([name]) => name);

    it('is one generated Secrets Manager secret of 64 characters, retained except when its own create rolls back', () => {
      const secrets = template.findResources('AWS::SecretsManager::Secret');
      expect(Object.keys(secrets)).toEqual([secretId()]);
      const secret = secrets[secretId()] as Json;
      expect(secret.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(secret.UpdateReplacePolicy).toBe('Retain');
      expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    });

    it('is named by TOKEN_KEY_SECRET_ARN and readable only by the functions that sign links', () => {
      expect(signers.length).toBeGreaterThan(0);
      for (const [name, def] of functionEntries) {
        const variables = (template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.functions[name])] as Json).Properties.Environment.Variables;
        const statements = roleStatements(template, logicalId(stack, stack.functions[name].executionRole));
        const onSecret = statements.filter((s) => s.resources.some((r) => JSON.stringify(r) === JSON.stringify({ Ref: secretId() })));
        const summary = {
          name,
          env: variables[COMMON_ENV.tokenKeySecretArn],
          read: onSecret.some((s) => s.actions.includes('secretsmanager:GetSecretValue')),
        };
        expect(summary).toEqual(def.signsLinks ? { name, env: { Ref: secretId() }, read: true } : { name, env: undefined, read: false });
        for (const statement of onSecret) expect([...statement.actions].sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
      }
      // Nothing else in the template (no other role, no resource policy) is granted the secret.
      const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Json[];
      const readers = policies
        .filter((policy) => JSON.stringify(policy.Properties.PolicyDocument).includes(`{"Ref":"${secretId()}"}`))
        .flatMap((policy) => asArray<Json>(policy.Properties.Roles).map((role) => role.Ref as string));
      expect(readers.sort()).toEqual(signers.map((name) => logicalId(stack, stack.functions[name].executionRole)).sort());
    });
  });

  describe('least privilege for email', () => {
    const statementsOf = (name: FunctionName) => roleStatements(template, logicalId(stack, stack.functions[name].executionRole));

    it('send-briefing has no DynamoDB write (or any access) on the findings table', () => {
      const actions = actionsOnTable(statementsOf('send-briefing'), logicalId(stack, stack.tables.findings));
      expect(WRITE_ACTIONS.filter((a) => actions.has(a))).toEqual([]);
      expect([...actions]).toEqual([]);
    });

    it('send-briefing may only ses:SendRawEmail, on the sender identity and the configuration set', () => {
      const sesStatements = statementsOf('send-briefing').filter((s) => s.actions.some((a) => a.startsWith('ses:')));
      expect(sesStatements.length).toBeGreaterThan(0);
      for (const statement of sesStatements) {
        expect(statement.actions).toEqual(['ses:SendRawEmail']);
        expect(statement.resources).not.toContain('*');
        const text = JSON.stringify(statement.resources);
        expect(text).not.toMatch(/identity\/\*|configuration-set\/\*/);
      }
      const resources = JSON.stringify(sesStatements.flatMap((s) => s.resources));
      expect(resources).toContain(`:identity/",{"Ref":"${logicalId(stack, stack.emailIdentity)}"`);
      expect(resources).toContain(`:configuration-set/",{"Ref":"${logicalId(stack, stack.configurationSet)}"`);
    });

    it('plan-briefing may only send (its held-finding notices to the admin address, the sender unless adminEmail is set)', () => {
      expect(statementsOf('plan-briefing').flatMap((s) => s.actions).filter((a) => a.startsWith('ses:'))).toEqual(['ses:SendRawEmail']);
      const variables = (template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.functions['plan-briefing'])] as Json).Properties.Environment.Variables;
      expect(variables[COMMON_ENV.adminAddress]).toBe(REQUIRED.senderAddress);
    });

    it('send-briefing is paced by the SES quota: 14/s by default, one instance per batch of a shard; every sender is told the rate; nothing reserved unless asked', () => {
      const functions = template.findResources('AWS::Lambda::Function') as Json;
      const senderId = logicalId(stack, stack.functions['send-briefing']);
      expect(stack.sendConcurrencyReserved).toBe(false);
      for (const [name, def] of functionEntries) {
        const properties = functions[logicalId(stack, stack.functions[name])].Properties;
        if (def.sendsEmail) expect(properties.Environment.Variables[COMMON_ENV.maxSendRate]).toBe('14');
        // A reservation fails the first deploy on a new account (quota 10): only with -c reserveSendConcurrency=true.
        expect(properties.ReservedConcurrentExecutions).toBeUndefined();
        expect(properties.Environment.Variables[COMMON_ENV.senderInstances]).toBe(def.pacedBySendRate ? '1' : undefined);
      }
      const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: senderId } } }))[0] as Json;
      expect(mapping.Properties.ParallelizationFactor).toBe(1);
    });

    it('ses-events has no SES actions', () => {
      expect(statementsOf('ses-events').flatMap((s) => s.actions).filter((a) => a.startsWith('ses:'))).toEqual([]);
    });

    it('verifies the sender address and sends through a TLS-only configuration set', () => {
      template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: REQUIRED.senderAddress });
      template.hasResourceProperties('AWS::SES::ConfigurationSet', { DeliveryOptions: { TlsPolicy: 'REQUIRE' } });
    });
  });
});

describe('nag is enforced on synth', () => {
  it('fails synthesis when a resource has an unacknowledged finding', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'briefings-nag-'));
    try {
      const { app, stack } = build({}, outdir);
      new sqs.Queue(stack, 'unchecked-queue'); // no SSL policy, no DLQ: AwsSolutions-SQS3/SQS4
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('BriefingFunction', () => {
  it("merges the caller's environment over its defaults, never the other way round", () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'construct-test');
    new BriefingFunction(stack, 'probe', {
      entry: path.join(REPO_ROOT, FUNCTIONS['plan-briefing'].entry),
      environment: { EXTRA: 'yes', NODE_OPTIONS: '--enable-source-maps --max-old-space-size=256' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { EXTRA: 'yes', NODE_OPTIONS: '--enable-source-maps --max-old-space-size=256', POWERTOOLS_SERVICE_NAME: 'probe' } },
    });
  });
});

describe('app settings', () => {
  const base = { ...CDK_JSON_CONTEXT, ...SKIP_BUNDLING };
  const REQUIRED_ENV = { SENDER_ADDRESS: REQUIRED.senderAddress, PUBLIC_BASE_URL: REQUIRED.publicBaseUrl };

  it('names the context key and the env var when a required setting is missing', () => {
    expect(() => buildApp({ env: {}, context: { ...base, publicBaseUrl: REQUIRED.publicBaseUrl } })).toThrow(AppConfigError);
    expect(() => buildApp({ env: {}, context: { ...base, publicBaseUrl: REQUIRED.publicBaseUrl } })).toThrow(/senderAddress.*SENDER_ADDRESS/);
    expect(() => buildApp({ env: {}, context: { ...base, senderAddress: REQUIRED.senderAddress } })).toThrow(/publicBaseUrl.*PUBLIC_BASE_URL/);
  });

  it('falls back to the environment, and to example values only when asked', () => {
    const fromEnv = buildApp({ env: { SENDER_ADDRESS: 'learning@example.net', PUBLIC_BASE_URL: 'https://learn.example.net' }, context: base });
    Template.fromStack(fromEnv.stack).hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'learning@example.net' });
    const example = buildApp({ env: {}, context: { ...base, useExampleDefaults: 'true', stackName: 'ExampleBriefings' } });
    expect(example.stack.stackName).toBe('ExampleBriefings');
    Template.fromStack(example.stack).hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: EXAMPLE_DEFAULTS.senderAddress });
  });

  it('derives send-briefing concurrency from the SES quota: 200/s is 8 instances of 25/s, 8 batches per shard, reserved when asked', () => {
    for (const [context, reserved] of [[{}, undefined], [{ reserveSendConcurrency: 'true' }, 8]] as const) {
      const { stack } = build({ maxSendRate: '200', ...context });
      const template = Template.fromStack(stack);
      const senderId = logicalId(stack, stack.functions['send-briefing']);
      const properties = (template.findResources('AWS::Lambda::Function')[senderId] as Json).Properties;
      expect(properties).toMatchObject({ Environment: { Variables: { [COMMON_ENV.maxSendRate]: '200', [COMMON_ENV.senderInstances]: '8' } } });
      expect(properties.ReservedConcurrentExecutions).toBe(reserved);
      const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: senderId } } }))[0] as Json;
      expect(mapping.Properties.ParallelizationFactor).toBe(8);
    }
  });

  it('reserves send-briefing concurrency only when asked (context or RESERVE_SEND_CONCURRENCY), and no other function', () => {
    const reservedOf = (stack: BriefingsStack) =>
      Object.fromEntries(
        functionEntries.map(([name]) => [name, (Template.fromStack(stack).findResources('AWS::Lambda::Function')[logicalId(stack, stack.functions[name])] as Json).Properties.ReservedConcurrentExecutions]),
      );
    const only = (value: number | undefined) => Object.fromEntries(functionEntries.map(([name, def]) => [name, def.pacedBySendRate ? value : undefined]));
    expect(reservedOf(build({ reserveSendConcurrency: 'true' }).stack)).toEqual(only(1));
    expect(reservedOf(build({ reserveSendConcurrency: true, maxSendRate: '100' }).stack)).toEqual(only(4));
    expect(reservedOf(buildApp({ env: { ...REQUIRED_ENV, RESERVE_SEND_CONCURRENCY: 'true' }, context: base }).stack)).toEqual(only(1));
    expect(reservedOf(build({ reserveSendConcurrency: 'false' }).stack)).toEqual(only(undefined));
    expect(reservedOf(build().stack)).toEqual(only(undefined));
  });

  it('says at synth, on send-briefing, when its concurrency is not reserved, and what quota the reservation needs', () => {
    const warningsOf = (stack: BriefingsStack) =>
      Annotations.fromStack(stack)
        .findWarning('*', Match.stringLikeRegexp('reserved concurrency'))
        .map((message) => ({ path: message.id, text: String(message.entry.data) }));
    const unreserved = warningsOf(build({ maxSendRate: '100' }).stack);
    expect(unreserved).toHaveLength(1);
    expect(unreserved[0]!.path).toBe('/SafeguardingBriefings/send-briefing');
    expect(unreserved[0]!.text).toMatch(/no reserved concurrency.*can exceed maxSendRate 100\/s.*-c reserveSendConcurrency=true.*at least 104/);
    expect(warningsOf(build({ reserveSendConcurrency: 'true' }).stack)).toEqual([]);
  });

  it('refuses a reserveSendConcurrency or tableDeletionProtection that is not true or false, naming the setting', () => {
    expect(() => build({ reserveSendConcurrency: 'sometimes' })).toThrow(/reserveSendConcurrency 'sometimes' must be true or false.*RESERVE_SEND_CONCURRENCY/);
    expect(() => build({ tableDeletionProtection: 'on' })).toThrow(AppConfigError);
    expect(() => buildApp({ env: { ...REQUIRED_ENV, TABLE_DELETION_PROTECTION: 'maybe' }, context: base })).toThrow(/tableDeletionProtection 'maybe'.*TABLE_DELETION_PROTECTION/);
  });

  it('protects every table from deletion only when asked (a rolled-back first create could not delete them)', () => {
    const protection = (stack: BriefingsStack) =>
      (Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table')) as Json[]).map((table) => table.Properties.DeletionProtectionEnabled);
    expect(protection(build().stack)).toEqual(tableEntries.map(() => false));
    expect(protection(build({ tableDeletionProtection: 'true' }).stack)).toEqual(tableEntries.map(() => true));
    expect(protection(buildApp({ env: { ...REQUIRED_ENV, TABLE_DELETION_PROTECTION: 'true' }, context: base }).stack)).toEqual(tableEntries.map(() => true));
  });

  it('lets a failed first create roll back to nothing: no resource is plainly retained, and only the tables have fixed names', () => {
    for (const context of [{}, { alarmEmail: 'ops@example.org', senderIdentity: 'domain', reserveSendConcurrency: 'true' }]) {
      const { stack } = build(context);
      const resources = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, Json>);
      // Retain would keep a resource from a create that rolled back; RetainExceptOnCreate deletes it then.
      expect(resources.filter(([, r]) => r.DeletionPolicy === 'Retain').map(([id]) => id)).toEqual([]);
      const retained = resources.filter(([, r]) => r.DeletionPolicy === 'RetainExceptOnCreate');
      expect(retained.length).toBeGreaterThan(tableEntries.length);
      // A name left behind would make the next create fail with "already exists".
      const NAME_PROPERTIES = ['TableName', 'LogGroupName', 'Name', 'FunctionName', 'QueueName', 'TopicName', 'RoleName', 'AliasName', 'ConfigurationSetName'];
      const named = resources.filter(([, r]) => NAME_PROPERTIES.some((key) => typeof r.Properties?.[key] === 'string' || r.Properties?.[key]?.['Fn::Join']) && r.Type !== 'AWS::Lambda::EventSourceMapping');
      expect(named.filter(([, r]) => r.Type !== 'AWS::DynamoDB::Table' && r.Type !== 'AWS::ApiGatewayV2::Api' && r.Type !== 'AWS::ApiGatewayV2::Stage').map(([id, r]) => `${id} ${r.Type}`)).toEqual([]);
    }
  });

  it('refuses a send rate that is not a number of emails per second, saying where to find it', () => {
    expect(() => build({ maxSendRate: 'fast' })).toThrow(/maxSendRate 'fast' is not a send rate: use emails per second, 1 or more, for example 14 \(the SES maximum send rate shown in the SES console/);
    expect(() => build({ maxSendRate: '0.5' })).toThrow(AppConfigError);
    expect(() => build({ maxSendRate: '0' })).toThrow(AppConfigError);
  });

  it("names the partnership in every emailing function's environment: -c partnershipName, PARTNERSHIP_NAME, or a neutral default", () => {
    const nameIn = (stack: BriefingsStack) => {
      const fn = Template.fromStack(stack).toJSON().Resources[logicalId(stack, stack.functions['send-briefing'])];
      return fn.Properties.Environment.Variables[COMMON_ENV.partnershipName];
    };
    expect(nameIn(build({ partnershipName: "  Testshire  Children's Partnership " }).stack)).toBe("Testshire Children's Partnership");
    expect(nameIn(buildApp({ env: { PARTNERSHIP_NAME: 'Envshire Partnership' }, context: { ...CDK_JSON_CONTEXT, ...REQUIRED, ...SKIP_BUNDLING } }).stack)).toBe('Envshire Partnership');
    expect(nameIn(build().stack)).toBe('Safeguarding Children Partnership');
    expect(() => build({ partnershipName: 'x'.repeat(101) })).toThrow(/partnershipName '.*' is 101 characters: the most is 100/);
    expect(() => build({ partnershipName: 'Bad\u0007name' })).toThrow(/control or invisible character/);
  });

  it('rejects a sender that is not an email address and a base URL that is not https', () => {
    expect(() => build({ senderAddress: 'example.org' })).toThrow(/not an email address/);
    expect(() => build({ publicBaseUrl: 'http://briefings.example.org' })).toThrow(/must be an https:\/\/ URL/);
  });
});

describe('bundling (real esbuild run)', () => {
  it('bundles each handler into a minified CommonJS index.js with a source map', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'briefings-bundle-'));
    try {
      const { app, stack } = buildApp({ env: {}, outdir, context: { ...CDK_JSON_CONTEXT, ...REQUIRED } });
      app.synth();
      const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
      for (const [name, def] of functionEntries) {
        const key: string = (functions[logicalId(stack, stack.functions[name])] as Json).Properties.Code.S3Key;
        const assetDir = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
        const code = fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8');
        const map = JSON.parse(fs.readFileSync(path.join(assetDir, 'index.js.map'), 'utf8'));
        expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
        // Minified: long lines (only template literals keep their line breaks), allowing a
        // few short lines (banner, source map comment) so a tiny handler passes too.
        expect(code.split('\n').length).toBeLessThan(code.length / 1000 + 5);
        expect(map.sources.some((source: string) => source.endsWith(def.entry))).toBe(true);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
