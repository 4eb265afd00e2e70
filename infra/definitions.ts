/**
 * The one source of truth for tables, streams, stream filters, batch settings and
 * function environments. The CDK stack (infra/stack.ts) and the local runner
 * (infra/local/) both read this file; neither keeps a copy of its own.
 */

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
    ],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

/** A Lambda event-filter pattern, as the event source mapping and the local poller both apply it. */
export type FilterPattern = { [key: string]: FilterPattern | readonly (string | number)[] };

export interface StreamTrigger {
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

export type Access = 'read' | 'write' | 'readWrite';

export interface FunctionDefinition {
  /** Handler file, relative to the repository root; its export is `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Table access: the stack grants exactly this and sets the table's env var with it. */
  tables: Partial<Record<TableKey, Access>>;
  sendsEmail?: boolean;
  trigger: StreamTrigger;
}

export const FUNCTIONS = {
  'plan-briefing': {
    entry: 'functions/plan-briefing/handler.ts',
    description: 'Findings stream: validates a newly published (or re-issued) finding and writes one PENDING delivery per recipient.',
    memoryMb: 512,
    timeoutSeconds: 120,
    tables: { findings: 'write', lists: 'read', listMembers: 'read', briefings: 'readWrite', deliveries: 'readWrite' },
    trigger: {
      table: 'findings',
      // Only published items can start a briefing; the handler then checks that this
      // record is a transition (became published, or version went up), not an edit.
      filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { status: { S: ['published'] } } } }],
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
    tables: { briefings: 'read', deliveries: 'readWrite' },
    sendsEmail: true,
    trigger: {
      table: 'deliveries',
      filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PENDING'] } } } }],
      batchSize: 25,
      maxBatchingWindowSeconds: 1,
      retryAttempts: 5,
      bisectOnError: true,
      maxRecordAgeSeconds: 3600,
      parallelizationFactor: 1,
      startingPosition: 'TRIM_HORIZON',
    },
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;

/** Environment shared by every function besides its table names. */
export const COMMON_ENV = {
  senderAddress: 'SENDER_ADDRESS',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  configurationSet: 'SES_CONFIGURATION_SET',
} as const;
