import { COMMON_ENV } from './environment';
import { FUNCTIONS, type FunctionDefinition, type FunctionName, type Trigger } from './functions';
import { TABLES, type TableKey } from './tables';

/**
 * What a deployment gives its functions: the stack in AWS (infra/stack.ts) and the local runner on
 * one machine (infra/local/) each describe theirs, and both take every function's environment and
 * trigger from the two functions below, so neither keeps a copy of its own.
 */
export interface Deployment {
  tableNames: Record<TableKey, string>;
  senderAddress: string;
  publicBaseUrl: string;
  adminAddress: string;
  partnershipName: string;
  maxSendRate: number;
  reminderAfterDays: number;
  retentionDays: number;
  /** Optional branding: a logo's https:// address and the partnership's contact details (footers). */
  logoUrl?: string;
  contactDetails?: string;
  /** The admin console's user pool: Cognito in AWS, cognito-local locally (with its endpoint). */
  signIn: { issuer: string; clientId: string; endpoint?: string };
  /** The SES configuration set every send goes through (AWS). None locally: the local runner publishes the events itself. */
  configurationSet?: string;
  /** The link-signing key: a Secrets Manager secret in AWS, a file locally. */
  tokenKey: { secretArn: string } | { file: string };
  /**
   * How many send-briefing instances share maxSendRate, how many batches of a shard run at once, and
   * how big a batch is: sendingPlan(maxSendRate) in AWS; locally one sender at the whole rate, one
   * batch at a time.
   */
  senders: { instances: number; parallelizationFactor: number; batchSize: number };
}

/** The environment variables one function reads, and nothing else: tables it is granted, and the settings its kind of work needs. */
export function functionEnvironment(name: FunctionName, deployment: Deployment): Record<string, string> {
  const def: FunctionDefinition = FUNCTIONS[name];
  const env: Record<string, string> = {};
  for (const key of Object.keys(def.tables) as TableKey[]) env[TABLES[key].envVar] = deployment.tableNames[key];
  if (def.sendsEmail) {
    env[COMMON_ENV.senderAddress] = deployment.senderAddress;
    env[COMMON_ENV.publicBaseUrl] = deployment.publicBaseUrl;
    env[COMMON_ENV.adminAddress] = deployment.adminAddress;
    env[COMMON_ENV.maxSendRate] = String(deployment.maxSendRate);
    env[COMMON_ENV.partnershipName] = deployment.partnershipName;
    if (deployment.configurationSet) env[COMMON_ENV.configurationSet] = deployment.configurationSet;
  }
  if (def.sendsEmail || def.branded) {
    env[COMMON_ENV.publicBaseUrl] = deployment.publicBaseUrl;
    env[COMMON_ENV.partnershipName] = deployment.partnershipName;
    if (deployment.logoUrl) env[COMMON_ENV.logoUrl] = deployment.logoUrl;
    if (deployment.contactDetails) env[COMMON_ENV.contactDetails] = deployment.contactDetails;
  }
  if (def.signsIn) {
    env[COMMON_ENV.signInIssuer] = deployment.signIn.issuer;
    env[COMMON_ENV.signInClientId] = deployment.signIn.clientId;
    if (deployment.signIn.endpoint) env[COMMON_ENV.signInEndpoint] = deployment.signIn.endpoint;
  }
  if (def.signsLinks) {
    if ('secretArn' in deployment.tokenKey) env[COMMON_ENV.tokenKeySecretArn] = deployment.tokenKey.secretArn;
    else env[COMMON_ENV.tokenKeyFile] = deployment.tokenKey.file;
  }
  if (def.usesRetention) {
    env[COMMON_ENV.reminderAfterDays] = String(deployment.reminderAfterDays);
    env[COMMON_ENV.retentionDays] = String(deployment.retentionDays);
  }
  if (def.pacedBySendRate) env[COMMON_ENV.senderInstances] = String(deployment.senders.instances);
  return env;
}

/** The function's trigger as this deployment runs it: the definition's, with the sender's batches (how many per shard, how big) from `senders`. */
export function functionTrigger(name: FunctionName, deployment: Pick<Deployment, 'senders'>): Trigger {
  const def: FunctionDefinition = FUNCTIONS[name];
  const trigger = def.trigger;
  if (trigger.kind === 'stream' && def.pacedBySendRate) {
    return { ...trigger, parallelizationFactor: deployment.senders.parallelizationFactor, batchSize: deployment.senders.batchSize };
  }
  return trigger;
}

/**
 * Where one process runs every function (the local runner, the bench), they share one
 * environment: every function's variables together. A name never means two things, so they agree.
 */
export function sharedEnvironment(deployment: Deployment): Record<string, string> {
  return Object.assign({}, ...(Object.keys(FUNCTIONS) as FunctionName[]).map((name) => functionEnvironment(name, deployment)));
}
