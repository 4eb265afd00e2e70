/**
 * The one source of truth for tables, streams, stream filters, batch settings and
 * function environments. The CDK stack (infra/stack.ts) and the local runner
 * (infra/local/) both read this file; neither keeps a copy of its own.
 */

import type { FilterPattern } from './filter-pattern';

export type KeyType = 'S' | 'N';
export interface KeyDefinition {
  name: string;
  type: KeyType;
}

export interface TableDefinition {
  /** Physical name suffix: `<stack>-<name>` in AWS, `<name>` locally. */
  name: string;
  /** Environment variable that carries the physical table name to functions. */
  envVar: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes the item some time after it. */
  timeToLiveAttribute?: string;
  globalIndexes?: { name: string; partitionKey: KeyDefinition; sortKey?: KeyDefinition }[];
}

export const TABLES = {
  /** What admins type: one item per finding. */
  findings: {
    name: 'findings',
    envVar: 'FINDINGS_TABLE',
    partitionKey: { name: 'id', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
  },
  /** Distribution lists: id, name and optional topic / agency / role filters. */
  lists: {
    name: 'lists',
    envVar: 'LISTS_TABLE',
    partitionKey: { name: 'id', type: 'S' },
  },
  /** Members of each list, keyed by normalised email within the list. */
  listMembers: {
    name: 'list-members',
    envVar: 'LIST_MEMBERS_TABLE',
    partitionKey: { name: 'listId', type: 'S' },
    sortKey: { name: 'email', type: 'S' },
  },
  /** One row per issued briefing (finding id + version): the validated snapshot every email renders from. */
  briefings: {
    name: 'briefings',
    envVar: 'BRIEFINGS_TABLE',
    partitionKey: { name: 'briefingId', type: 'S' },
  },
  /**
   * The delivery ledger and the send queue in one: a PENDING row means "send this",
   * a SENT row proves it was sent. Keys spread recipients (`<briefingId>#<recipientHash>`)
   * so a shard never serialises a whole briefing; reports go through `by-briefing`.
   */
  deliveries: {
    name: 'deliveries',
    envVar: 'DELIVERIES_TABLE',
    partitionKey: { name: 'deliveryId', type: 'S' },
    stream: 'NEW_IMAGE',
    globalIndexes: [
      {
        name: 'by-briefing',
        partitionKey: { name: 'briefingId', type: 'S' },
        sortKey: { name: 'recipientKey', type: 'S' },
      },
      {
        // Sparse: only PENDING and SENDING rows carry these, so the sweeper finds stuck
        // work with a few Queries. Spread over a few shards so no key is hot.
        name: 'open-rows',
        partitionKey: { name: 'openShard', type: 'S' },
        sortKey: { name: 'openSince', type: 'S' },
      },
    ],
  },
  /**
   * Topic subscribers. Each subscriber (keyed by the same non-reversible recipient key
   * as the ledger) has a `profile` entry, and, while confirmed, one `topic#<id>` entry
   * per chosen topic (`topic#*` for all topics). Only those entries carry `topicKey`
   * (`<topic>#<frequency>`), so `by-topic` is a sparse index: the confirmed subscribers
   * of a topic at a frequency are one Query, never a Scan.
   */
  subscribers: {
    name: 'subscribers',
    envVar: 'SUBSCRIBERS_TABLE',
    partitionKey: { name: 'subscriberId', type: 'S' },
    sortKey: { name: 'entry', type: 'S' },
    globalIndexes: [
      {
        name: 'by-topic',
        partitionKey: { name: 'topicKey', type: 'S' },
        sortKey: { name: 'subscriberId', type: 'S' },
      },
    ],
  },
  /**
   * Addresses that must never be sent to again (hard bounce, complaint, unsubscribe),
   * keyed by recipient key so it survives erasure without keeping the address.
   */
  suppressions: {
    name: 'suppressions',
    envVar: 'SUPPRESSIONS_TABLE',
    partitionKey: { name: 'recipientKey', type: 'S' },
  },
  /**
   * Anonymous answers to "what will your team do differently?", given with an
   * acknowledgement: agency, role and briefing, never the address. Read by briefing.
   */
  responses: {
    name: 'responses',
    envVar: 'RESPONSES_TABLE',
    partitionKey: { name: 'responseId', type: 'S' },
    globalIndexes: [
      {
        name: 'by-briefing',
        partitionKey: { name: 'briefingId', type: 'S' },
        sortKey: { name: 'at', type: 'S' },
      },
    ],
  },
  /** Per-deployment settings admins keep with the CLI (the anonymisation gate's deny list). */
  settings: {
    name: 'settings',
    envVar: 'SETTINGS_TABLE',
    partitionKey: { name: 'key', type: 'S' },
  },
  /**
   * The admin console's audit log: who did what, when, to which finding. Append-only: the console
   * may put new entries and read them, never change or delete one (its grant is 'append').
   * Keyed by month, newest first within it.
   */
  audit: {
    name: 'audit',
    envVar: 'AUDIT_TABLE',
    partitionKey: { name: 'month', type: 'S' },
    sortKey: { name: 'at', type: 'S' },
  },
  /** Fixed-window request counters for the public pages (per address, per client); they expire. */
  rateLimits: {
    name: 'rate-limits',
    envVar: 'RATE_LIMITS_TABLE',
    partitionKey: { name: 'limitKey', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

/** A Lambda event-filter pattern, as the event source mapping and the local poller both apply it (infra/event-filter.ts applies it locally). */
export type { FilterPattern };

export interface StreamTrigger {
  kind: 'stream';
  table: TableKey;
  /** A record is delivered when it matches any one of these patterns. */
  filters: readonly FilterPattern[];
  batchSize: number;
  maxBatchingWindowSeconds: number;
  retryAttempts: number;
  bisectOnError: boolean;
  maxRecordAgeSeconds: number;
  parallelizationFactor: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
}

/** Public pages: an API Gateway HTTP API in AWS, node:http on port 3000 locally; same handler. */
export interface HttpTrigger {
  kind: 'http';
  routes: readonly { method: 'GET' | 'POST'; path: string }[];
  /** Stage-wide throttle: steady requests per second and burst. */
  throttle: { ratePerSecond: number; burst: number };
}

/** A weekly run: EventBridge Scheduler in AWS, a timer locally (plus a CLI command to run it now). */
export interface WeeklyScheduleTrigger {
  kind: 'schedule';
  weekday: 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';
  hour: number;
  minute: number;
  timeZone: string;
}

/** Every few minutes: EventBridge Scheduler in AWS, an interval timer locally. */
export interface IntervalTrigger {
  kind: 'interval';
  minutes: number;
}

/** SES configuration-set events (bounce, complaint, delivery), through an SNS topic. */
export interface SesEventsTrigger {
  kind: 'ses-events';
  events: readonly ('BOUNCE' | 'COMPLAINT' | 'DELIVERY' | 'REJECT')[];
}

export type Trigger = StreamTrigger | HttpTrigger | WeeklyScheduleTrigger | IntervalTrigger | SesEventsTrigger;

/** 'append': put new items and read them, never update or delete one (the audit log). */
export type Access = 'read' | 'write' | 'readWrite' | 'append';

export interface FunctionDefinition {
  /** Handler file, relative to the repository root; its export is `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Table access: the stack grants exactly this and sets the table's env var with it. */
  tables: Partial<Record<TableKey, Access>>;
  sendsEmail?: boolean;
  /** Signs links (confirm, manage, unsubscribe) with the token key: it gets read access to the secret. */
  signsLinks?: boolean;
  /** Signs people in with the user pool (Cognito in AWS, cognito-local locally) and checks their tokens. */
  signsIn?: boolean;
  /** Renders briefings and pages under the partnership's name (PARTNERSHIP_NAME) and links to the public pages (PUBLIC_BASE_URL). */
  branded?: boolean;
  /** Reads the reminder and retention settings (REMINDER_AFTER_DAYS, RETENTION_DAYS). */
  usesRetention?: boolean;
  /**
   * The bulk sender: its concurrency and each instance's pace come from MAX_SEND_RATE
   * (see sendingPlan), so together its instances stay under the SES quota (whatever the shard
   * count only with its concurrency reserved: README, "Lambda concurrency").
   */
  pacedBySendRate?: boolean;
  trigger: Trigger;
}

/**
 * The pace asked of one send-briefing instance before another is added. A chosen figure, not a
 * latency limit (25 parallel SES calls of ~100 ms could go faster): at 25/s a batch of 100 takes
 * about four seconds, well inside the 60 s timeout even with throttling back-offs.
 */
export const SENDS_PER_SECOND_PER_INSTANCE = 25;

/**
 * From the account's SES rate: how many send-briefing instances share it (SENDER_INSTANCES;
 * with -c reserveSendConcurrency=true also the function's reserved concurrency, so the bound
 * holds whatever the stream's shard count; without it, it holds on a one-shard stream), how
 * many batches of one shard run at once (Lambda allows 1–10), and each instance's pace.
 */
export function sendingPlan(maxSendRate: number) {
  const concurrency = Math.max(1, Math.ceil(maxSendRate / SENDS_PER_SECOND_PER_INSTANCE));
  const perInstanceRate = maxSendRate / concurrency;
  return {
    concurrency,
    parallelizationFactor: Math.min(10, concurrency),
    perInstanceRate,
    batchSize: sendBatchSize(perInstanceRate),
  };
}

/**
 * The sender's stream batch holds about SEND_BATCH_SECONDS of sending at its pace: between two
 * batches the sender is idle (the last SENT write, the next claim), so the fewer the boundaries,
 * the closer it runs to the quota. At most 100 (one claim transaction), at least 10; at 14/s, 56.
 */
export const SEND_BATCH_SECONDS = 4;
export const MAX_SEND_BATCH = 100;
export const sendBatchSize = (perInstanceRate: number) => Math.max(10, Math.min(MAX_SEND_BATCH, Math.round(perInstanceRate * SEND_BATCH_SECONDS)));

/**
 * The admin console's routes: each is its own API Gateway route, and the access test walks every
 * one without a session and with each role (test/e2e/console-access.test.ts).
 */
export const CONSOLE_ROUTES = [
  { method: 'GET', path: '/console' },
  { method: 'GET', path: '/console/sign-in' },
  { method: 'POST', path: '/console/sign-in' },
  { method: 'POST', path: '/console/sign-out' },
  { method: 'GET', path: '/console/findings' },
  { method: 'GET', path: '/console/finding' },
  { method: 'GET', path: '/console/finding/edit' },
  { method: 'POST', path: '/console/finding/edit' },
  { method: 'GET', path: '/console/finding/preview' },
  { method: 'GET', path: '/console/finding/confirm' },
  { method: 'POST', path: '/console/finding/confirm' },
  { method: 'GET', path: '/console/reports' },
  { method: 'GET', path: '/console/audit' },
  { method: 'GET', path: '/console/lists' },
  { method: 'GET', path: '/console/list' },
  { method: 'GET', path: '/console/list/edit' },
  { method: 'POST', path: '/console/list/edit' },
  { method: 'POST', path: '/console/list/members' },
] as const satisfies HttpTrigger['routes'];

/** The console's people pages: their own function, the only one that may change or erase a person's data. */
export const PEOPLE_ROUTES = [
  { method: 'GET', path: '/console/people' },
  { method: 'POST', path: '/console/people' },
  { method: 'POST', path: '/console/people/export' },
  { method: 'POST', path: '/console/people/suppress' },
  { method: 'POST', path: '/console/people/erase' },
] as const satisfies HttpTrigger['routes'];

/** Every http function's stage throttle: they share one API stage, so one throttle (the stack refuses two). */
const PAGES_THROTTLE = { ratePerSecond: 20, burst: 40 } as const;

/** What a console function is: signed in with the user pool, CSRF tokens signed with the link-signing key, branded. */
const SIGNED_IN_PAGES = { signsIn: true, signsLinks: true, branded: true } as const;

export const FUNCTIONS = {
  'plan-briefing': {
    entry: 'functions/plan-briefing/handler.ts',
    description: 'Findings stream: validates a newly published (or re-issued) finding and writes one PENDING delivery per recipient.',
    memoryMb: 512,
    timeoutSeconds: 120,
    tables: {
      findings: 'write', lists: 'read', listMembers: 'read', subscribers: 'read', suppressions: 'read',
      briefings: 'readWrite', deliveries: 'readWrite', settings: 'read',
    },
    // Tells the admin address when a finding is held.
    sendsEmail: true,
    trigger: {
      kind: 'stream',
      table: 'findings',
      // Only published (in any case: `Published` is held with the fix) or withdrawn items can
      // start anything; the handler then checks that this record is a transition, not an edit.
      // A status that is none of the exact values (' published ', with spaces) reaches the handler
      // too: no filter can trim, and the handler holds what was meant as published, with the fix.
      filters: [
        { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { status: { S: [{ 'equals-ignore-case': 'published' }] } } } },
        { eventName: ['MODIFY'], dynamodb: { NewImage: { status: { S: [{ 'equals-ignore-case': 'withdrawn' }] } } } },
        { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { status: { S: [{ 'anything-but': ['draft', 'published', 'withdrawn'] }] } } } },
      ],
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      retryAttempts: 5,
      bisectOnError: true,
      maxRecordAgeSeconds: 3600,
      parallelizationFactor: 1,
      startingPosition: 'TRIM_HORIZON',
    },
  },
  'send-briefing': {
    entry: 'functions/send-briefing/handler.ts',
    description: 'Deliveries stream: claims each PENDING row, renders the tailored briefing and sends it with SES.',
    memoryMb: 512,
    timeoutSeconds: 60,
    // rateLimits: the day's mark that the admin was told of an SES set-up problem (shared/flows/send/ses-setup.ts).
    tables: { briefings: 'read', deliveries: 'readWrite', suppressions: 'read', rateLimits: 'readWrite' },
    sendsEmail: true,
    signsLinks: true,
    pacedBySendRate: true,
    trigger: {
      kind: 'stream',
      table: 'deliveries',
      // New rows, and rows put back in the queue (by the sweeper or a retry: they carry wakeAt).
      filters: [
        { eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PENDING'] } } } },
        // `exists` matches leaves only: wakeAt itself is a map ({ S: … }), so the test is on its S.
        { eventName: ['MODIFY'], dynamodb: { NewImage: { status: { S: ['PENDING'] }, wakeAt: { S: [{ exists: true }] } } } },
      ],
      // The most; each deployment sets it from the send rate (sendingPlan's batchSize).
      batchSize: MAX_SEND_BATCH,
      maxBatchingWindowSeconds: 1,
      retryAttempts: 5,
      bisectOnError: true,
      // A big list waits its turn behind the SES rate (50,000 at 14/s is an hour): a record is
      // never dropped for its age before the stream itself lets it go, after 24 hours.
      maxRecordAgeSeconds: 86_400,
      // The stack raises this (and, when asked, reserves concurrency) from MAX_SEND_RATE: see sendingPlan.
      parallelizationFactor: 1,
      startingPosition: 'TRIM_HORIZON',
    },
  },
  subscriptions: {
    entry: 'functions/subscriptions/handler.ts',
    description: 'Public pages: subscribe, confirm (double opt-in), manage preferences, one-click unsubscribe, acknowledge a briefing.',
    memoryMb: 512,
    timeoutSeconds: 15,
    tables: {
      subscribers: 'readWrite', suppressions: 'readWrite', rateLimits: 'readWrite',
      // Acknowledgements: the row is marked read, the briefing's title shown, the answer kept apart
      // (screened against the deny list in settings first).
      deliveries: 'readWrite', briefings: 'read', responses: 'write', settings: 'read',
    },
    sendsEmail: true,
    signsLinks: true,
    trigger: {
      kind: 'http',
      routes: [
        { method: 'GET', path: '/' },
        { method: 'GET', path: '/subscribe' },
        { method: 'POST', path: '/subscribe' },
        { method: 'GET', path: '/confirm' },
        { method: 'POST', path: '/confirm' },
        { method: 'GET', path: '/preferences' },
        { method: 'POST', path: '/preferences' },
        { method: 'GET', path: '/unsubscribe' },
        { method: 'POST', path: '/unsubscribe' },
        { method: 'GET', path: '/acknowledge' },
        { method: 'POST', path: '/acknowledge' },
      ],
      throttle: PAGES_THROTTLE,
    },
  },
  archive: {
    entry: 'functions/archive/handler.ts',
    description: 'Public archive: every published briefing on the web (no personal links), an index by topic and agency with search, and an Atom feed.',
    memoryMb: 512,
    timeoutSeconds: 15,
    tables: { briefings: 'read' },
    branded: true,
    trigger: {
      kind: 'http',
      routes: [
        // The whole briefing on the web: every email and the weekly digest link each one here.
        { method: 'GET', path: '/briefing' },
        { method: 'GET', path: '/archive' },
        { method: 'GET', path: '/archive/feed.atom' },
      ],
      throttle: PAGES_THROTTLE,
    },
  },
  console: {
    entry: 'functions/console/handler.ts',
    description: 'Admin console: write, preview, approve, publish, correct and withdraw findings; distribution lists; reports and the audit log. Signed in with the user pool.',
    memoryMb: 1024,
    timeoutSeconds: 29,
    tables: {
      // Writes findings as the AWS console and the CLI do: the stream takes it from there.
      findings: 'readWrite', settings: 'read', briefings: 'read', deliveries: 'read', responses: 'read',
      lists: 'readWrite', listMembers: 'readWrite',
      audit: 'append',
    },
    ...SIGNED_IN_PAGES,
    trigger: {
      kind: 'http',
      routes: CONSOLE_ROUTES,
      throttle: PAGES_THROTTLE,
    },
  },
  'console-people': {
    entry: 'functions/console-people/handler.ts',
    description: "Admin console's people pages: look up, stop mail to, export (subject access) and erase one person's data. Approvers only.",
    memoryMb: 512,
    timeoutSeconds: 29,
    tables: {
      // Erasure removes profiles and list entries and anonymises ledger rows; nothing else is touched.
      subscribers: 'readWrite', suppressions: 'readWrite', listMembers: 'readWrite', deliveries: 'readWrite',
      // The list store's other table: list names and filters, no personal data.
      lists: 'read',
      audit: 'append',
    },
    ...SIGNED_IN_PAGES,
    trigger: {
      kind: 'http',
      routes: PEOPLE_ROUTES,
      throttle: PAGES_THROTTLE,
    },
  },
  digest: {
    entry: 'functions/digest/handler.ts',
    description: "Weekly digest: one email per weekly subscriber listing the week's published findings on their topics.",
    memoryMb: 512,
    timeoutSeconds: 900,
    tables: { findings: 'read', briefings: 'read', subscribers: 'read', suppressions: 'read', deliveries: 'readWrite' },
    sendsEmail: true,
    signsLinks: true,
    trigger: { kind: 'schedule', weekday: 'MON', hour: 8, minute: 0, timeZone: 'Europe/London' },
  },
  sweeper: {
    entry: 'functions/sweeper/handler.ts',
    description: 'Lost-work recovery: re-drives deliveries stuck in PENDING or SENDING past a time limit (a SENDING row at most once).',
    memoryMb: 256,
    timeoutSeconds: 120,
    tables: { deliveries: 'readWrite' },
    trigger: { kind: 'interval', minutes: 5 },
  },
  housekeeping: {
    entry: 'functions/housekeeping/handler.ts',
    description: 'Hourly: the one reminder to acknowledge (optional), and retention: addresses removed from old ledger rows, counts kept.',
    memoryMb: 256,
    timeoutSeconds: 300,
    tables: { briefings: 'readWrite', deliveries: 'readWrite', suppressions: 'read' },
    sendsEmail: true,
    signsLinks: true,
    usesRetention: true,
    trigger: { kind: 'interval', minutes: 60 },
  },
  'ses-events': {
    entry: 'functions/ses-events/handler.ts',
    description: 'SES events: a hard bounce or complaint suppresses the address; every event is recorded on its delivery row.',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { deliveries: 'readWrite', subscribers: 'readWrite', suppressions: 'readWrite' },
    trigger: { kind: 'ses-events', events: ['BOUNCE', 'COMPLAINT', 'DELIVERY', 'REJECT'] },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;

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

/** Functions started by a stream, with their trigger narrowed. */
export type StreamFunctionName = { [K in FunctionName]: (typeof FUNCTIONS)[K]['trigger']['kind'] extends 'stream' ? K : never }[FunctionName];
