/**
 * What an error from SES SendRawEmail means for the row being sent, from the SES API reference
 * (https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html#API_SendRawEmail_Errors),
 * its common errors (https://docs.aws.amazon.com/ses/latest/APIReference/CommonErrors.html), the
 * sending-errors guide (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html)
 * and the quota errors page (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html).
 *
 * - `rejected`: SES refused this one message (an address it will not take, content it will not
 *   send). No retry can change that: the row is FAILED with the reason.
 * - `setup`: the account or its set-up is wrong (an identity not verified, sending paused, no
 *   permission). Every message fails the same way until someone fixes it, and then every one of
 *   them should still go: the row is handed back, and the admin is told what to fix.
 * - `throttled`: too fast for the account's maximum send rate: backed off, then handed back.
 * - `transient`: a network fault, an SES server error, anything not known: handed back.
 *
 * No AWS imports: the adapter passes the error's name and message. Names are matched as the
 * AWS SDK v3 sets them (e.g. ConfigurationSetDoesNotExistException) and as the Query API's error
 * codes spell them (e.g. ConfigurationSetDoesNotExist), which are the names of unmodelled errors.
 */

export type SesErrorKind = 'rejected' | 'setup' | 'throttled' | 'transient';

export const SETUP_PROBLEMS = {
  'sender-not-verified': {
    what: 'The sender address (or its domain) is not a verified identity in SES in this region.',
    fix:
      'Verify the sender identity in SES in the region the stack is deployed to: click the link SES emailed to the sender address, ' +
      "or publish the DKIM records for its domain (the stack's SenderIdentity output names it). Verification is per region.",
  },
  'recipient-not-verified': {
    what: 'The SES account is in the sandbox, and a recipient is not a verified address. In the sandbox SES sends only to verified addresses.',
    fix:
      'Request production access in the SES console (Account dashboard) before sending real briefings. ' +
      'For a test in the sandbox, verify each recipient address in SES first.',
  },
  'identity-not-verified': {
    what: 'SES says an address is not verified: the sender, or (while the account is in the SES sandbox) a recipient.',
    fix:
      'Check that the sender identity is verified in SES in this region. If the account is still in the SES sandbox, ' +
      'request production access in the SES console (Account dashboard), or verify each recipient for a test.',
  },
  'mail-from-domain-not-verified': {
    what: 'SES could not read the MX record of the custom MAIL FROM domain set on the sender identity.',
    fix:
      'Publish the MX (and SPF) records that the SES console shows for the custom MAIL FROM domain of the sender identity, ' +
      'or remove the custom MAIL FROM domain from the identity.',
  },
  'configuration-set-missing': {
    what: 'The SES configuration set the functions send through does not exist in this region.',
    fix:
      'Deploy the stack again: it creates the configuration set and names it in SES_CONFIGURATION_SET. ' +
      "If it was deleted by hand, the redeploy recreates it; check that the function's region is the stack's.",
  },
  'configuration-set-paused': {
    what: "Sending is disabled on the stack's SES configuration set.",
    fix:
      'Turn sending back on for the configuration set (SES console, Configuration sets; or the UpdateConfigurationSetSendingEnabled API). ' +
      'If SES paused it because of the bounce or complaint rate, fix that first.',
  },
  'account-paused': {
    what: 'Sending is paused for the whole SES account in this region.',
    fix:
      'If someone paused it, turn it back on (the UpdateAccountSendingEnabled API). If SES paused it (bounces, complaints), ' +
      "read the email AWS sent to the account's address and ask for a review in the SES console (Account dashboard).",
  },
  'access-denied': {
    what: 'The function is not allowed to send with SES (AccessDenied).',
    fix:
      'Deploy the stack again: it grants ses:SendRawEmail on the sender identity and the configuration set only. ' +
      'In the SES sandbox SES also checks the permission against each verified recipient, which the stack does not grant: request production access. ' +
      'Otherwise look for a service control policy or permissions boundary that denies SES, or a sender identity in another region.',
  },
  'daily-quota-exceeded': {
    what: "The SES account's 24-hour sending quota is used up.",
    fix:
      'The waiting briefings go when the 24-hour window frees up: after the stream gives up, `npm run cli -- findings retry <id>` puts them back. ' +
      'Ask for a higher sending quota in the SES console (Account dashboard, or Service Quotas) if this is the usual volume.',
  },
} as const satisfies Record<string, { what: string; fix: string }>;

export type SetupProblem = keyof typeof SETUP_PROBLEMS;

export interface SesErrorVerdict {
  kind: SesErrorKind;
  /** For `setup` only: which problem, so it can be told once and fixed. */
  problem?: SetupProblem;
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'MaxSendingRateExceeded', 'TooManyRequestsException']);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
/** Problems with this one message or its addresses: "Missing final '@domain'", "Illegal address", a duplicate header. */
const MESSAGE_ERRORS = new Set(['InvalidParameterValue', 'InvalidParameterValueException']);
const BY_NAME: Record<string, SetupProblem> = {
  MailFromDomainNotVerifiedException: 'mail-from-domain-not-verified',
  MailFromDomainNotVerified: 'mail-from-domain-not-verified',
  ConfigurationSetDoesNotExistException: 'configuration-set-missing',
  ConfigurationSetDoesNotExist: 'configuration-set-missing',
  ConfigurationSetSendingPausedException: 'configuration-set-paused',
  ConfigurationSetSendingPaused: 'configuration-set-paused',
  AccountSendingPausedException: 'account-paused',
  AccountSendingPaused: 'account-paused',
};

const NOT_VERIFIED = /Email address is not verified/i;
/** "Sending suspended for this account. For more information, please check the inbox of the email address associated with your AWS account." */
const ACCOUNT_PAUSED = /sending (?:suspended|paused) for this account/i;
const DAILY_QUOTA = /Daily message quota exceeded/i;

/**
 * `sender`: the address the message is sent from (its From header), to tell an unverified sender
 * from an unverified recipient in the SES sandbox: SES lists the identities that failed the check
 * ("The following identities failed the check in region EU-WEST-2: a, b"), ending with "..." when
 * it cannot show them all.
 */
export function classifySesError(name: string, message: string, sender?: string): SesErrorVerdict {
  if (THROTTLING.has(name)) {
    // Same error code, two meanings: waiting seconds helps the rate, not the day's quota.
    return DAILY_QUOTA.test(message) ? { kind: 'setup', problem: 'daily-quota-exceeded' } : { kind: 'throttled' };
  }
  if (ACCESS_DENIED.has(name)) return { kind: 'setup', problem: 'access-denied' };
  const byName = BY_NAME[name];
  if (byName) return { kind: 'setup', problem: byName };
  if (name === 'MessageRejected' || name === 'MessageRejectedException') {
    if (NOT_VERIFIED.test(message)) return { kind: 'setup', problem: unverified(message, sender) };
    if (ACCOUNT_PAUSED.test(message)) return { kind: 'setup', problem: 'account-paused' };
    // Anything else SES rejects is about this message (its content, e.g. a virus, or an address).
    return { kind: 'rejected' };
  }
  if (MESSAGE_ERRORS.has(name)) return { kind: 'rejected' };
  return { kind: 'transient' };
}

function unverified(message: string, sender: string | undefined): SetupProblem {
  const listed = /failed the check in region [^:]*:(.*)$/is.exec(message)?.[1];
  if (!listed || !sender) return 'identity-not-verified';
  const address = sender.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const identities = listed.split(',').map((identity) => identity.trim().toLowerCase());
  // An identity may be written "Name <address>", an address, or a domain.
  const isSender = identities.some((identity) => identity === domain || identity === address || identity.includes(`<${address}>`));
  if (isSender) return 'sender-not-verified';
  // A cut-off list ("…" / "...") may have left the sender out: say both.
  return /(?:\.\.\.|…)\s*\.?\s*$/.test(listed) ? 'identity-not-verified' : 'recipient-not-verified';
}

/** The address in a raw message's From header (SES checks it when SendRawEmail has no Source). */
export function fromAddressOf(raw: Buffer): string | undefined {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const from = /^From:[ \t]*(.*)$/im.exec(unfolded)?.[1];
  if (!from) return undefined;
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1];
  return (angle ?? /[^\s<>",;]+@[^\s<>",;]+/.exec(from)?.[0])?.toLowerCase();
}

/**
 * A failed send (what a Mailer throws), with what it means for the row (classifySesError): only a
 * per-message rejection is `permanent` (the row is FAILED with the reason). Account or set-up
 * problems (an unverified identity, sending paused, AccessDenied, the day's quota used up),
 * throttling and network faults are not: once fixed, the same rows should still go.
 */
export class SendError extends Error {
  override readonly name = 'SendError';
  /** Only a per-message rejection: the row is FAILED with the reason. */
  readonly permanent: boolean;
  /** For a set-up problem: which one, so the admin can be told what to fix. */
  readonly problem?: SetupProblem;
  constructor(
    message: string,
    readonly kind: SesErrorKind,
    options?: { cause?: unknown; problem?: SetupProblem },
  ) {
    super(message, options);
    this.permanent = kind === 'rejected';
    this.problem = options?.problem;
  }
}
