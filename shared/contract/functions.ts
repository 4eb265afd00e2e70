/** The functions: what triggers each (stream filters, batch settings, routes, schedules), the tables each may use, and its environment. The one definition the CDK stack and the local runner both read; neither keeps a copy of its own. */
import type { FilterPattern } from './filter-pattern';
import type { TableKey } from './tables';
import { MAX_SEND_BATCH } from './sending';

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
 * The admin console's routes: each is its own API Gateway route, and the access test walks every
 * one without a session and with each role (test/e2e/console-day.test.ts).
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

/** Functions started by a stream, with their trigger narrowed. */
export type StreamFunctionName = { [K in FunctionName]: (typeof FUNCTIONS)[K]['trigger']['kind'] extends 'stream' ? K : never }[FunctionName];
