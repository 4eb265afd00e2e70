import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, NagPack, ServerlessChecks } from 'cdk-nag';
import { AppConfigError, buildApp, EXAMPLE_DEFAULTS } from '../../infra/app';
import { BriefingFunction } from '../../infra/constructs/briefing-function';
import {
  COMMON_ENV,
  FUNCTIONS,
  TABLES,
  type Access,
  type FunctionDefinition,
  type FunctionName,
  type TableDefinition,
  type TableKey,
} from '../../infra/definitions';
import { REPO_ROOT, type BriefingsStack } from '../../infra/stack';

// The feature flags `cdk synth` uses, so the tests check the same template the CLI makes.
const CDK_JSON_CONTEXT = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const REQUIRED = { senderAddress: 'briefings@example.org', publicBaseUrl: 'https://briefings.example.org' };
// Skips esbuild for the assertion tests; the 'bundling' test below runs it for real.
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

const functionEntries = Object.entries(FUNCTIONS) as [FunctionName, FunctionDefinition][];
const tableEntries = Object.entries(TABLES) as [TableKey, TableDefinition][];

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
const canRead = (access: Access | undefined) => access === 'read' || access === 'readWrite';
const canWrite = (access: Access | undefined) => access === 'write' || access === 'readWrite';

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
    it.each(tableEntries)('%s: keys, PITR, SSE, stream and GSIs as defined, retained', (_key, def) => {
      const tables = template.findResources('AWS::DynamoDB::Table', { Properties: { TableName: `${stack.stackName}-${def.name}` } });
      const [table] = Object.values(tables) as Json[];
      expect(Object.keys(tables)).toHaveLength(1);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      const p = table.Properties;
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p.SSESpecification.SSEEnabled).toBe(true);
      expect(p.KeySchema).toEqual([
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      expect(p.StreamSpecification).toEqual(def.stream ? { StreamViewType: def.stream } : undefined);
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
      expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(30);
      // No AWS managed policy (AWSLambdaBasicExecutionRole would allow logs on every group).
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      expect(template.findResources('AWS::IAM::Role')[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('has exactly the table env vars of its grants, and the email settings only if it sends email', () => {
      const variables = (template.findResources('AWS::Lambda::Function')[fnId()] as Json).Properties.Environment.Variables;
      const tableVars = Object.keys(variables).filter((key) => tableEntries.some(([, t]) => t.envVar === key));
      const granted = (Object.keys(def.tables) as TableKey[]).map((key) => TABLES[key].envVar);
      expect(tableVars.sort()).toEqual([...granted].sort());
      for (const key of Object.keys(def.tables) as TableKey[]) {
        expect(variables[TABLES[key].envVar]).toEqual({ Ref: logicalId(stack, stack.tables[key]) });
      }
      const emailVars = Object.values(COMMON_ENV).filter((key) => key in variables);
      expect(emailVars).toEqual(def.sendsEmail ? Object.values(COMMON_ENV) : []);
      expect(variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: name });
      const known = new Set<string>(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', ...granted, ...emailVars]);
      expect(Object.keys(variables).filter((key) => !known.has(key))).toEqual([]);
    });

    it('is triggered by its stream with the defined filters and batch settings, failures to an SQS queue', () => {
      const trigger = def.trigger;
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: fnId() } } })) as Json[];
      expect(mappings).toHaveLength(1);
      const p = mappings[0].Properties;
      expect(p.EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.tables[trigger.table]), 'StreamArn'] });
      expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(p.BisectBatchOnFunctionError).toBe(trigger.bisectOnError);
      expect(p.MaximumRetryAttempts).toBe(trigger.retryAttempts);
      expect(p.MaximumRecordAgeInSeconds).toBe(trigger.maxRecordAgeSeconds);
      expect(p.BatchSize).toBe(trigger.batchSize);
      expect(p.MaximumBatchingWindowInSeconds).toBe(trigger.maxBatchingWindowSeconds);
      expect(p.ParallelizationFactor).toBe(trigger.parallelizationFactor);
      expect(p.StartingPosition).toBe(trigger.startingPosition);
      // Lambda reads each pattern as a JSON string: it must be the definition's pattern, verbatim.
      expect(p.FilterCriteria.Filters).toEqual(trigger.filters.map((filter) => ({ Pattern: JSON.stringify(filter) })));

      const queueId = p.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
      expect(queueId).toBe(logicalId(stack, stack.deadLetterQueues[name]));
      const queue = template.findResources('AWS::SQS::Queue')[queueId] as Json;
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      const queuePolicies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as Json[];
      const tlsOnly = queuePolicies.some(
        (policy) =>
          policy.Properties.Queues.some((q: Json) => q.Ref === queueId) &&
          policy.Properties.PolicyDocument.Statement.some((s: Json) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
      );
      expect(tlsOnly).toBe(true);
    });

    it('has an alarm on visible messages in its dead-letter queue', () => {
      const queueId = logicalId(stack, stack.deadLetterQueues[name]);
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm: Json) =>
        alarm.Properties.Dimensions?.some((d: Json) => d.Name === 'QueueName' && d.Value['Fn::GetAtt']?.[0] === queueId),
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

    it('gets exactly the declared table access: read, write, both or nothing', () => {
      const statements = roleStatements(template, logicalId(stack, stack.functions[name].executionRole));
      const access = def.tables as Partial<Record<TableKey, Access>>;
      for (const [key] of tableEntries) {
        const actions = actionsOnTable(statements, logicalId(stack, stack.tables[key]));
        const summary = { table: key, read: READ_ACTIONS.some((a) => actions.has(a)), write: WRITE_ACTIONS.some((a) => actions.has(a)) };
        expect(summary).toEqual({ table: key, read: canRead(access[key]), write: canWrite(access[key]) });
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

    it('plan-briefing has no SES actions', () => {
      expect(statementsOf('plan-briefing').flatMap((s) => s.actions).filter((a) => a.startsWith('ses:'))).toEqual([]);
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
        // Minified: long lines (only template literals keep their line breaks).
        expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
        expect(map.sources.some((source: string) => source.endsWith(def.entry))).toBe(true);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
