/**
 * The bench's arithmetic and its markdown: percentiles, rates, the pipeline ÷ bare ratio,
 * the cost model, target evaluation. Pure functions of the scenarios' raw measurements:
 * no I/O, no clocks, so the test can check every figure against its inputs.
 */

// ---------------------------------------------------------------------------------------
// Raw measurements, as the scenario processes hand them back (bench/scenarios/*.ts).
// ---------------------------------------------------------------------------------------

/** DynamoDB calls of one operation on one table, as the handlers' client saw them. */
/** The operation name ses-events' mailEvent updates are counted under (bench/instrument.ts). */
export const SES_EVENT_WRITE = 'UpdateItem (SES event)';

export interface DynamoOpStats {
  operation: string;
  table: string;
  kind: 'read' | 'write' | 'other';
  requests: number;
  /** Items read (keys asked for, or items a Query/Scan returned) or written (items processed). */
  items: number;
  errors: number;
  conditionalFailures: number;
  /** Capacity units DynamoDB Local reported for the table itself (ReturnConsumedCapacity: INDEXES). */
  tableUnits: number;
  /** ...and for its global secondary indexes, by index. */
  indexUnits: Record<string, number>;
  /** Units DynamoDB bills that DynamoDB Local does not report (keys not found, empty Query, failed conditions). */
  addedUnits: number;
  /** Items per request, for batch operations. */
  batchSizes: number[];
}

export interface InvocationStats {
  count: number;
  records: number;
  billedMs: number;
  memoryMb: number;
}

export interface PipelineRun {
  recipients: number;
  maxSendRate: number;
  /** SendRawEmail completions (accepted by SES), ms after the publish write was issued. */
  completionsMs: number[];
  /** When each of those SendRawEmail calls was made, ms after the publish write: the rate SES sees. */
  startsMs?: number[];
  sesFailures: number;
  maxInFlight: number;
  /** Briefings counted in the SES emulator's store at the end (GET /store). */
  emailsInStore: number;
  /** Ledger rows SENT once everything settled. */
  ledgerSent: number;
  /** ms after publish until the finding was marked planned. */
  plannedMs?: number;
  dynamo: DynamoOpStats[];
  invocations: Record<string, InvocationStats>;
  /** Bytes of one raw message as sent (mean). */
  meanRawBytes: number;
  peakRssKb: number;
}

export interface BareRun {
  count: number;
  concurrency: number;
  /** SendRawEmail completions, ms after the loop started. */
  completionsMs: number[];
  failures: number;
  maxInFlight: number;
  emailsInStore: number;
  meanRawBytes: number;
  peakRssKb: number;
}

export interface RenderRun {
  renders: number;
  warmup: number;
  distinctReaders: number;
  /** Per render, in microseconds: renderBriefing + composeBriefingMime, and each part. */
  totalUs: number[];
  renderUs: number[];
  mimeUs: number[];
  meanMimeBytes: number;
  peakRssKb: number;
}

export interface ColdStartEntry {
  name: string;
  /** The Node.js version the init and SDK-only processes ran on (Node.js 24, as in Lambda, unless told otherwise). */
  node?: string;
  bytes: number;
  initMs: { median: number; runs: number[] };
  /** The runtime-provided SDK packages (@aws-sdk/*) the bundle require()s, from esbuild's metafile. */
  sdkPackages?: string[];
  /** Of those, any the bundle had not loaded when its init ended (left out of the SDK-only baseline). */
  sdkNotLoadedAtInit?: string[];
  /** The SDK clients init constructed (package#Class); the baseline constructs them too. */
  sdkClientsAtInit?: string[];
  /** Files beside index.js that the handler loads on first use, not at init (infra/bundle.ts LAZY_MODULES). */
  lazyFiles?: { name: string; bytes: number }[];
  /** require() of only those SDK packages and construction of those clients, in the same kind of fresh process, over as many runs. */
  sdkOnlyMs?: { median: number; runs: number[] };
}

/**
 * The ledger-only loop (bench/scenarios/ledger.ts): the product's own DynamoDeliveryStore
 * against a fresh DynamoDB Local with the real tables, and nothing else.
 */
export interface LedgerRun {
  /** Rows asked for: the end-to-end run's recipients. */
  rows: number;
  /** claim + markSent calls in flight: the bare loop's concurrency. */
  concurrency: number;
  /** What insertMissing returned: PENDING rows it wrote. */
  pendingWritten: number;
  /** Wall time of the one insertMissing call, ms. */
  pendingMs: number;
  /** For each row whose markSent returned: ms after the claim + SENT phase began. */
  sentCompletionsMs: number[];
  /** Per call, ms: claim, and markSent. */
  claimMs: number[];
  markSentMs: number[];
  /** Claims that returned false (someone else had the row): none expected. */
  claimsRefused: number;
  /** claim or markSent calls that threw. */
  failures: number;
  maxInFlight: number;
  /** Rows SENT in the table at the end (Scan; cross-check, not timed). */
  ledgerSent: number;
  /** Every DynamoDB call of the timed phases, by operation (same middleware as the pipeline). */
  dynamo: DynamoOpStats[];
  peakRssKb: number;
}

/** The anonymisation gate, measured both ways (bench/scenarios/gate.ts). */
export interface GateRun {
  samplesPerKind: number;
  seed: number;
  perKind: Array<{ kind: string; rule: string; samples: number; held: number; missedDisguises: string[] }>;
  /** The disguises an outside test found getting through. */
  reported: { total: number; held: number };
  /** Clean learning text: sentences held (a false hold), and only warned (allowed). */
  clean: { sentences: number; held: number; warned: number; heldByRule: Record<string, number> };
  names: { sentences: number; names: number; found: number };
  medianUsPer1000Chars: number;
  peakRssKb: number;
}

export interface GateFigures extends GateRun {
  /** Held ÷ generated, over every kind. */
  disguisedRecall: number;
  reportedRecall: number;
  falseHoldRate: number;
  nameRecall: number;
}

export function gateFigures(run: GateRun): GateFigures {
  const samples = sum(run.perKind.map((k) => k.samples));
  return {
    ...run,
    disguisedRecall: samples ? sum(run.perKind.map((k) => k.held)) / samples : NaN,
    reportedRecall: run.reported.total ? run.reported.held / run.reported.total : NaN,
    falseHoldRate: run.clean.sentences ? run.clean.held / run.clean.sentences : NaN,
    nameRecall: run.names.names ? run.names.found / run.names.names : NaN,
  };
}

export const NAME_RECALL_TARGET = 0.9;

export interface MachineFacts {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  gitCommit: string;
  gitDirty: boolean;
}

/** What the parent hands to buildReport: each scenario's result, or why it has none. */
export interface BenchInputs {
  machine: MachineFacts;
  mode: 'default' | 'large' | 'custom';
  throughputMaxSendRate: number;
  rateLimit: number;
  endToEnd?: PipelineRun;
  bare?: BareRun;
  render?: RenderRun;
  rate?: PipelineRun;
  /** The same, at the default SES quota (QUOTA_RATE_LIMIT, 14/s). */
  rateAtQuota?: PipelineRun;
  coldStart?: ColdStartEntry[];
  ledger?: LedgerRun;
  gate?: GateRun;
  errors: Record<string, string>;
  prices: Prices;
  /** Reasons for misses, by target id (bench/why.json); someone fills these in, the bench never does. */
  why: Record<string, string>;
}

// ---------------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------------

const ascending = (values: readonly number[]) => [...values].sort((a, b) => a - b);

/**
 * The p-th percentile (0–100) by linear interpolation between closest ranks (NumPy's
 * default): p50 of [1, 2, 3, 4] is 2.5. NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside 0–100`);
  const sorted = ascending(values);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export const median = (values: readonly number[]) => percentile(values, 50);
export const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
export const maxOf = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), -Infinity);
export const minOf = (values: readonly number[]) => values.reduce((a, b) => Math.min(a, b), Infinity);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Events per second: count ÷ (ms / 1000). */
export const perSecond = (count: number, ms: number) => (ms > 0 ? count / (ms / 1000) : NaN);

/** The most events in any window [t, t + windowMs), sliding over every event time. */
export function maxInWindow(times: readonly number[], windowMs = 1000): number {
  const sorted = ascending(times);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** The steady rate between the first and the last event: (n − 1) ÷ (last − first). */
export function achievedRate(times: readonly number[]): number {
  if (times.length < 2) return NaN;
  return perSecond(times.length - 1, maxOf(times) - minOf(times));
}

// ---------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------

export type Comparison =
  | { kind: 'atLeast'; target: number }
  | { kind: 'below'; target: number }
  | { kind: 'atMost'; target: number }
  /** Within ±tolerance (a fraction) of target. */
  | { kind: 'within'; target: number; tolerance: number };

export interface TargetDefinition {
  id: string;
  label: string;
  unit: string;
  comparison: Comparison;
  /** How the value is shown (digits after the point). */
  digits: number;
}

export interface TargetResult extends TargetDefinition {
  value: number | null;
  status: 'met' | 'missed' | 'not measured';
  /** For a miss: how far outside the target, in the target's unit and as a % of the target. */
  missedBy: number | null;
  missedByPercent: number | null;
  /** Why it missed: filled in by a person (bench/why.json), never by the bench. */
  why: string;
  /** The target as a phrase, e.g. "≥ 0.8". */
  targetText: string;
}

export function targetText(comparison: Comparison, digits = 2, unit = ''): string {
  const u = unit ? ` ${unit}` : '';
  switch (comparison.kind) {
    case 'atLeast':
      return `≥ ${fmt(comparison.target, digits)}${u}`;
    case 'below':
      return `< ${fmt(comparison.target, digits)}${u}`;
    case 'atMost':
      return `≤ ${fmt(comparison.target, digits)}${u}`;
    case 'within':
      return `${fmt(comparison.target, digits)}${u} ± ${fmt(comparison.tolerance * 100, 0)} %`;
  }
}

/** Met or missed, and for a miss by how much. A value that is not a number is "not measured". */
export function evaluateTarget(definition: TargetDefinition, value: number | null | undefined, why = ''): TargetResult {
  const base = { ...definition, why, targetText: targetText(definition.comparison, definition.digits, definition.unit) };
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return { ...base, value: null, status: 'not measured', missedBy: null, missedByPercent: null };
  }
  const c = definition.comparison;
  let excess: number;
  switch (c.kind) {
    case 'atLeast':
      excess = c.target - value;
      break;
    case 'below':
      excess = value - c.target;
      break;
    case 'atMost':
      excess = value - c.target;
      break;
    case 'within':
      excess = Math.abs(value - c.target) - c.tolerance * c.target;
      break;
  }
  const met = c.kind === 'below' ? excess < 0 : excess <= 0;
  return {
    ...base,
    value,
    status: met ? 'met' : 'missed',
    missedBy: met ? null : excess,
    missedByPercent: met ? null : (excess / c.target) * 100,
  };
}

// ---------------------------------------------------------------------------------------
// Cost model
// ---------------------------------------------------------------------------------------

export interface UnitPrice {
  /** USD per one unit. */
  usd: number;
  /** How the price is usually quoted, e.g. "$0.20 per 1M requests". */
  quoted: string;
  source: string;
  verified: boolean;
  note?: string;
}

export interface Prices {
  region: string;
  asOf: string;
  dynamoReadRequestUnit: UnitPrice;
  dynamoWriteRequestUnit: UnitPrice;
  lambdaRequest: UnitPrice;
  lambdaGbSecondArm: UnitPrice;
  sesEmail: UnitPrice;
}

export interface CostLine {
  item: string;
  unit: string;
  count: number;
  unitPrice: number;
  cost: number;
  /** The same line scaled to 1,000 recipients. */
  countPer1000: number;
  costPer1000: number;
}

export interface CostModel {
  recipients: number;
  lines: CostLine[];
  total: number;
  totalPer1000: number;
}

export interface DynamoTotals {
  readRequests: number;
  writeRequests: number;
  readUnitsReported: number;
  writeUnitsReported: number;
  readUnitsAdded: number;
  writeUnitsAdded: number;
  readUnits: number;
  writeUnits: number;
  tableWriteUnits: number;
  indexWriteUnits: number;
  tableItemWrites: number;
  batchWriteSizes: number[];
}

export function dynamoTotals(ops: readonly DynamoOpStats[]): DynamoTotals {
  const reads = ops.filter((op) => op.kind === 'read');
  const writes = ops.filter((op) => op.kind === 'write');
  const indexSum = (op: DynamoOpStats) => sum(Object.values(op.indexUnits));
  const readUnitsReported = sum(reads.map((op) => op.tableUnits + indexSum(op)));
  const writeUnitsReported = sum(writes.map((op) => op.tableUnits + indexSum(op)));
  const readUnitsAdded = sum(reads.map((op) => op.addedUnits));
  const writeUnitsAdded = sum(writes.map((op) => op.addedUnits));
  return {
    readRequests: sum(reads.map((op) => op.requests)),
    writeRequests: sum(writes.map((op) => op.requests)),
    readUnitsReported,
    writeUnitsReported,
    readUnitsAdded,
    writeUnitsAdded,
    readUnits: readUnitsReported + readUnitsAdded,
    writeUnits: writeUnitsReported + writeUnitsAdded,
    tableWriteUnits: sum(writes.map((op) => op.tableUnits)) + writeUnitsAdded,
    indexWriteUnits: sum(writes.map(indexSum)),
    tableItemWrites: sum(writes.map((op) => op.items)),
    batchWriteSizes: writes.filter((op) => op.operation === 'BatchWriteItem').flatMap((op) => op.batchSizes),
  };
}

const gbSeconds = (invocation: InvocationStats) => (invocation.billedMs / 1000) * (invocation.memoryMb / 1024);

/** One briefing to N recipients, priced line by line: cost = count × unit price; the total is their sum. */
export function costModel(run: PipelineRun, prices: Prices): CostModel {
  const dynamo = dynamoTotals(run.dynamo);
  const sesCount = run.completionsMs.length;
  const functions = Object.entries(run.invocations).sort(([a], [b]) => a.localeCompare(b));
  const raw: Omit<CostLine, 'cost' | 'countPer1000' | 'costPer1000'>[] = [
    { item: 'DynamoDB read request units (on-demand)', unit: 'RRU', count: dynamo.readUnits, unitPrice: prices.dynamoReadRequestUnit.usd },
    { item: 'DynamoDB write request units (on-demand; table + indexes)', unit: 'WRU', count: dynamo.writeUnits, unitPrice: prices.dynamoWriteRequestUnit.usd },
    ...functions.map(([name, invocation]) => ({
      item: `Lambda requests: ${name}`,
      unit: 'requests',
      count: invocation.count,
      unitPrice: prices.lambdaRequest.usd,
    })),
    ...functions.map(([name, invocation]) => ({
      item: `Lambda duration: ${name} (${invocation.memoryMb} MB, arm64)`,
      unit: 'GB-s',
      count: gbSeconds(invocation),
      unitPrice: prices.lambdaGbSecondArm.usd,
    })),
    { item: 'SES emails (SendRawEmail, one recipient each)', unit: 'emails', count: sesCount, unitPrice: prices.sesEmail.usd },
  ];
  const scale = run.recipients > 0 ? 1000 / run.recipients : NaN;
  const lines = raw.map((line) => {
    const cost = line.count * line.unitPrice;
    return { ...line, cost, countPer1000: line.count * scale, costPer1000: cost * scale };
  });
  const total = sum(lines.map((line) => line.cost));
  return { recipients: run.recipients, lines, total, totalPer1000: total * scale };
}

// ---------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------

export interface EndToEndFigures {
  recipients: number;
  emailsCounted: number;
  emailsInStore: number;
  ledgerSent: number;
  sesFailures: number;
  wallMs: number;
  emailsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  firstEmailMs: number;
  /** (emails − 1) ÷ (last − first completion): the rate once sending had started. */
  sendPhaseRate: number;
  /** Most completions in any sliding 1-second window. */
  maxInAnySecond: number;
  plannedMs: number | null;
  maxInFlight: number;
  maxSendRate: number;
  meanRawBytes: number;
  peakRssMb: number;
}

export interface BareFigures {
  count: number;
  concurrency: number;
  emailsInStore: number;
  failures: number;
  maxInFlight: number;
  wallMs: number;
  emailsPerSecond: number;
  meanRawBytes: number;
  peakRssMb: number;
}

export interface RenderFigures {
  renders: number;
  warmup: number;
  distinctReaders: number;
  medianUs: number;
  p95Us: number;
  meanUs: number;
  renderMedianUs: number;
  mimeMedianUs: number;
  meanMimeBytes: number;
  peakRssMb: number;
}

export interface RateFigures {
  limit: number;
  recipients: number;
  emailsCounted: number;
  emailsInStore: number;
  achievedRate: number;
  maxInAnySecond: number;
  ceiling: number;
  spanMs: number;
  wallMs: number;
  peakRssMb: number;
}

export interface WriteFigures {
  recipients: number;
  tableItemWrites: number;
  tableItemWritesPerRecipient: number;
  writeRequests: number;
  writeRequestsPerRecipient: number;
  /** The sending ledger's write requests (plan-briefing and send-briefing): the target's figure. */
  sendingWriteRequests: number;
  sendingWriteRequestsPerRecipient: number;
  /** ses-events' evidence writes, one per SES event counted by the end of the run. */
  eventWriteRequests: number;
  tableWriteUnitsPerRecipient: number;
  indexWriteUnits: number;
  indexWriteUnitsPerRecipient: number;
  batchWriteSizes: number[];
}

export interface LedgerFigures {
  rows: number;
  concurrency: number;
  maxInFlight: number;
  /** PENDING rows insertMissing wrote, its wall time, and rows ÷ that time. */
  pendingRows: number;
  pendingWallMs: number;
  pendingRowsPerSecond: number;
  /** Rows through claim + markSent, the phase's wall time (start → last markSent returned), rows ÷ that time. */
  sentRows: number;
  claimSentWallMs: number;
  claimSentRowsPerSecond: number;
  /** Both phases: rows SENT ÷ (PENDING wall + claim + SENT wall). */
  totalWallMs: number;
  ledgerRowsPerSecond: number;
  claimP50Ms: number;
  claimP95Ms: number;
  markSentP50Ms: number;
  markSentP95Ms: number;
  claimsRefused: number;
  failures: number;
  ledgerSent: number;
  /** DynamoDB requests of the timed phases, by operation and table. */
  operations: DynamoOpStats[];
  peakRssMb: number;
}

/** The ledger-only loop set beside the pipeline and the bare loop: context, never a target. */
export interface LedgerComparison {
  /** Pipeline emails/s ÷ overall ledger-only rows/s. */
  pipelineOfLedger: number | null;
  /** Pipeline send-phase rate ÷ the claim + SENT rate. */
  sendPhaseOfClaimSent: number | null;
  /** Ledger-only rows/s ÷ bare-loop emails/s: about the highest pipeline ÷ bare ratio the ledger writes alone would allow here. */
  ledgerOfBare: number | null;
}

/** One function's cold start: init, the SDK-only baseline, and what is left, the function's own code. */
export interface ColdStartFigures extends ColdStartEntry {
  /** Init median − SDK-only median; null without a baseline. */
  ownCodeMs: number | null;
  /**
   * Median of (init run i − SDK-only run i): each pair ran back to back, so a busy moment on a
   * shared machine lifts both; a cross-check on the difference of medians. Null without a baseline.
   */
  ownCodePairedMs: number | null;
  /** SDK-only median ÷ init median. */
  sdkShare: number | null;
}

export interface BenchReport {
  title: string;
  machine: MachineFacts;
  mode: BenchInputs['mode'];
  throughputMaxSendRate: number;
  endToEnd: EndToEndFigures | null;
  bare: BareFigures | null;
  /** Pipeline emails/s ÷ bare-loop emails/s. */
  ratio: number | null;
  render: RenderFigures | null;
  rate: RateFigures | null;
  rateAtQuota?: RateFigures | null;
  coldStart: ColdStartFigures[] | null;
  /** DynamoDB Local's own bound on this machine: context for the ratio, not a target. */
  ledger: LedgerFigures | null;
  ledgerComparison: LedgerComparison | null;
  gate: GateFigures | null;
  dynamo: { operations: DynamoOpStats[]; totals: DynamoTotals } | null;
  writes: WriteFigures | null;
  invocations: Record<string, InvocationStats> | null;
  cost: CostModel | null;
  prices: Prices;
  targets: TargetResult[];
  errors: Record<string, string>;
}

export const BUNDLE_LIMIT_BYTES = 256_000;
export const INIT_LIMIT_MS = 100;
export const RATIO_TARGET = 0.8;
export const RENDER_LIMIT_US = 1000;
/** DynamoDB write requests (API calls) per recipient: PENDING, claim and SENT each in batches. */
export const WRITES_PER_RECIPIENT_TARGET = 0.25;
/** No 1-second window more than 5 % over the quota. */
export const RATE_TOLERANCE = 0.05;
/** A new production account's SES quota, the stack's default MAX_SEND_RATE: the second rate run's limit. */
export const QUOTA_RATE_LIMIT = 14;
/** The achieved rate within 3 % of the quota, either way. */
export const RATE_ACHIEVED_TOLERANCE = 0.03;
/** The project's own code at init, on top of the SDK's (the paired median). */
export const OWN_INIT_LIMIT_MS = 20;
/** The --large run: this many recipients end to end in under a minute. */
export const LARGE_RECIPIENTS = 10_000;
export const LARGE_WALL_LIMIT_MS = 60_000;

const kb = (kilobytes: number) => kilobytes / 1024;

export function endToEndFigures(run: PipelineRun): EndToEndFigures {
  const wallMs = run.completionsMs.length ? maxOf(run.completionsMs) : NaN;
  return {
    recipients: run.recipients,
    emailsCounted: run.completionsMs.length,
    emailsInStore: run.emailsInStore,
    ledgerSent: run.ledgerSent,
    sesFailures: run.sesFailures,
    wallMs,
    emailsPerSecond: perSecond(run.completionsMs.length, wallMs),
    p50Ms: percentile(run.completionsMs, 50),
    p95Ms: percentile(run.completionsMs, 95),
    firstEmailMs: run.completionsMs.length ? minOf(run.completionsMs) : NaN,
    sendPhaseRate: achievedRate(run.completionsMs),
    maxInAnySecond: maxInWindow(run.completionsMs, 1000),
    plannedMs: run.plannedMs ?? null,
    maxInFlight: run.maxInFlight,
    maxSendRate: run.maxSendRate,
    meanRawBytes: run.meanRawBytes,
    peakRssMb: kb(run.peakRssKb),
  };
}

export function bareFigures(run: BareRun): BareFigures {
  const wallMs = run.completionsMs.length ? maxOf(run.completionsMs) : NaN;
  return {
    count: run.completionsMs.length,
    concurrency: run.concurrency,
    emailsInStore: run.emailsInStore,
    failures: run.failures,
    maxInFlight: run.maxInFlight,
    wallMs,
    emailsPerSecond: perSecond(run.completionsMs.length, wallMs),
    meanRawBytes: run.meanRawBytes,
    peakRssMb: kb(run.peakRssKb),
  };
}

export function renderFigures(run: RenderRun): RenderFigures {
  return {
    renders: run.renders,
    warmup: run.warmup,
    distinctReaders: run.distinctReaders,
    medianUs: median(run.totalUs),
    p95Us: percentile(run.totalUs, 95),
    meanUs: mean(run.totalUs),
    renderMedianUs: median(run.renderUs),
    mimeMedianUs: median(run.mimeUs),
    meanMimeBytes: run.meanMimeBytes,
    peakRssMb: kb(run.peakRssKb),
  };
}

export function rateFigures(run: PipelineRun, limit: number): RateFigures {
  // SES counts a send against its rate when the call arrives, so pacing is judged on when calls were made;
  // completions also carry the emulator's own queueing, which the sender does not control.
  const times = run.startsMs ?? run.completionsMs;
  return {
    limit,
    recipients: run.recipients,
    emailsCounted: times.length,
    emailsInStore: run.emailsInStore,
    achievedRate: achievedRate(times),
    maxInAnySecond: maxInWindow(times, 1000),
    ceiling: limit * (1 + RATE_TOLERANCE),
    spanMs: times.length ? maxOf(times) - minOf(times) : NaN,
    wallMs: times.length ? maxOf(times) : NaN,
    peakRssMb: kb(run.peakRssKb),
  };
}

export function writeFigures(run: PipelineRun): WriteFigures {
  const totals = dynamoTotals(run.dynamo);
  const n = run.recipients;
  const eventWrites = sum(run.dynamo.filter((op) => op.operation === SES_EVENT_WRITE).map((op) => op.requests));
  return {
    recipients: n,
    tableItemWrites: totals.tableItemWrites,
    tableItemWritesPerRecipient: totals.tableItemWrites / n,
    writeRequests: totals.writeRequests,
    writeRequestsPerRecipient: totals.writeRequests / n,
    sendingWriteRequests: totals.writeRequests - eventWrites,
    sendingWriteRequestsPerRecipient: (totals.writeRequests - eventWrites) / n,
    eventWriteRequests: eventWrites,
    tableWriteUnitsPerRecipient: totals.tableWriteUnits / n,
    indexWriteUnits: totals.indexWriteUnits,
    indexWriteUnitsPerRecipient: totals.indexWriteUnits / n,
    batchWriteSizes: totals.batchWriteSizes,
  };
}

export function ledgerFigures(run: LedgerRun): LedgerFigures {
  const sentRows = run.sentCompletionsMs.length;
  const claimSentWallMs = sentRows ? maxOf(run.sentCompletionsMs) : NaN;
  const totalWallMs = run.pendingMs + claimSentWallMs;
  return {
    rows: run.rows,
    concurrency: run.concurrency,
    maxInFlight: run.maxInFlight,
    pendingRows: run.pendingWritten,
    pendingWallMs: run.pendingMs,
    pendingRowsPerSecond: perSecond(run.pendingWritten, run.pendingMs),
    sentRows,
    claimSentWallMs,
    claimSentRowsPerSecond: perSecond(sentRows, claimSentWallMs),
    totalWallMs,
    ledgerRowsPerSecond: perSecond(sentRows, totalWallMs),
    claimP50Ms: percentile(run.claimMs, 50),
    claimP95Ms: percentile(run.claimMs, 95),
    markSentP50Ms: percentile(run.markSentMs, 50),
    markSentP95Ms: percentile(run.markSentMs, 95),
    claimsRefused: run.claimsRefused,
    failures: run.failures,
    ledgerSent: run.ledgerSent,
    operations: run.dynamo,
    peakRssMb: kb(run.peakRssKb),
  };
}

/** a ÷ b, or null when either is missing or the quotient is not a finite number. */
const ratioOf = (a: number | null | undefined, b: number | null | undefined): number | null => {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const q = a / b;
  return Number.isFinite(q) ? q : null;
};

export function ledgerComparison(ledger: LedgerFigures, endToEnd: EndToEndFigures | null, bare: BareFigures | null): LedgerComparison {
  return {
    pipelineOfLedger: ratioOf(endToEnd?.emailsPerSecond, ledger.ledgerRowsPerSecond),
    sendPhaseOfClaimSent: ratioOf(endToEnd?.sendPhaseRate, ledger.claimSentRowsPerSecond),
    ledgerOfBare: ratioOf(ledger.ledgerRowsPerSecond, bare?.emailsPerSecond),
  };
}

/** Median of a[i] − b[i] over the pairs both have; null for none. */
export function pairedDifferenceMedian(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.min(a.length, b.length);
  return n ? median(Array.from({ length: n }, (_, i) => a[i]! - b[i]!)) : null;
}

/** The Node.js versions the cold-start runs recorded, each once (normally one: Node.js 24). */
export function coldStartNodeVersions(report: Pick<BenchReport, 'coldStart'>): string[] {
  return [...new Set((report.coldStart ?? []).flatMap((entry) => (entry.node ? [entry.node] : [])))];
}

export function coldStartFigures(entry: ColdStartEntry): ColdStartFigures {
  const sdk = entry.sdkOnlyMs?.median;
  return {
    ...entry,
    ownCodeMs: sdk === undefined ? null : entry.initMs.median - sdk,
    ownCodePairedMs: entry.sdkOnlyMs ? pairedDifferenceMedian(entry.initMs.runs, entry.sdkOnlyMs.runs) : null,
    sdkShare: sdk === undefined ? null : ratioOf(sdk, entry.initMs.median),
  };
}

/** The two rate targets at one limit: the achieved rate within 3 %, and no second more than 5 % over. */
function rateTargets(limit: number, suffix: string): TargetDefinition[] {
  return [
    {
      id: `rate-achieved${suffix}`,
      label: `Rate control: achieved rate at MAX_SEND_RATE ${limit}`,
      unit: 'emails/s',
      comparison: { kind: 'within', target: limit, tolerance: RATE_ACHIEVED_TOLERANCE },
      digits: 1,
    },
    {
      id: `rate-max-window${suffix}`,
      label: `Rate control: most emails in any 1-second window (limit ${limit})`,
      unit: 'emails',
      comparison: { kind: 'atMost', target: limit * (1 + RATE_TOLERANCE) },
      digits: 1,
    },
  ];
}

/** Every target, in report order; cold-start targets come one per measured function. */
export function targetDefinitions(rateLimit: number, coldStart: readonly ColdStartEntry[] | null): TargetDefinition[] {
  return [
    { id: 'throughput-ratio', label: 'Pipeline ÷ bare SES loop throughput', unit: '', comparison: { kind: 'atLeast', target: RATIO_TARGET }, digits: 2 },
    { id: 'render-median', label: 'Rendering: median per tailored briefing', unit: 'µs', comparison: { kind: 'below', target: RENDER_LIMIT_US }, digits: 0 },
    ...rateTargets(rateLimit, ''),
    ...rateTargets(QUOTA_RATE_LIMIT, `-${QUOTA_RATE_LIMIT}`),
    {
      id: 'writes-per-recipient',
      label: 'DynamoDB write requests per recipient (planning and sending)',
      unit: '',
      comparison: { kind: 'atMost', target: WRITES_PER_RECIPIENT_TARGET },
      digits: 2,
    },
    { id: 'gate-disguised-recall', label: 'Gate: disguised identifiers held (every kind)', unit: '', comparison: { kind: 'atLeast', target: 1 }, digits: 3 },
    { id: 'gate-reported-recall', label: 'Gate: the reported disguises held', unit: '', comparison: { kind: 'atLeast', target: 1 }, digits: 3 },
    { id: 'gate-false-holds', label: 'Gate: clean sentences held', unit: 'sentences', comparison: { kind: 'atMost', target: 0 }, digits: 0 },
    { id: 'gate-name-recall', label: 'Gate: names in prose found', unit: '', comparison: { kind: 'atLeast', target: NAME_RECALL_TARGET }, digits: 3 },
    ...(coldStart ?? []).flatMap((entry): TargetDefinition[] => [
      { id: `bundle-bytes:${entry.name}`, label: `Bundle size at init (index.js): ${entry.name}`, unit: 'bytes', comparison: { kind: 'below', target: BUNDLE_LIMIT_BYTES }, digits: 0 },
      { id: `init-ms:${entry.name}`, label: `Cold start init (median): ${entry.name}`, unit: 'ms', comparison: { kind: 'below', target: INIT_LIMIT_MS }, digits: 1 },
      { id: `own-init-ms:${entry.name}`, label: `Own code at init (paired median): ${entry.name}`, unit: 'ms', comparison: { kind: 'atMost', target: OWN_INIT_LIMIT_MS }, digits: 1 },
    ]),
    {
      id: 'large-wall',
      label: `${LARGE_RECIPIENTS.toLocaleString('en-GB')} recipients end to end (the --large run)`,
      unit: 'ms',
      comparison: { kind: 'below', target: LARGE_WALL_LIMIT_MS },
      digits: 0,
    },
  ];
}

export function buildReport(inputs: BenchInputs): BenchReport {
  const endToEnd = inputs.endToEnd ? endToEndFigures(inputs.endToEnd) : null;
  const bare = inputs.bare ? bareFigures(inputs.bare) : null;
  const ratio = endToEnd && bare ? endToEnd.emailsPerSecond / bare.emailsPerSecond : null;
  const render = inputs.render ? renderFigures(inputs.render) : null;
  const rate = inputs.rate ? rateFigures(inputs.rate, inputs.rateLimit) : null;
  const rateAtQuota = inputs.rateAtQuota ? rateFigures(inputs.rateAtQuota, QUOTA_RATE_LIMIT) : null;
  const writes = inputs.endToEnd ? writeFigures(inputs.endToEnd) : null;
  const coldStart = inputs.coldStart ? inputs.coldStart.map(coldStartFigures) : null;
  const ledger = inputs.ledger ? ledgerFigures(inputs.ledger) : null;
  const gate = inputs.gate ? gateFigures(inputs.gate) : null;

  const values: Record<string, number | null | undefined> = {
    'throughput-ratio': ratio,
    'render-median': render?.medianUs,
    'rate-achieved': rate?.achievedRate,
    'rate-max-window': rate?.maxInAnySecond,
    [`rate-achieved-${QUOTA_RATE_LIMIT}`]: rateAtQuota?.achievedRate,
    [`rate-max-window-${QUOTA_RATE_LIMIT}`]: rateAtQuota?.maxInAnySecond,
    'writes-per-recipient': writes?.sendingWriteRequestsPerRecipient,
    'gate-disguised-recall': gate?.disguisedRecall,
    'gate-reported-recall': gate?.reportedRecall,
    'gate-false-holds': gate?.clean.held,
    'gate-name-recall': gate?.nameRecall,
  };
  for (const entry of coldStart ?? []) {
    values[`bundle-bytes:${entry.name}`] = entry.bytes;
    values[`init-ms:${entry.name}`] = entry.initMs.median;
    values[`own-init-ms:${entry.name}`] = entry.ownCodePairedMs;
  }
  // Only a run of the large list answers it; any other run leaves it not measured.
  values['large-wall'] = endToEnd && endToEnd.recipients >= LARGE_RECIPIENTS ? endToEnd.wallMs : null;
  const targets = targetDefinitions(inputs.rateLimit, coldStart).map((definition) =>
    evaluateTarget(definition, values[definition.id], inputs.why[definition.id] ?? ''),
  );

  return {
    title: 'Briefings pipeline benchmark',
    machine: inputs.machine,
    mode: inputs.mode,
    throughputMaxSendRate: inputs.throughputMaxSendRate,
    endToEnd,
    bare,
    ratio,
    render,
    rate,
    rateAtQuota,
    coldStart,
    ledger,
    ledgerComparison: ledger ? ledgerComparison(ledger, endToEnd, bare) : null,
    gate,
    dynamo: inputs.endToEnd ? { operations: inputs.endToEnd.dynamo, totals: dynamoTotals(inputs.endToEnd.dynamo) } : null,
    writes,
    invocations: inputs.endToEnd?.invocations ?? null,
    cost: inputs.endToEnd ? costModel(inputs.endToEnd, inputs.prices) : null,
    prices: inputs.prices,
    targets,
    errors: inputs.errors,
  };
}

// ---------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------

/** A number as the report shows it: thousands separated, fixed digits; "n/a" when not a number. */
export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A cost to four significant digits: $0.108, $0.0000004. */
export function cost(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `$${value.toLocaleString('en-GB', { maximumSignificantDigits: 4, maximumFractionDigits: 20 })}`;
}

/** A unit price to its last significant digit: $0.00000070675. */
export function unitPrice(value: number): string {
  return `$${value.toLocaleString('en-GB', { maximumSignificantDigits: 8, maximumFractionDigits: 20 })}`;
}

/** Request and email counts are whole; capacity units come in halves; GB-seconds need decimals. */
export const countDigits = (unit: string) => (unit === 'GB-s' ? 3 : unit === 'RRU' || unit === 'WRU' ? 1 : 0);

const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

const WHY_PLACEHOLDER = '_why: (to be filled in — bench/why.json)_';

function resultCell(target: TargetResult): string {
  if (target.status === 'not measured') return 'not measured';
  if (target.status === 'met') return '**met**';
  const unit = target.unit ? ` ${target.unit}` : '';
  return `**missed** by ${fmt(target.missedBy, target.digits)}${unit} (${fmt(target.missedByPercent, 1)} % of target)`;
}

/** The figure with its target beside it, for the section tables. */
function withTarget(targets: readonly TargetResult[], id: string): string {
  const target = targets.find((t) => t.id === id);
  if (!target) return '';
  return `target ${target.targetText}: ${resultCell(target)}`;
}

export function targetsTable(targets: readonly TargetResult[]): string {
  return table(
    ['Target', 'Figure', 'Target', 'Result', 'Why (for a miss)'],
    targets.map((t) => [
      t.label,
      t.value === null ? 'n/a' : `${fmt(t.value, t.digits)}${t.unit ? ` ${t.unit}` : ''}`,
      t.targetText,
      resultCell(t),
      t.status === 'missed' ? t.why || WHY_PLACEHOLDER : t.why || '',
    ]),
  );
}

export function renderMarkdown(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  const t = report.targets;
  out.push(`# ${report.title}`);
  out.push('');
  const coldStartNodes = coldStartNodeVersions(report);
  out.push(
    `Run ${m.date} on ${m.cpus} × ${m.cpuModel}, ${fmt(m.memoryGb, 1)} GB RAM, Node.js ${m.node} (${m.platform}), ` +
      `commit \`${m.gitCommit}\`${m.gitDirty ? ' with uncommitted changes in the tree' : ''}. Mode: ${report.mode}. ` +
      'Everything local: DynamoDB Local (Java, real streams), the SES emulator aws-ses-v2-local in the scenario process, ' +
      'the real handlers called by the local stream pollers. Each scenario ran in its own fresh Node.js process' +
      (coldStartNodes.length
        ? `, on Node.js ${m.node}, except the cold-start processes, which ran on Node.js ${coldStartNodes.join(', ')} (Lambda runs the functions on nodejs24.x).`
        : `, on Node.js ${m.node}.`),
  );
  out.push('');
  if (Object.keys(report.errors).length) {
    out.push('## Scenarios that failed');
    out.push('');
    for (const [name, error] of Object.entries(report.errors)) out.push(`- **${name}**: ${error.split('\n')[0]}`);
    out.push('');
  }
  out.push('## Targets');
  out.push('');
  out.push(targetsTable(t));
  out.push('');

  const e = report.endToEnd;
  const b = report.bare;
  out.push('## End to end: publish → every email accepted by SES');
  out.push('');
  if (e) {
    out.push(
      `One published, approved finding; its audience is one distribution list of ${fmt(e.recipients)} generated example.org members ` +
        `(agencies and roles varied). **MAX_SEND_RATE was set to ${fmt(report.throughputMaxSendRate)} emails/s for this scenario**, ` +
        'so that the configured send rate is not what limits it: this is meant to measure the pipeline, not the limit ' +
        '(any pacing the sender still applies shows in the send-phase rate and the busiest second below).',
    );
    out.push('');
    out.push(
      table(
        ['Figure', 'Value', 'How'],
        [
          ['Recipients', fmt(e.recipients), 'list members generated for the run'],
          ['Emails counted (SDK middleware)', fmt(e.emailsCounted), 'SendRawEmail calls that returned a MessageId'],
          ['Emails in the SES store', fmt(e.emailsInStore), 'GET /store at the end (cross-check)'],
          ['Ledger rows SENT', fmt(e.ledgerSent), 'deliveries Scan after the pipeline settled'],
          ['SES failures', fmt(e.sesFailures), 'SendRawEmail calls that threw'],
          ['Wall time', `${fmt(e.wallMs)} ms`, 'publish write issued → last SendRawEmail completed'],
          ['Throughput', `${fmt(e.emailsPerSecond, 1)} emails/s`, 'emails counted ÷ wall time'],
          ['Latency p50', `${fmt(e.p50Ms)} ms`, 'publish → that recipient\'s email accepted by SES'],
          ['Latency p95', `${fmt(e.p95Ms)} ms`, 'same, 95th percentile (linear interpolation)'],
          ['First email', `${fmt(e.firstEmailMs)} ms`, 'publish → first SendRawEmail completed'],
          ['Send-phase rate', `${fmt(e.sendPhaseRate, 1)} emails/s`, '(emails − 1) ÷ (last − first SendRawEmail completion)'],
          ['Most emails in any 1-second window', fmt(e.maxInAnySecond), 'sliding window over the completion times'],
          ['Finding marked planned', e.plannedMs === null ? 'n/a' : `${fmt(e.plannedMs)} ms`, 'publish → pipelineStatus planned seen'],
          ['Most SES calls in flight', fmt(e.maxInFlight), 'SDK middleware: concurrent SendRawEmail calls'],
          ['Raw message size (mean)', `${fmt(e.meanRawBytes)} bytes`, 'RawMessage.Data as sent'],
          ['Peak RSS of the runner', `${fmt(e.peakRssMb, 1)} MB`, 'process.resourceUsage().maxRSS of the scenario process (handlers, pollers, SES emulator; not the Java DynamoDB Local)'],
        ],
      ),
    );
  } else out.push('Not measured.');
  out.push('');

  out.push('## The limit: a bare SES loop');
  out.push('');
  if (b) {
    out.push(
      `${fmt(b.count)} SendRawEmail calls with ${fmt(b.concurrency)} in flight (the most the pipeline had in flight), against a fresh ` +
        'SES emulator in its own process, through the same SES client the handlers use; no DynamoDB, no rendering ' +
        '(one real raw message per recipient was built before the clock started).',
    );
    out.push('');
    out.push(
      table(
        ['Figure', 'Value', 'How'],
        [
          ['Emails counted', fmt(b.count), 'SendRawEmail calls that returned a MessageId'],
          ['Emails in the SES store', fmt(b.emailsInStore), 'GET /store at the end'],
          ['Concurrency', fmt(b.concurrency), 'workers, each sending its next message as soon as the last returns'],
          ['Most SES calls in flight', fmt(b.maxInFlight), 'SDK middleware'],
          ['Failures', fmt(b.failures), ''],
          ['Wall time', `${fmt(b.wallMs)} ms`, 'loop start → last SendRawEmail completed'],
          ['Throughput', `${fmt(b.emailsPerSecond, 1)} emails/s`, 'emails counted ÷ wall time'],
          ['Peak RSS', `${fmt(b.peakRssMb, 1)} MB`, 'scenario process'],
        ],
      ),
    );
    out.push('');
    out.push(
      `**Ratio pipeline ÷ bare loop throughput: ${fmt(report.ratio, 2)}** ` +
        `(${fmt(e?.emailsPerSecond, 1)} ÷ ${fmt(b.emailsPerSecond, 1)} emails/s); ${withTarget(t, 'throughput-ratio')}.`,
    );
  } else out.push('Not measured.');
  out.push('');
  out.push(...ledgerSection(report));

  const r = report.render;
  out.push('## Rendering');
  out.push('');
  if (r) {
    out.push(
      `renderBriefing + composeBriefingMime (HTML, text and the MIME message) for one tailored briefing, timed one at a time ` +
        `over ${fmt(r.renders)} renders after ${fmt(r.warmup)} warm-up renders, cycling through ${fmt(r.distinctReaders)} ` +
        'agency × role readers (each with their own signed links, made before timing).',
    );
    out.push('');
    out.push(
      table(
        ['Figure', 'Value'],
        [
          ['Median per briefing', `${fmt(r.medianUs)} µs (${withTarget(t, 'render-median')})`],
          ['p95', `${fmt(r.p95Us)} µs`],
          ['Mean', `${fmt(r.meanUs)} µs`],
          ['Median, renderBriefing alone', `${fmt(r.renderMedianUs)} µs`],
          ['Median, composeBriefingMime alone', `${fmt(r.mimeMedianUs)} µs`],
          ['MIME message size (mean)', `${fmt(r.meanMimeBytes)} bytes`],
          ['Peak RSS', `${fmt(r.peakRssMb, 1)} MB`],
        ],
      ),
    );
  } else out.push('Not measured.');
  out.push('');

  out.push('## Cold start');
  out.push('');
  if (report.coldStart) {
    out.push(
      `**Node.js ${coldStartNodes.join(', ') || `${m.node} (this machine's; no version was recorded)`}** ran every init and SDK-only process below ` +
        '(Lambda runs the functions on nodejs24.x; `COLD_START_NODE` picks another).',
    );
    out.push('');
    out.push(
      'From bench/cold-start.ts (measureColdStart): each bundle built with the stack\'s own esbuild settings; init = require() of ' +
        'the bundle (index.js) in a fresh Node.js process; the files beside it that load on first use (the gate\'s name tagger and ' +
        'date parser) are not part of init and are listed apart. **SDK-only** = require() of only the @aws-sdk/* packages that bundle ' +
        'imports (external, as the Lambda runtime provides them; read from esbuild\'s metafile) and construction, with default ' +
        'settings, of the SDK clients the function constructs at init (an untimed probe run records them: building clients outside ' +
        'the handler is AWS\'s advice for Lambda, and constructing one is the SDK resolving its own configuration), in the same kind ' +
        'of fresh process, over as many runs, alternating with the init runs. **Own code** = init median − SDK-only median: the ' +
        'bundle itself (handler, domain code and the libraries bundled with it) plus whatever its module scope does, including ' +
        'reading its source map. **Own code, paired** = the median of (init run − the SDK-only run right after it): ' +
        'a busy moment on a shared machine lifts both runs of a pair, so where the two own-code figures disagree, the runs were noisy.',
    );
    out.push('');
    out.push(
      table(
        ['Function', 'Bundle (index.js)', 'Loaded on first use', 'Init (median)', 'SDK-only (median)', 'Own code (init − SDK-only)', 'Own code, paired', 'SDK packages', 'SDK clients at init', 'Init runs (ms)', 'SDK-only runs (ms)'],
        report.coldStart.map((entry) => [
          entry.name,
          `${fmt(entry.bytes)} bytes (${withTarget(t, `bundle-bytes:${entry.name}`)})`,
          entry.lazyFiles ? entry.lazyFiles.map((file) => `${file.name} ${fmt(file.bytes)} bytes`).join(', ') || 'none' : 'n/a',
          `${fmt(entry.initMs.median, 1)} ms (${withTarget(t, `init-ms:${entry.name}`)})`,
          entry.sdkOnlyMs ? `${fmt(entry.sdkOnlyMs.median, 1)} ms (${fmt(percentOf(entry.sdkShare), 0)} % of init)` : 'n/a',
          entry.ownCodeMs === null ? 'n/a' : `${fmt(entry.ownCodeMs, 1)} ms`,
          entry.ownCodePairedMs === null ? 'n/a' : `${fmt(entry.ownCodePairedMs, 1)} ms`,
          entry.sdkPackages
            ? (entry.sdkPackages.join(', ') || 'none') +
              (entry.sdkNotLoadedAtInit?.length ? ` (not loaded at init, so left out: ${entry.sdkNotLoadedAtInit.join(', ')})` : '')
            : 'n/a',
          entry.sdkClientsAtInit ? entry.sdkClientsAtInit.map((client) => client.split('#')[1]).join(', ') || 'none' : 'n/a',
          entry.initMs.runs.map((run) => fmt(run, 1)).join(', '),
          entry.sdkOnlyMs ? entry.sdkOnlyMs.runs.map((run) => fmt(run, 1)).join(', ') : 'n/a',
        ]),
      ),
    );
    const measured = report.coldStart.filter((entry) => entry.ownCodeMs !== null);
    if (measured.length) {
      out.push('');
      out.push(
        `Against the ${fmt(INIT_LIMIT_MS)} ms init target: the SDK-only medians run from ${fmt(minOf(measured.map((entry) => entry.sdkOnlyMs!.median)), 1)} ` +
          `to ${fmt(maxOf(measured.map((entry) => entry.sdkOnlyMs!.median)), 1)} ms, own code from ${fmt(minOf(measured.map((entry) => entry.ownCodeMs!)), 1)} ` +
          `to ${fmt(maxOf(measured.map((entry) => entry.ownCodeMs!)), 1)} ms (paired: ${fmt(minOf(measured.map((entry) => entry.ownCodePairedMs!)), 1)} ` +
          `to ${fmt(maxOf(measured.map((entry) => entry.ownCodePairedMs!)), 1)} ms). Differences of noisy runs: a few ms either way is noise.`,
      );
    }
  } else out.push('Not measured.');
  out.push('');

  out.push('## Rate control');
  out.push('');
  const rateRuns: [RateFigures | null | undefined, string][] = [
    [report.rate, ''],
    [report.rateAtQuota, `-${QUOTA_RATE_LIMIT}`],
  ];
  for (const [rate, suffix] of rateRuns) {
    if (!rate) {
      out.push('Not measured' + (suffix ? ` at MAX_SEND_RATE ${QUOTA_RATE_LIMIT}.` : '.'));
      out.push('');
      continue;
    }
    out.push(
      `A pipeline run with MAX_SEND_RATE ${fmt(rate.limit)} emails/s and ${fmt(rate.recipients)} recipients. ` +
        'Both are taken from when each SendRawEmail call was made (SDK middleware), since SES counts a send against its rate when it arrives: ' +
        'achieved rate = (emails − 1) ÷ (last − first call); the busiest second is the most calls in any sliding 1-second window. ' +
        '(Completions also carry the emulator\'s own queueing, which the sender does not control.)',
    );
    out.push('');
    out.push(
      table(
        ['Figure', 'Value'],
        [
          ['Emails counted', fmt(rate.emailsCounted)],
          ['Emails in the SES store', fmt(rate.emailsInStore)],
          ['First → last call', `${fmt(rate.spanMs)} ms`],
          ['Achieved rate', `${fmt(rate.achievedRate, 1)} emails/s (${withTarget(t, `rate-achieved${suffix}`)})`],
          ['Most in any 1-second window', `${fmt(rate.maxInAnySecond)} (${withTarget(t, `rate-max-window${suffix}`)})`],
          ['Publish → last email', `${fmt(rate.wallMs)} ms`],
          ['Peak RSS', `${fmt(rate.peakRssMb, 1)} MB`],
        ],
      ),
    );
    out.push('');
  }


  const g = report.gate;
  if (g) {
    out.push('## Anonymisation gate');
    out.push('');
    out.push(
      `Generated with fast-check (seed ${g.seed}, ${fmt(g.samplesPerKind)} per kind): valid made-up identifiers, each with any combination of the ` +
        'disguises people use (separators, line breaks, other scripts\' digits, invisible characters, spelled-out emails, look-alike letters), ' +
        'pasted into a sentence. Held means every letter and digit of it lies inside a blocking hit. The same generator drives ' +
        '`test/unit/gate-disguises.test.ts`. Clean text: `test/fixtures/gate/clean-corpus.ts` and `clean-numbers.ts`; names: `names-corpus.ts`.',
    );
    out.push('');
    out.push(
      table(
        ['Kind', 'Rule', 'Generated', 'Held', 'Recall', 'Missed (first disguises)'],
        g.perKind.map((k) => [k.kind, k.rule, fmt(k.samples), fmt(k.held), `${fmt((k.held / k.samples) * 100, 1)} %`, k.missedDisguises.join('; ')]),
      ),
    );
    out.push('');
    out.push(
      table(
        ['Figure', 'Value', 'Target'],
        [
          ['Disguised identifiers held, all kinds', `${fmt(g.disguisedRecall * 100, 2)} %`, withTarget(t, 'gate-disguised-recall')],
          ['Reported disguises held', `${g.reported.held} of ${g.reported.total}`, withTarget(t, 'gate-reported-recall')],
          [
            'Clean sentences held (false holds)',
            `${g.clean.held} of ${g.clean.sentences} (${fmt(g.falseHoldRate * 100, 2)} %)${Object.keys(g.clean.heldByRule).length ? `: ${Object.entries(g.clean.heldByRule).map(([rule, n]) => `${rule} ${n}`).join(', ')}` : ''}`,
            withTarget(t, 'gate-false-holds'),
          ],
          ['Clean sentences with a warning only (never held)', `${g.clean.warned} of ${g.clean.sentences}`, ''],
          ['Names in prose found', `${g.names.found} of ${g.names.names} in ${g.names.sentences} sentences (${fmt(g.nameRecall * 100, 1)} %)`, withTarget(t, 'gate-name-recall')],
          ['Scan time, median per 1,000-character field', `${fmt(g.medianUsPer1000Chars)} µs`, ''],
        ],
      ),
    );
    out.push('');
  }

  out.push('## Cost model: one briefing');
  out.push('');
  const d = report.dynamo;
  const w = report.writes;
  if (d && w && report.cost && report.invocations) {
    out.push(
      `Counted in the end-to-end run (${fmt(w.recipients)} recipients) by SDK middleware on the handlers' own DynamoDB and SES ` +
        'clients (ReturnConsumedCapacity: INDEXES set on every call that accepts it) and by the local stream pollers (one handler ' +
        'call = one Lambda invocation). The admin\'s own publish write is not counted.',
    );
    out.push('');
    out.push('### DynamoDB, by operation');
    out.push('');
    out.push(
      table(
        ['Operation', 'Table', 'Requests', 'Items', 'Table units', 'Index units', 'Added units', 'Batch sizes'],
        d.operations.map((op) => [
          op.operation,
          op.table,
          fmt(op.requests),
          fmt(op.items),
          fmt(op.tableUnits, 1),
          Object.keys(op.indexUnits).length
            ? Object.entries(op.indexUnits).map(([index, units]) => `${index} ${fmt(units, 1)}`).join(', ')
            : '–',
          fmt(op.addedUnits, 1),
          op.batchSizes.length ? summariseSizes(op.batchSizes) : '–',
        ]),
      ),
    );
    out.push('');
    out.push(
      `Totals: ${fmt(d.totals.readRequests)} read requests, ${fmt(d.totals.readUnits, 1)} RRU ` +
        `(${fmt(d.totals.readUnitsReported, 1)} reported + ${fmt(d.totals.readUnitsAdded, 1)} added); ` +
        `${fmt(d.totals.writeRequests)} write requests, ${fmt(d.totals.writeUnits, 1)} WRU ` +
        `(${fmt(d.totals.writeUnitsReported, 1)} reported + ${fmt(d.totals.writeUnitsAdded, 1)} added; ` +
        `${fmt(d.totals.tableWriteUnits, 1)} on tables, ${fmt(d.totals.indexWriteUnits, 1)} on indexes).`,
    );
    out.push('');
    out.push(
      '"Added units" are what DynamoDB bills and DynamoDB Local does not report: a strongly consistent BatchGetItem key that ' +
        'is not found (1 RRU; 0.5 eventually consistent), a Query or Scan that returns nothing (1 RRU / 0.5), and a write whose ' +
        'condition failed (1 WRU). A transaction (TransactWriteItems) is counted as AWS bills it, since DynamoDB Local reports it ' +
        'per request: 2 WRU per item on the table and 1 per index the item is in; a cancelled one at the same, its most. ' +
        'Everything else is DynamoDB Local\'s own ConsumedCapacity.',
    );
    out.push('');
    out.push('### DynamoDB writes per recipient');
    out.push('');
    out.push(
      table(
        ['Figure', 'Value'],
        [
          ['Write requests (API calls), planning and sending', `${fmt(w.sendingWriteRequests)} (${fmt(w.sendingWriteRequestsPerRecipient, 2)} per recipient; ${withTarget(t, 'writes-per-recipient')})`],
          ['Write requests, SES events (evidence)', `${fmt(w.eventWriteRequests)} by the end of the run: one UpdateItem per delivery, bounce or complaint event (SNS invokes ses-events once per event, so these cannot be batched); in AWS about one per recipient`],
          ['Write requests, all', `${fmt(w.writeRequests)} (${fmt(w.writeRequestsPerRecipient, 2)} per recipient)`],
          ['Table item writes', `${fmt(w.tableItemWrites)} (${fmt(w.tableItemWritesPerRecipient, 2)} per recipient; an item in a transaction is billed twice)`],
          ['Table write units per recipient', fmt(w.tableWriteUnitsPerRecipient, 2)],
          ['Index write units', `${fmt(w.indexWriteUnits, 1)} (${fmt(w.indexWriteUnitsPerRecipient, 2)} per recipient)`],
          ['BatchWriteItem sizes (items per call)', w.batchWriteSizes.length ? summariseSizes(w.batchWriteSizes) : 'none'],
        ],
      ),
    );
    out.push('');
    out.push('### Lambda invocations');
    out.push('');
    out.push(
      table(
        ['Function', 'Invocations', 'Records', 'Billed duration', 'Memory', 'GB-s'],
        Object.entries(report.invocations)
          .sort(([a], [b2]) => a.localeCompare(b2))
          .map(([name, inv]) => [
            name,
            fmt(inv.count),
            fmt(inv.records),
            `${fmt(inv.billedMs)} ms`,
            `${fmt(inv.memoryMb)} MB`,
            fmt((inv.billedMs / 1000) * (inv.memoryMb / 1024), 3),
          ]),
      ),
    );
    out.push('');
    out.push('### Priced (eu-west-2, London)');
    out.push('');
    const c = report.cost;
    out.push(
      table(
        ['Item', 'Count', 'Unit price', 'Cost', `Per 1,000 recipients: count`, 'Per 1,000 recipients: cost'],
        [
          ...c.lines.map((line) => [
            line.item,
            `${fmt(line.count, countDigits(line.unit))} ${line.unit}`,
            unitPrice(line.unitPrice),
            cost(line.cost),
            `${fmt(line.countPer1000, countDigits(line.unit))} ${line.unit}`,
            cost(line.costPer1000),
          ]),
          [`**Total (${fmt(c.recipients)} recipients)**`, '', '', `**${cost(c.total)}**`, '', `**${cost(c.totalPer1000)}**`],
        ],
      ),
    );
    out.push('');
    out.push(
      'Not in the model: DynamoDB Streams reads by Lambda (free for Lambda triggers), storage, data transfer, CloudWatch Logs, ' +
        'free tiers, and the Lambda durations are this machine\'s, not Lambda\'s (see caveats).',
    );
  } else out.push('Not measured.');
  out.push('');

  out.push('### Unit prices used');
  out.push('');
  const p = report.prices;
  out.push(`Region ${p.region}; prices as found on ${p.asOf}.`);
  out.push('');
  out.push(
    table(
      ['Price', 'As quoted', 'Per unit', 'Source', 'Verified'],
      (
        [
          ['DynamoDB read request unit', p.dynamoReadRequestUnit],
          ['DynamoDB write request unit', p.dynamoWriteRequestUnit],
          ['Lambda request', p.lambdaRequest],
          ['Lambda GB-second (arm64)', p.lambdaGbSecondArm],
          ['SES email', p.sesEmail],
        ] as const
      ).map(([name, price]) => [
        name,
        price.quoted,
        unitPrice(price.usd),
        price.source + (price.note ? ` — ${price.note}` : ''),
        price.verified ? 'yes' : '**no**',
      ]),
    ),
  );
  out.push('');

  out.push('## Method and caveats');
  out.push('');
  out.push(
    [
      '- Per-recipient times come from AWS SDK middleware on the SES client the handlers use (`sesClient()`): the moment each SendRawEmail returns a MessageId. The count is cross-checked against the emulator\'s store.',
      '- Locally one poller hands the sender one batch (at most 25 records, as many as the stream had) at a time and the handler sends them in parallel; the most SES calls in flight is measured, and the bare loop uses that number.',
      '- Peak RSS is taken before the final GET /store cross-check, which briefly holds the whole store in memory; the in-process SES emulator keeps every email it accepted, so it grows with the run.',
      '- The SES emulator parses every message (mailparser) in the scenario process, so both the pipeline and the bare loop pay for it; the ratio compares like with like, absolute rates are this machine\'s.',
      '- DynamoDB Local runs in Java beside the scenario on the same cores; its memory is not in the peak RSS figures.',
      '- Lambda durations are handler wall times measured here (each rounded up to 1 ms as Lambda bills); a 512 MB Lambda has a fraction of a vCPU, so real durations, and GB-s, will differ.',
      '- One run of each scenario, on a machine that may be shared: timings move between runs (the most SES calls in flight too, and with it the bare loop\'s concurrency), so compare runs, not single figures.',
      '- The ledger-only loop starts its own fresh DynamoDB Local, as the pipeline run does, so both pay for a cold JVM (JIT warm-up shows as a slower start); it is context for the ratio, not a target.',
      '- Cold start: SDK-only and init runs alternate in fresh processes; own code is a difference of two medians, so it carries the noise of both.',
      '- No timing here is asserted by a test; the bench test checks only the arithmetic.',
    ].join('\n'),
  );
  out.push('');
  return out.join('\n');
}

/** The ledger-only loop, beside the ratio: DynamoDB Local's own bound on this machine. */
function ledgerSection(report: BenchReport): string[] {
  const out: string[] = [];
  const l = report.ledger;
  const c = report.ledgerComparison;
  const e = report.endToEnd;
  out.push("### DynamoDB Local's own bound on this machine: a ledger-only loop");
  out.push('');
  if (!l || !c) {
    out.push('Not measured.');
    out.push('');
    return out;
  }
  out.push(
    '**Context, not a target**: the headline figure stays pipeline ÷ bare SES loop. Every email needs its ledger row written ' +
      'PENDING, claimed (PENDING → SENDING) and marked SENT; this loop does only that, in a fresh process against a fresh ' +
      'DynamoDB Local with the real tables (deliveries: two GSIs with ALL projection, stream on), through the product\'s own ' +
      `DynamoDeliveryStore and the handlers' DynamoDB client: one insertMissing call for ${fmt(l.rows)} rows built by pendingDelivery ` +
      '(as plan-briefing makes it for a first issue whose snapshot it has just stored, `fresh`; the store writes them one request ' +
      'after another, its DynamoDB requests are listed below), ' +
      `then claimMany and markSentMany per stream batch (one transaction each, as send-briefing writes them) with ${fmt(l.concurrency)} rows in flight (the bare loop's concurrency). ` +
      'No SES, no rendering, no stream processing. The list members were written first, untimed, as in the end-to-end run.',
  );
  out.push('');
  out.push(
    table(
      ['Figure', 'Value', 'How'],
      [
        ['PENDING rows written', fmt(l.pendingRows), "insertMissing's return"],
        ['PENDING writes: wall time', `${fmt(l.pendingWallMs)} ms`, 'the insertMissing call'],
        ['PENDING writes: rate', `${fmt(l.pendingRowsPerSecond, 1)} rows/s`, 'rows ÷ wall time'],
        ['claim + SENT: rows', fmt(l.sentRows), 'rows whose markSent returned'],
        ['claim + SENT: wall time', `${fmt(l.claimSentWallMs)} ms`, 'phase start → last markSent returned'],
        ['claim + SENT: rate', `${fmt(l.claimSentRowsPerSecond, 1)} rows/s`, 'rows ÷ wall time'],
        ['claim latency p50 / p95', `${fmt(l.claimP50Ms, 1)} / ${fmt(l.claimP95Ms, 1)} ms`, 'per call'],
        ['markSent latency p50 / p95', `${fmt(l.markSentP50Ms, 1)} / ${fmt(l.markSentP95Ms, 1)} ms`, 'per call'],
        ['Most rows in flight', fmt(l.maxInFlight), ''],
        ['**Overall ledger rate**', `**${fmt(l.ledgerRowsPerSecond, 1)} rows/s**`, `rows SENT ÷ (PENDING + claim + SENT wall time = ${fmt(l.totalWallMs)} ms)`],
        ['Claims refused / calls that threw', `${fmt(l.claimsRefused)} / ${fmt(l.failures)}`, 'both 0 when every row went PENDING → SENDING → SENT'],
        ['Rows SENT in the table', fmt(l.ledgerSent), 'deliveries Scan at the end (cross-check, not timed)'],
        [
          'DynamoDB requests',
          l.operations.length
            ? l.operations.map((op) => `${op.operation} ${fmt(op.requests)}${op.conditionalFailures ? ` (${fmt(op.conditionalFailures)} conditions failed)` : ''}`).join(', ')
            : 'none counted',
          'SDK middleware on the client, as in the end-to-end run',
        ],
        ['Peak RSS', `${fmt(l.peakRssMb, 1)} MB`, 'scenario process (not the Java DynamoDB Local)'],
      ],
    ),
  );
  out.push('');
  const lines = [
    `- DynamoDB Local's own bound on this machine: **${fmt(l.ledgerRowsPerSecond, 1)} ledger rows/s** overall ` +
      `(PENDING writes ${fmt(l.pendingRowsPerSecond, 1)} rows/s; claim + SENT ${fmt(l.claimSentRowsPerSecond, 1)} rows/s).`,
    `- The pipeline's ${fmt(e?.emailsPerSecond, 1)} emails/s is **${fmt(percentOf(c.pipelineOfLedger), 0)} %** of what the ledger alone allows ` +
      `(${fmt(e?.emailsPerSecond, 1)} ÷ ${fmt(l.ledgerRowsPerSecond, 1)}); its send-phase rate, ${fmt(e?.sendPhaseRate, 1)} emails/s, is ` +
      `${fmt(percentOf(c.sendPhaseOfClaimSent), 0)} % of the claim + SENT rate.`,
    `- Ledger-only ÷ bare SES loop = ${fmt(c.ledgerOfBare, 2)} (${fmt(l.ledgerRowsPerSecond, 1)} ÷ ${fmt(report.bare?.emailsPerSecond, 1)}): ` +
      'roughly the highest pipeline ÷ bare ratio these ledger writes alone would leave room for here, before any reading, rendering or sending.',
  ];
  out.push(lines.join('\n'));
  out.push('');
  out.push(
    'Read with care: one run on a shared 2-core machine, DynamoDB Local (Java) on the same cores as the scenario. The pipeline also ' +
      'reads (suppressions, the briefing snapshot, the stream pollers\' GetRecords) and overlaps its PENDING ' +
      'writes with the first sends, so the serial sum above is an estimate of the ledger\'s share, not a hard ceiling.',
  );
  out.push('');
  return out;
}

const percentOf = (fraction: number | null) => (fraction === null ? null : fraction * 100);

/** "25 × 40" or "25 × 39, 7 × 1": batch sizes by how often each occurred. */
export function summariseSizes(sizes: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const size of sizes) counts.set(size, (counts.get(size) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([size, count]) => `${size} × ${count}`)
    .join(', ');
}

/** The few lines printed at the end of a run. */
export function summaryText(report: BenchReport): string {
  const lines = [`${report.title} (${report.mode})`];
  const e = report.endToEnd;
  if (e) {
    lines.push(
      `End to end: ${fmt(e.emailsCounted)} emails (${fmt(e.emailsInStore)} in the SES store) in ${fmt(e.wallMs)} ms = ` +
        `${fmt(e.emailsPerSecond, 1)} emails/s; p50 ${fmt(e.p50Ms)} ms, p95 ${fmt(e.p95Ms)} ms; ${fmt(e.maxInFlight)} in flight; peak RSS ${fmt(e.peakRssMb, 1)} MB`,
    );
  }
  if (report.bare) lines.push(`Bare SES loop: ${fmt(report.bare.emailsPerSecond, 1)} emails/s at ${fmt(report.bare.concurrency)} in flight`);
  if (report.ledger && report.ledgerComparison) {
    const l = report.ledger;
    lines.push(
      `Ledger-only loop (DynamoDB Local's own bound, context): ${fmt(l.ledgerRowsPerSecond, 1)} rows/s overall ` +
        `(PENDING ${fmt(l.pendingRowsPerSecond, 1)} rows/s, claim + SENT ${fmt(l.claimSentRowsPerSecond, 1)} rows/s at ${fmt(l.concurrency)} in flight); ` +
        `pipeline at ${fmt(percentOf(report.ledgerComparison.pipelineOfLedger), 0)} % of it`,
    );
  }
  for (const entry of report.coldStart ?? []) {
    if (entry.ownCodeMs === null) continue;
    lines.push(
      `Cold start ${entry.name}${entry.node ? ` (Node.js ${entry.node})` : ''}: init ${fmt(entry.initMs.median, 1)} ms = SDK-only ${fmt(entry.sdkOnlyMs?.median, 1)} ms + own code ${fmt(entry.ownCodeMs, 1)} ms (medians; paired ${fmt(entry.ownCodePairedMs, 1)} ms)`,
    );
  }
  if (report.cost) lines.push(`Cost per briefing: ${cost(report.cost.total)} (${cost(report.cost.totalPer1000)} per 1,000 recipients)`);
  for (const target of report.targets) {
    const value = target.value === null ? 'n/a' : `${fmt(target.value, target.digits)}${target.unit ? ` ${target.unit}` : ''}`;
    const result = target.status === 'missed' ? `MISSED by ${fmt(target.missedBy, target.digits)} (${fmt(target.missedByPercent, 1)} %)` : target.status.toUpperCase();
    lines.push(`  ${target.label}: ${value} (target ${target.targetText}) ${result}`);
  }
  for (const [name, error] of Object.entries(report.errors)) lines.push(`  ${name} FAILED: ${error.split('\n')[0]}`);
  return lines.join('\n');
}
