import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { localDeployment, localSenders, localWiring, type LocalWire } from '../../infra/local/pipeline';
import { REPO_ROOT } from '../../infra/stack';
import { COMMON_ENV } from '../../shared/contract/environment';
import { FUNCTIONS, type FunctionName } from '../../shared/contract/functions';
import { TABLES } from '../../shared/contract/tables';
import { sendingPlan } from '../../shared/contract/sending';
import { functionEnvironment } from '../../shared/contract/deployment';

/**
 * What runs locally is what runs in AWS: this walks the synthesized CloudFormation template and
 * holds the local runner (infra/local/pipeline.ts, through localWiring and localDeployment) to
 * it, function by function: the same functions, the same triggers with the same filters and
 * batch settings, the same schedules, the same SES events, the same environment variables.
 * Where the two differ by design, the test names the difference and checks it is only that.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const CDK_JSON_CONTEXT = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const MAX_SEND_RATE = 100;
const { stack } = buildApp({
  env: {},
  context: { ...CDK_JSON_CONTEXT, useExampleDefaults: true, maxSendRate: String(MAX_SEND_RATE), 'aws:cdk:bundling-stacks': [] },
});
const resources = Object.entries<Json>(Template.fromStack(stack).toJSON().Resources);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
const refersTo = (value: Json, logicalId: string) => JSON.stringify(value).includes(`"${logicalId}"`);

const logicalIdOf = (name: FunctionName) => stack.getLogicalId(stack.functions[name].node.defaultChild as never);
const local = new Map<FunctionName, LocalWire>(localWiring(MAX_SEND_RATE).map((wire) => [wire.name, wire]));
const names = Object.keys(FUNCTIONS) as FunctionName[];

/** Set by the Lambda construct for the runtime (source maps, the logger's service name); locally the logger is given its name in code. */
const LAMBDA_RUNTIME_ENV = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'];
/** The same setting by another means: the link-signing key is a secret in AWS and a file locally. */
const SAME_SETTING: Record<string, string> = { [COMMON_ENV.tokenKeySecretArn]: COMMON_ENV.tokenKeyFile };
/** AWS only: locally no configuration set exists; the local runner publishes its events itself (infra/local/ses-events.ts). */
const AWS_ONLY_ENV: string[] = [COMMON_ENV.configurationSet];
/** Local only: cognito-local's address; in AWS the Cognito client finds the service by its region. */
const LOCAL_ONLY_ENV: string[] = [COMMON_ENV.signInEndpoint];

const localEnvKeys = (name: FunctionName) => Object.keys(functionEnvironment(name, localDeployment({ tokenKeyFile: '/dev/null' }, {}))).sort();

test('the local runner wires every function the template deploys, and no other', () => {
  const deployed = ofType('AWS::Lambda::Function').map(([id]) => id).sort();
  expect(deployed).toEqual(names.map(logicalIdOf).sort());
  expect([...local.keys()].sort()).toEqual([...names].sort());
});

describe.each(names)('%s', (name) => {
  const id = logicalIdOf(name);
  const wire = local.get(name)!;

  test('has the same environment variables locally as in the template, but for the differences named above', () => {
    const deployedKeys = Object.keys(ofType('AWS::Lambda::Function').find(([lid]) => lid === id)![1].Properties.Environment?.Variables ?? {});
    const expected = deployedKeys
      .filter((key) => !LAMBDA_RUNTIME_ENV.includes(key) && !AWS_ONLY_ENV.includes(key))
      .map((key) => SAME_SETTING[key] ?? key)
      .sort();
    expect(localEnvKeys(name).filter((key) => !LOCAL_ONLY_ENV.includes(key))).toEqual(expected);
  });

  test('has the same trigger locally as in the template', () => {
    const trigger = wire.trigger;
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, r]) => refersTo(r.Properties.FunctionName, id));
    const schedules = ofType('AWS::Scheduler::Schedule').filter(([, r]) => refersTo(r.Properties.Target.Arn, id));
    const subscriptions = ofType('AWS::SNS::Subscription').filter(([, r]) => refersTo(r.Properties.Endpoint, id));
    // This function's routes: those whose integration invokes it (every http function shares one API).
    const integrations = ofType('AWS::ApiGatewayV2::Integration').filter(([, r]) => refersTo(r.Properties.IntegrationUri, id)).map(([lid]) => lid);
    const routes = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => integrations.some((lid) => refersTo(r.Properties.Target, lid)));
    switch (trigger.kind) {
      case 'stream': {
        expect(mappings).toHaveLength(1);
        const mapping = mappings[0]![1].Properties;
        const tableId = stack.getLogicalId(stack.tables[trigger.table].node.defaultChild as never);
        expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
        expect(mapping.FilterCriteria.Filters.map((filter: Json) => JSON.parse(filter.Pattern))).toEqual(trigger.filters);
        expect(mapping).toMatchObject({
          BatchSize: trigger.batchSize,
          MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
          MaximumRetryAttempts: trigger.retryAttempts,
          BisectBatchOnFunctionError: trigger.bisectOnError,
          MaximumRecordAgeInSeconds: trigger.maxRecordAgeSeconds,
          StartingPosition: trigger.startingPosition,
          // The local poller always reads a partial batch response, as this setting makes Lambda do.
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
        // By design: in AWS the sender's batches per shard come from the send rate; locally one batch at a time, one sender with the whole rate.
        if ((FUNCTIONS[name] as { pacedBySendRate?: boolean }).pacedBySendRate) {
          expect(mapping.ParallelizationFactor).toBe(sendingPlan(MAX_SEND_RATE).parallelizationFactor);
          expect(trigger.parallelizationFactor).toBe(localSenders(MAX_SEND_RATE).parallelizationFactor);
          // A batch holds a few seconds of one instance's sending: of its share in AWS, of the whole rate locally.
          expect(mapping.BatchSize).toBe(sendingPlan(MAX_SEND_RATE).batchSize);
          expect(trigger.batchSize).toBe(localSenders(MAX_SEND_RATE).batchSize);
        } else expect(mapping.ParallelizationFactor ?? 1).toBe(trigger.parallelizationFactor);
        expect([...schedules, ...subscriptions]).toEqual([]);
        break;
      }
      case 'schedule': {
        expect(schedules).toHaveLength(1);
        const schedule = schedules[0]![1].Properties;
        expect(schedule.ScheduleExpression).toBe(`cron(${trigger.minute} ${trigger.hour} ? * ${trigger.weekday} *)`);
        expect(schedule.ScheduleExpressionTimezone).toBe(trigger.timeZone);
        expect([...mappings, ...subscriptions]).toEqual([]);
        break;
      }
      case 'interval': {
        expect(schedules).toHaveLength(1);
        const [, count, unit] = /^rate\((\d+) (minutes?|hours?)\)$/.exec(schedules[0]![1].Properties.ScheduleExpression) ?? [];
        expect(Number(count) * (unit?.startsWith('hour') ? 60 : 1)).toBe(trigger.minutes);
        expect([...mappings, ...subscriptions]).toEqual([]);
        break;
      }
      case 'ses-events': {
        expect(subscriptions).toHaveLength(1);
        expect(subscriptions[0]![1].Properties.Protocol).toBe('lambda');
        const destinations = ofType('AWS::SES::ConfigurationSetEventDestination').map(([, r]) => r.Properties.EventDestination);
        const topic = subscriptions[0]![1].Properties.TopicArn;
        const destination = destinations.find((d) => JSON.stringify(d.SnsDestination.TopicARN) === JSON.stringify(topic));
        // The local publisher keeps exactly the event types the configuration set publishes to this topic.
        expect([...destination.MatchingEventTypes].sort()).toEqual(trigger.events.map((event) => event.toLowerCase()).sort());
        expect([...mappings, ...schedules]).toEqual([]);
        break;
      }
      case 'http': {
        // Locally one node:http server hands every request to this handler; in AWS these routes do.
        const keys = routes.map(([, r]) => r.Properties.RouteKey).sort();
        expect(keys).toEqual(trigger.routes.map((route) => `${route.method} ${route.path}`).sort());
        expect([...mappings, ...schedules, ...subscriptions]).toEqual([]);
        break;
      }
    }
  });
});

test('every table the functions are given is a table the template has, under the name the local runner uses', () => {
  for (const [key, def] of Object.entries(TABLES)) {
    const table = stack.tables[key as keyof typeof TABLES];
    expect(table).toBeDefined();
    expect(localDeployment({ tokenKeyFile: '/dev/null' }, {}).tableNames[key as keyof typeof TABLES]).toBe(def.name);
  }
});
