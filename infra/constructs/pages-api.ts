import { CfnOutput, RemovalPolicy, Validations, type Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { COMMON_ENV } from '../../shared/contract/environment';
import type { FunctionName, HttpTrigger } from '../../shared/contract/functions';
import type { BriefingFunction } from './briefing-function';

/** The public pages: one HTTP API in front of every http-triggered function. */

/** How each http function's routes are authorised, where it is not by the signed link (the cdk-nag APIG4 reason). */
const HTTP_ROUTE_AUTHORISATION: Partial<Record<FunctionName, string>> = {
  console:
    'The admin console authorises every route itself: the session is the admin user pool\'s ID token (Cognito, MFA required) in an HttpOnly, Secure, SameSite=Strict cookie, verified on every request with aws-jwt-verify (signature, issuer, audience, expiry, token use), and each POST carries a CSRF token. An HTTP API JWT authorizer reads the Authorization header, which a server-rendered page without JavaScript never sends; sign-in itself must be reachable without a session. The access test walks every route without a session and with each role.',
  'console-people':
    "The console's people pages authorise every route as the console does (the user pool's ID token in an HttpOnly, Secure, SameSite=Strict cookie, verified with aws-jwt-verify; a CSRF token on each POST), and only the approver group gets past the role check. Addresses travel in POST bodies, never in a URL. The access test walks every route without a session and with each role.",
  archive: 'The public archive is public by design: published briefings with no personal links, the same text the anonymisation gate passed before it was emailed. It only reads the briefings table; the stage is throttled.',
};

/**
 * What the pages API logs per request, as JSON. Deliberately no client IP, user agent, path
 * or query string: the links carry signed tokens and the callers are members of the public.
 */
export const PAGES_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
} as const;

export interface PagesApi {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly throttle: HttpTrigger['throttle'];
}

/** The one pages API and its `$default` stage: throttled, access-logged, its URL an output. */
export function createPagesApi(scope: Stack, trigger: HttpTrigger, publicBaseUrl: string): PagesApi {
  const api = new apigwv2.HttpApi(scope, 'pages-api', {
    description: 'Public subscription pages: subscribe, confirm, manage preferences, unsubscribe. Reached from links in emails, authorised by signed tokens in the URL.',
    createDefaultStage: false,
  });
  const accessLogs = new logs.LogGroup(scope, 'pages-access-logs', {
    retention: logs.RetentionDays.ONE_MONTH,
    // Kept on delete; a rolled-back first create leaves no empty group behind.
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });
  const stage = api.addStage('default-stage', {
    stageName: '$default',
    autoDeploy: true,
    throttle: { rateLimit: trigger.throttle.ratePerSecond, burstLimit: trigger.throttle.burst },
    accessLogSettings: {
      destination: new apigwv2.LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(PAGES_ACCESS_LOG_FIELDS)),
    },
  });
  new CfnOutput(scope, 'PagesUrl', {
    value: stage.url,
    description: `The public pages API. publicBaseUrl (${COMMON_ENV.publicBaseUrl}, now ${publicBaseUrl}) must point at this API: this URL itself, or a custom domain mapped to it.`,
  });
  return { api, stage, throttle: trigger.throttle };
}

/** Public pages: routes on the one HTTP API, Lambda proxy integration (payload 2.0). */
export function addPageRoutes(api: apigwv2.HttpApi, name: FunctionName, fn: BriefingFunction, trigger: HttpTrigger): void {
  const integration = new HttpLambdaIntegration(`${name}-integration`, fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
  for (const route of trigger.routes) {
    for (const created of api.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration })) {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: HTTP_ROUTE_AUTHORISATION[name] ?? `${route.method} ${route.path} is a public page by design: people reach it from a link in an email, or sign up without an account. What it may do is authorised by the signed, expiring token in the link (HMAC with the Secrets Manager token key), checked by ${name}; the stage is throttled and ${name} rate-limits per address and per client.`,
      });
    }
  }
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason: `API Gateway invokes ${name} synchronously (Lambda proxy integration): an error goes straight back to the browser as a 5xx and is in the function's log and the access log. A function DeadLetterConfig applies only to asynchronous invocations, which this function never receives.`,
  });
}
