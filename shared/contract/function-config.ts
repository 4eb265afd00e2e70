import * as z from 'zod/mini';
import '../core/zod-setup';
import { COMMON_ENV } from './environment';
import { FUNCTIONS, type FunctionName } from './functions';
import { TABLES, type TableKey } from './tables';
import {
  DEFAULT_MAX_SEND_RATE,
  DEFAULT_PARTNERSHIP_NAME,
  DEFAULT_REMINDER_AFTER_DAYS,
  DEFAULT_RETENTION_DAYS,
  readPartnershipName,
  readSendRate,
  readWholeNumber,
  type SettingRead,
} from './settings';

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
  /**
   * How many send-briefing instances share maxSendRate: sendingPlan's count in AWS (its reserved
   * concurrency when reserved; without a reservation the stream's shards × parallelization factor
   * bound them, README "Lambda concurrency"); locally one (the poller runs one batch at a time).
   */
  senderInstances: number;
  /** The partnership's name: the From header's display name, the emails' footers, the pages. */
  partnershipName: string;
  /** Optional branding: the logo's address and the contact details in footers. */
  logoUrl?: string;
  contactDetails?: string;
  /** The console's user pool (functions that sign people in). */
  signIn?: { issuer: string; clientId: string; endpoint?: string };
}

export { DEFAULT_MAX_SEND_RATE, DEFAULT_RETENTION_DAYS } from './settings';

/** A setting from the environment through its reader (shared/contract/settings.ts), or the fallback when unset. */
function fromEnv<T>(env: NodeJS.ProcessEnv, name: string, fallback: T, read: (where: string, raw: string) => SettingRead<T>, problems: string[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const result = read(`${name}=${raw}`, raw);
  if (result.ok) return result.value;
  problems.push(result.problem);
  return fallback;
}

const days = (where: string, raw: string) => readWholeNumber(where, raw, 0, 'days');
const instances = (where: string, raw: string) => readWholeNumber(where, raw, 1, 'instances');

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
  const reminderAfterDays = fromEnv(env, COMMON_ENV.reminderAfterDays, DEFAULT_REMINDER_AFTER_DAYS, days, problems);
  const retentionDays = fromEnv(env, COMMON_ENV.retentionDays, DEFAULT_RETENTION_DAYS, days, problems);
  const maxSendRate = fromEnv(env, COMMON_ENV.maxSendRate, DEFAULT_MAX_SEND_RATE, readSendRate, problems);
  const senderInstances = fromEnv(env, COMMON_ENV.senderInstances, 1, instances, problems);
  const partnershipName = fromEnv(env, COMMON_ENV.partnershipName, DEFAULT_PARTNERSHIP_NAME, readPartnershipName, problems);
  const logoUrl = env[COMMON_ENV.logoUrl] || undefined;
  if (logoUrl && !z.url({ protocol: /^https?$/ }).safeParse(logoUrl).success) {
    problems.push(`${COMMON_ENV.logoUrl}=${logoUrl} is not a web address: give the logo's full https:// address, or leave it unset.`);
  }
  const signsIn = 'signsIn' in definition && definition.signsIn;
  const issuer = env[COMMON_ENV.signInIssuer];
  const clientId = env[COMMON_ENV.signInClientId];
  if (signsIn && !issuer) problems.push(`${COMMON_ENV.signInIssuer} is not set: the user pool's issuer, https://cognito-idp.<region>.amazonaws.com/<pool id>.`);
  if (signsIn && !clientId) problems.push(`${COMMON_ENV.signInClientId} is not set: the console's app client id in the user pool.`);
  if (problems.length) throw new ConfigError(`${name} cannot start:\n- ${problems.join('\n- ')}`);

  const tables = new Proxy(tableNames as Record<TableKey, string>, {
    get(target, key: string) {
      const value = target[key as TableKey];
      if (!value) throw new ConfigError(`${name} has no access to the '${key}' table: grant it in shared/contract/functions.ts.`);
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
    partnershipName,
    logoUrl,
    contactDetails: env[COMMON_ENV.contactDetails]?.trim() || undefined,
    signIn: signsIn && issuer && clientId ? { issuer, clientId, endpoint: env[COMMON_ENV.signInEndpoint] || undefined } : undefined,
  };
}
