import { SESClient } from '@aws-sdk/client-ses';
import type { FunctionConfig } from '../contract/function-config';
import { TokenBucket } from '../core/pacing';
import { stores } from './wiring';
import { DEFAULT_RETRY, SesMailer } from './ses-mailer';

/** The SES side of the wiring (wiring.ts has DynamoDB): only the functions that email import it. */
let ses: SESClient | undefined;

// A hung SES call must fail well inside the function's timeout, so the row is handed back, not stranded.
export const sesClient = () =>
  // One attempt per call: SesMailer backs off on throttling itself, so retries are not multiplied.
  (ses ??= new SESClient({ maxAttempts: 1, requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 } }));

/**
 * What every function that emails needs: the one SES mailer, the sender and the pages' base URL.
 * The mailer is paced to `ratePerSecond` (by default the whole MAX_SEND_RATE; send-briefing,
 * which runs several instances at once, passes its per-instance share). It lives at module
 * scope, so every record of an invocation, and the next invocation on a warm instance, share it.
 */
export const emailing = (
  config: Pick<FunctionConfig, 'configurationSet' | 'senderAddress' | 'publicBaseUrl' | 'maxSendRate' | 'partnershipName' | 'logoUrl' | 'contactDetails'>,
  ratePerSecond = config.maxSendRate,
) => ({
  // The mailer's bucket spaces the SES calls themselves, at the rate: what SES counts.
  mailer: new SesMailer(sesClient(), config.configurationSet, DEFAULT_RETRY, new TokenBucket(ratePerSecond)),
  senderAddress: config.senderAddress,
  senderName: config.partnershipName,
  logoUrl: config.logoUrl,
  contactDetails: config.contactDetails,
  publicBaseUrl: config.publicBaseUrl,
});

/** SendingDeps but the signer (read once, asynchronously): what the sender, reminders and digest share. */
export const sendingDeps = (
  config: Pick<FunctionConfig, 'tables' | 'configurationSet' | 'senderAddress' | 'publicBaseUrl' | 'maxSendRate' | 'partnershipName' | 'logoUrl' | 'contactDetails'>,
  { store = stores(config), ratePerSecond = config.maxSendRate }: { store?: ReturnType<typeof stores>; ratePerSecond?: number } = {},
) => ({
  briefings: store.briefings(),
  deliveries: store.deliveries(),
  suppressions: store.suppressions(),
  ...emailing(config, ratePerSecond),
});
