/** The environment variables every function reads besides its table names (function-config.ts reads them). */

/** Environment shared by every function besides its table names. */
export const COMMON_ENV = {
  senderAddress: 'SENDER_ADDRESS',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  configurationSet: 'SES_CONFIGURATION_SET',
  /** AWS: the Secrets Manager secret holding the link-signing key. */
  tokenKeySecretArn: 'TOKEN_KEY_SECRET_ARN',
  /** Local: a file holding the link-signing key (generated once into .local/). */
  tokenKeyFile: 'TOKEN_KEY_FILE',
  /** Where held-finding notices go: the partnership's admin mailbox. */
  adminAddress: 'ADMIN_EMAIL',
  /** Days after a briefing before the one reminder to acknowledge it; 0 turns reminders off. */
  reminderAfterDays: 'REMINDER_AFTER_DAYS',
  /** Days after a briefing before addresses and names are removed from its ledger rows. */
  retentionDays: 'RETENTION_DAYS',
  /** The most emails per second the sender may hand to SES: the account's SES sending quota. */
  maxSendRate: 'MAX_SEND_RATE',
  /** How many send-briefing instances share MAX_SEND_RATE (sendingPlan; its reserved concurrency when reserved); locally one. */
  senderInstances: 'SENDER_INSTANCES',
  /** The partnership's name, for the From header, the emails' footers and the pages. */
  partnershipName: 'PARTNERSHIP_NAME',
  /** The user pool's issuer URL (https://cognito-idp.<region>.amazonaws.com/<pool id>; cognito-local's locally). */
  signInIssuer: 'SIGN_IN_ISSUER',
  /** The console's app client in the user pool. */
  signInClientId: 'SIGN_IN_CLIENT_ID',
  /** Local only: cognito-local's address, where the console's Cognito client sends its calls. */
  signInEndpoint: 'SIGN_IN_ENDPOINT',
  /** Optional: an https:// address of the partnership's logo, shown on emails, pages and the console. */
  logoUrl: 'LOGO_URL',
  /** Optional: the partnership's contact details, for the footer of emails and pages. */
  contactDetails: 'CONTACT_DETAILS',
} as const;
