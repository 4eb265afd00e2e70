import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EXAMPLE_PARTNERSHIP_NAME, readPartnershipName, readSendRate, readWholeNumber, type SettingRead } from '../shared/contract/settings';
import { BriefingsStack } from './stack';

export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

/** Harmless values for a synth that will never be deployed (CI, demos): `-c useExampleDefaults=true`. */
export const EXAMPLE_DEFAULTS = {
  senderAddress: 'briefings@example.org',
  publicBaseUrl: 'https://briefings.example.org',
} as const;

export interface BuildAppOptions {
  /** CDK context, as `-c key=value` would give it (the CLI's own context is read as well). */
  readonly context?: Record<string, unknown>;
  /** Where SENDER_ADDRESS / PUBLIC_BASE_URL / ALARM_EMAIL fall back to. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Cloud assembly directory. @default the CLI's, or a temporary one */
  readonly outdir?: string;
}

/**
 * Builds the app with cdk-nag's AWS Solutions and Serverless packs registered, so every
 * synth (CLI or test) fails on any finding that is not acknowledged with a reason.
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: BriefingsStack } {
  const app = new App({ context: options.context, outdir: options.outdir });
  const env = options.env ?? process.env;
  const text = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const useExampleDefaults = [true, 'true'].includes(app.node.tryGetContext('useExampleDefaults'));
  const required = (contextKey: keyof typeof EXAMPLE_DEFAULTS, envVar: string, example: string): string => {
    const value = text(contextKey) ?? env[envVar]?.trim();
    if (value) return value;
    if (useExampleDefaults) return EXAMPLE_DEFAULTS[contextKey];
    throw new AppConfigError(
      `${contextKey} is not set. Pass -c ${contextKey}=${example} or set ${envVar}` +
        ' (or -c useExampleDefaults=true for a synth that will not be deployed).',
    );
  };

  // A setting from -c or the environment, read by the same reader the functions use (shared/contract/settings.ts).
  const setting = <T>(contextKey: string, fromEnv: string | undefined, read: (where: string, raw: string) => SettingRead<T>): T | undefined => {
    const raw = text(contextKey) ?? (fromEnv?.trim() || undefined);
    if (raw === undefined) return undefined;
    const result = read(`${contextKey} '${raw}'`, raw);
    if (!result.ok) throw new AppConfigError(result.problem);
    return result.value;
  };
  const days = (contextKey: string, fromEnv: string | undefined) => setting(contextKey, fromEnv, (where, raw) => readWholeNumber(where, raw, 0, 'days'));
  const rate = (contextKey: string, fromEnv: string | undefined) => setting(contextKey, fromEnv, readSendRate);

  // A switch: -c key=true|false (or the env var). Anything else stops the synth, saying so.
  const flag = (contextKey: string, envVar: string): boolean | undefined => {
    const value: unknown = app.node.tryGetContext(contextKey);
    if (typeof value === 'boolean') return value;
    const raw = text(contextKey) ?? (env[envVar]?.trim() || undefined);
    if (raw === undefined) return undefined;
    if (/^(true|yes|1)$/i.test(raw)) return true;
    if (/^(false|no|0)$/i.test(raw)) return false;
    throw new AppConfigError(`${contextKey} '${raw}' must be true or false (-c ${contextKey}=true, or ${envVar}=true).`);
  };

  const senderIdentity = text('senderIdentity');
  if (senderIdentity !== undefined && senderIdentity !== 'address' && senderIdentity !== 'domain') {
    throw new AppConfigError(`senderIdentity '${senderIdentity}' must be 'address' or 'domain'.`);
  }
  const stack = new BriefingsStack(app, text('stackName') ?? 'SafeguardingBriefings', {
    description: 'Safeguarding learning briefings: findings → tailored briefings by email (DynamoDB streams, Lambda, SES).',
    senderAddress: required('senderAddress', 'SENDER_ADDRESS', 'briefings@your-partnership.org.uk'),
    publicBaseUrl: required('publicBaseUrl', 'PUBLIC_BASE_URL', 'https://briefings.your-partnership.org.uk'),
    alarmEmail: text('alarmEmail') ?? (env.ALARM_EMAIL?.trim() || undefined),
    logoUrl: text('logoUrl') ?? (env.LOGO_URL?.trim() || undefined),
    contactDetails: text('contactDetails') ?? (env.CONTACT_DETAILS?.trim() || undefined),
    adminEmail: text('adminEmail') ?? (env.ADMIN_EMAIL?.trim() || undefined),
    reminderAfterDays: days('reminderAfterDays', env.REMINDER_AFTER_DAYS),
    retentionDays: days('retentionDays', env.RETENTION_DAYS),
    maxSendRate: rate('maxSendRate', env.MAX_SEND_RATE),
    reserveSendConcurrency: flag('reserveSendConcurrency', 'RESERVE_SEND_CONCURRENCY'),
    tableDeletionProtection: flag('tableDeletionProtection', 'TABLE_DELETION_PROTECTION'),
    senderIdentity,
    partnershipName: setting('partnershipName', env.PARTNERSHIP_NAME, readPartnershipName) ?? (useExampleDefaults ? EXAMPLE_PARTNERSHIP_NAME : undefined),
  });

  // cdk-nag 3 runs as a CDK validation plugin (not an aspect); findings are acknowledged
  // with Validations.of(construct).acknowledge(...) next to the resources in stack.ts.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
  return { app, stack };
}

if (require.main === module) {
  try {
    buildApp().app.synth();
  } catch (error) {
    if (error instanceof AppConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
