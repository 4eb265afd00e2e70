import * as z from 'zod/mini';
import './domain/zod-setup';
import { COMMON_ENV, FUNCTIONS, TABLES, type FunctionName, type TableKey } from '../infra/definitions';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface FunctionConfig {
  tables: Record<TableKey, string>;
  senderAddress: string;
  publicBaseUrl: string;
  configurationSet?: string;
  /** Where held-finding notices go; the sender's own mailbox when ADMIN_EMAIL is not set. */
  adminAddress: string;
  /** 0 = no reminders. */
  reminderAfterDays: number;
  retentionDays: number;
  /** Emails per second, across every concurrent sender: SES's maximum send rate. */
  maxSendRate: number;
  /** How many instances of this function share maxSendRate (send-briefing in AWS: its reserved concurrency). */
  senderInstances: number;
}

export const DEFAULT_RETENTION_DAYS = 730;
/** SES's maximum send rate for a new production account, in emails per second. */
export const DEFAULT_MAX_SEND_RATE = 14;

function rateFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 1) {
    problems.push(`${name}=${raw} is not a send rate: use emails per second, 1 or more, for example 14 (the SES quota shown in the SES console; 1 in the SES sandbox).`);
    return fallback;
  }
  return rate;
}

function wholeNumberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[], least: number, what: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < least) {
    problems.push(`${name}=${raw} is not a number of ${what}: use a whole number, ${least} or more.`);
    return fallback;
  }
  return value;
}

const daysFrom = (env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]) => wholeNumberFrom(env, name, fallback, problems, 0, 'days');

/**
 * Reads a function's environment once, at module load, and fails fast naming the
 * variable. Only the tables the definition grants are required; asking for any other
 * table later throws, so a missing grant shows up as a clear error, not an AccessDenied.
 */
export function loadFunctionConfig(name: FunctionName, env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const definition = FUNCTIONS[name];
  const problems: string[] = [];
  const tableNames: Partial<Record<TableKey, string>> = {};
  for (const key of Object.keys(definition.tables) as TableKey[]) {
    const value = env[TABLES[key].envVar];
    if (value) tableNames[key] = value;
    else problems.push(`${TABLES[key].envVar} is not set: it names the ${TABLES[key].name} table.`);
  }
  const sendsEmail = 'sendsEmail' in definition && definition.sendsEmail;
  const email = z
    .object({
      [COMMON_ENV.senderAddress]: z.string().check(z.minLength(3, { error: `${COMMON_ENV.senderAddress} is not set: the verified SES sender, for example briefings@example.org.` })),
      [COMMON_ENV.publicBaseUrl]: z.url({ protocol: /^https?$/, error: `${COMMON_ENV.publicBaseUrl} must be the public https:// base URL of the pages, for example https://briefings.example.org.` }),
    })
    .safeParse(env);
  if (sendsEmail && !email.success) problems.push(...email.error.issues.map((issue) => issue.message));
  const signsLinks = 'signsLinks' in definition && definition.signsLinks;
  if (signsLinks && !env[COMMON_ENV.tokenKeySecretArn] && !env[COMMON_ENV.tokenKeyFile]) {
    problems.push(`${COMMON_ENV.tokenKeySecretArn} (AWS) or ${COMMON_ENV.tokenKeyFile} (local) must be set: the key that signs links in emails.`);
  }
  const reminderAfterDays = daysFrom(env, COMMON_ENV.reminderAfterDays, 0, problems);
  const retentionDays = daysFrom(env, COMMON_ENV.retentionDays, DEFAULT_RETENTION_DAYS, problems);
  const maxSendRate = rateFrom(env, COMMON_ENV.maxSendRate, DEFAULT_MAX_SEND_RATE, problems);
  const senderInstances = wholeNumberFrom(env, COMMON_ENV.senderInstances, 1, problems, 1, 'instances');
  if (problems.length) throw new ConfigError(`${name} cannot start:\n- ${problems.join('\n- ')}`);

  const tables = new Proxy(tableNames as Record<TableKey, string>, {
    get(target, key: string) {
      const value = target[key as TableKey];
      if (!value) throw new ConfigError(`${name} has no access to the '${key}' table: grant it in infra/definitions.ts.`);
      return value;
    },
  });
  return {
    tables,
    senderAddress: env[COMMON_ENV.senderAddress] ?? '',
    publicBaseUrl: env[COMMON_ENV.publicBaseUrl] ?? '',
    configurationSet: env[COMMON_ENV.configurationSet] || undefined,
    adminAddress: env[COMMON_ENV.adminAddress] || env[COMMON_ENV.senderAddress] || '',
    reminderAfterDays,
    retentionDays,
    maxSendRate,
    senderInstances,
  };
}
