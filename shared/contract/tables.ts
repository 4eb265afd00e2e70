/** The tables, their keys, indexes and streams: the one definition the CDK stack (infra/stack.ts) and the local runner (infra/local/) both read. */

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
