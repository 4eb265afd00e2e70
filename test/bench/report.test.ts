import {
  achievedRate,
  buildReport,
  coldStartFigures,
  costModel,
  dynamoTotals,
  evaluateTarget,
  fmt,
  ledgerComparison,
  ledgerFigures,
  maxInWindow,
  pairedDifferenceMedian,
  percentile,
  perSecond,
  renderMarkdown,
  summariseSizes,
  summaryText,
  type BareFigures,
  type BenchInputs,
  type DynamoOpStats,
  type EndToEndFigures,
  type LedgerRun,
  type PipelineRun,
  type Prices,
  type TargetDefinition,
} from '../../bench/report';

/** The bench's own arithmetic (bench/report.ts) on inputs worked out by hand. */

const op = (overrides: Partial<DynamoOpStats>): DynamoOpStats => ({
  operation: 'GetItem',
  table: 't',
  kind: 'read',
  requests: 1,
  items: 1,
  errors: 0,
  conditionalFailures: 0,
  tableUnits: 0,
  indexUnits: {},
  addedUnits: 0,
  batchSizes: [],
  ...overrides,
});

const price = (usd: number) => ({ usd, quoted: `${usd}`, source: 'test', verified: true });
const prices: Prices = {
  region: 'test',
  asOf: 'test',
  dynamoReadRequestUnit: price(0.25e-6),
  dynamoWriteRequestUnit: price(1.25e-6),
  lambdaRequest: price(0.2e-6),
  lambdaGbSecondArm: price(0.0000133334),
  sesEmail: price(0.0001),
};

describe('percentile', () => {
  test('interpolates linearly between closest ranks, on unsorted input', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(percentile([10], 95)).toBe(10);
    // 1..100: rank 0.95 × 99 = 94.05, between 95 and 96.
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBeCloseTo(95.05, 10);
    expect(percentile([0, 10], 25)).toBe(2.5);
  });

  test('has no value for no values, and refuses a percentile outside 0–100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('rates', () => {
  test('per second is count ÷ seconds', () => {
    expect(perSecond(1000, 20_000)).toBe(50);
    expect(perSecond(5, 0)).toBeNaN();
  });

  test('the busiest 1-second window: an event exactly 1,000 ms later is in the next window', () => {
    expect(maxInWindow([0, 100, 999, 1000, 1500])).toBe(3);
    expect(maxInWindow([0, 1000, 2000, 3000])).toBe(1);
    expect(maxInWindow([5, 5, 5])).toBe(3);
    expect(maxInWindow([])).toBe(0);
  });

  test('achieved rate is (n − 1) ÷ (last − first)', () => {
    expect(achievedRate([0, 1000, 2000])).toBe(1);
    expect(achievedRate([100, 120, 140, 160, 180, 200])).toBe(50);
    expect(achievedRate([7])).toBeNaN();
  });
});

describe('targets', () => {
  const define = (comparison: TargetDefinition['comparison']): TargetDefinition => ({ id: 'x', label: 'x', unit: '', comparison, digits: 2 });

  test('at least: met at the target, missed below it by the shortfall', () => {
    expect(evaluateTarget(define({ kind: 'atLeast', target: 0.8 }), 0.8).status).toBe('met');
    const missed = evaluateTarget(define({ kind: 'atLeast', target: 0.8 }), 0.6, 'the SES emulator parses every message');
    expect(missed).toMatchObject({ status: 'missed', why: 'the SES emulator parses every message' });
    expect(missed.missedBy).toBeCloseTo(0.2, 10);
    expect(missed.missedByPercent).toBeCloseTo(25, 10);
  });

  test('below is strict; at most is not', () => {
    expect(evaluateTarget(define({ kind: 'below', target: 1000 }), 999).status).toBe('met');
    expect(evaluateTarget(define({ kind: 'below', target: 1000 }), 1000)).toMatchObject({ status: 'missed', missedBy: 0 });
    expect(evaluateTarget(define({ kind: 'atMost', target: 2 }), 2).status).toBe('met');
    const missed = evaluateTarget(define({ kind: 'atMost', target: 2 }), 3.06);
    expect(missed.missedBy).toBeCloseTo(1.06, 10);
    expect(missed.missedByPercent).toBeCloseTo(53, 10);
  });

  test('within a tolerance: on either side, missed by the distance past the edge', () => {
    const rate = define({ kind: 'within', target: 50, tolerance: 0.05 });
    expect(evaluateTarget(rate, 52.5).status).toBe('met');
    expect(evaluateTarget(rate, 47.5).status).toBe('met');
    expect(evaluateTarget(rate, 53).missedBy).toBeCloseTo(0.5, 10);
    expect(evaluateTarget(rate, 47).missedBy).toBeCloseTo(0.5, 10);
    expect(evaluateTarget(rate, 47).missedByPercent).toBeCloseTo(1, 10);
  });

  test('no figure is "not measured", never met', () => {
    for (const value of [null, undefined, NaN, Infinity]) {
      expect(evaluateTarget(define({ kind: 'atMost', target: 2 }), value)).toMatchObject({ status: 'not measured', value: null, missedBy: null });
    }
  });
});

describe('DynamoDB totals and the cost model', () => {
  const ops = [
    op({ operation: 'BatchGetItem', table: 'deliveries', items: 100, tableUnits: 0, addedUnits: 100, batchSizes: [100] }),
    op({ operation: 'GetItem', table: 'suppressions', requests: 100, items: 100, tableUnits: 100 }),
    op({ operation: 'BatchWriteItem', table: 'deliveries', kind: 'write', requests: 4, items: 100, tableUnits: 100, indexUnits: { a: 100, b: 100 }, batchSizes: [25, 25, 25, 25] }),
    op({ operation: 'UpdateItem', table: 'deliveries', kind: 'write', requests: 200, items: 200, tableUnits: 200, indexUnits: { a: 300, b: 200 }, addedUnits: 1 }),
  ];

  test('reads and writes, reported and added, table and index', () => {
    expect(dynamoTotals(ops)).toEqual({
      readRequests: 101,
      writeRequests: 204,
      readUnitsReported: 100,
      writeUnitsReported: 1000,
      readUnitsAdded: 100,
      writeUnitsAdded: 1,
      readUnits: 200,
      writeUnits: 1001,
      tableWriteUnits: 301,
      indexWriteUnits: 700,
      tableItemWrites: 300,
      batchWriteSizes: [25, 25, 25, 25],
    });
  });

  test('each line is count × unit price, the total their sum, and per 1,000 recipients scales by 1,000 ÷ N', () => {
    const run: PipelineRun = {
      recipients: 100,
      maxSendRate: 1e6,
      completionsMs: Array.from({ length: 100 }, (_, i) => 1000 + i),
      sesFailures: 0,
      maxInFlight: 25,
      emailsInStore: 100,
      ledgerSent: 100,
      dynamo: ops,
      invocations: {
        'send-briefing': { count: 4, records: 100, billedMs: 2048, memoryMb: 512 },
        'plan-briefing': { count: 2, records: 2, billedMs: 1000, memoryMb: 1024 },
      },
      meanRawBytes: 14_000,
      peakRssKb: 100_000,
    };
    const model = costModel(run, prices);
    expect(model.lines.map((line) => [line.item, line.count])).toEqual([
      ['DynamoDB read request units (on-demand)', 200],
      ['DynamoDB write request units (on-demand; table + indexes)', 1001],
      ['Lambda requests: plan-briefing', 2],
      ['Lambda requests: send-briefing', 4],
      ['Lambda duration: plan-briefing (1024 MB, arm64)', 1],
      ['Lambda duration: send-briefing (512 MB, arm64)', 1.024],
      ['SES emails (SendRawEmail, one recipient each)', 100],
    ]);
    for (const line of model.lines) {
      expect(line.cost).toBe(line.count * line.unitPrice);
      expect(line.costPer1000).toBeCloseTo(line.cost * 10, 15);
      expect(line.countPer1000).toBeCloseTo(line.count * 10, 10);
    }
    expect(model.total).toBeCloseTo(model.lines.reduce((total, line) => total + line.cost, 0), 15);
    expect(model.total).toBeCloseTo(200 * 0.25e-6 + 1001 * 1.25e-6 + 6 * 0.2e-6 + 2.024 * 0.0000133334 + 100 * 0.0001, 15);
    expect(model.totalPer1000).toBeCloseTo(model.total * 10, 15);
  });
});

describe('the markdown', () => {
  const machine = { date: '2026-01-01T00:00:00.000Z', cpus: 2, cpuModel: 'test cpu', memoryGb: 4, node: 'v20', platform: 'linux x64', gitCommit: 'abc1234', gitDirty: false };
  const inputs: BenchInputs = {
    machine,
    mode: 'default',
    throughputMaxSendRate: 1e6,
    rateLimit: 50,
    render: { renders: 4, warmup: 1, distinctReaders: 4, totalUs: [900, 1100, 1000, 1200], renderUs: [100, 100, 100, 100], mimeUs: [800, 1000, 900, 1100], meanMimeBytes: 14_000, peakRssKb: 51_200 },
    coldStart: [{ name: 'send-briefing', bytes: 200_000, initMs: { median: 120, runs: [110, 120, 130] } }],
    errors: { rate: 'the rate run timed out' },
    prices,
    why: { 'render-median': 'MailComposer builds the message through streams' },
  };

  test('shows each target with its result, the why given for a miss, and a marked place where none was given', () => {
    const report = buildReport(inputs);
    const markdown = renderMarkdown(report);
    const render = report.targets.find((t) => t.id === 'render-median')!;
    expect(render).toMatchObject({ status: 'missed', value: 1050, missedBy: 50, why: 'MailComposer builds the message through streams' });
    expect(markdown).toContain('| Rendering: median per tailored briefing | 1,050 µs | < 1,000 µs | **missed** by 50 µs (5.0 % of target) | MailComposer builds the message through streams |');
    expect(markdown).toContain('| Cold start init (median): send-briefing | 120.0 ms | < 100.0 ms | **missed** by 20.0 ms (20.0 % of target) | _why: (to be filled in — bench/why.json)_ |');
    expect(markdown).toContain('| Bundle size at init (index.js): send-briefing | 200,000 bytes | < 256,000 bytes | **met** |  |');
    expect(markdown).toContain('| Pipeline ÷ bare SES loop throughput | n/a | ≥ 0.80 | not measured |  |');
    expect(markdown).toContain('**rate**: the rate run timed out');
    expect(report.targets.find((t) => t.id === 'rate-achieved')?.status).toBe('not measured');
  });

  test('formats thousands and fixed digits, and "n/a" for no number', () => {
    expect(fmt(1234567.891, 1)).toBe('1,234,567.9');
    expect(fmt(NaN)).toBe('n/a');
    expect(fmt(null)).toBe('n/a');
    expect(summariseSizes([25, 25, 25, 13])).toBe('25 × 3, 13 × 1');
  });
});

describe('the ledger-only loop', () => {
  const run: LedgerRun = {
    rows: 4,
    concurrency: 2,
    pendingWritten: 4,
    pendingMs: 200,
    sentCompletionsMs: [100, 250, 300, 400],
    claimMs: [4, 1, 3, 2],
    markSentMs: [2, 2, 2, 10],
    claimsRefused: 0,
    failures: 0,
    maxInFlight: 2,
    ledgerSent: 4,
    dynamo: [op({ operation: 'UpdateItem', table: 'deliveries', kind: 'write', requests: 8, items: 8 })],
    peakRssKb: 102_400,
  };

  test('PENDING rows/s = rows ÷ insertMissing time; claim + SENT rows/s = rows ÷ (last markSent); overall = rows ÷ both', () => {
    const l = ledgerFigures(run);
    expect(l).toMatchObject({ rows: 4, pendingRows: 4, pendingWallMs: 200, sentRows: 4, claimSentWallMs: 400, totalWallMs: 600, ledgerSent: 4, peakRssMb: 100 });
    expect(l.pendingRowsPerSecond).toBe(20);
    expect(l.claimSentRowsPerSecond).toBe(10);
    expect(l.ledgerRowsPerSecond).toBeCloseTo(4 / 0.6, 10);
    expect(l.claimP50Ms).toBe(2.5);
    expect(l.markSentP50Ms).toBe(2);
    expect(l.markSentP95Ms).toBeCloseTo(8.8, 10);
    expect(l.operations).toEqual(run.dynamo);
  });

  test('only rows whose markSent returned count: a refused claim lowers the rate, never the wall time', () => {
    const l = ledgerFigures({ ...run, sentCompletionsMs: [100, 400], claimsRefused: 2 });
    expect(l.sentRows).toBe(2);
    expect(l.claimSentRowsPerSecond).toBe(5);
    expect(l.ledgerRowsPerSecond).toBeCloseTo(2 / 0.6, 10);
    expect(ledgerFigures({ ...run, sentCompletionsMs: [] }).ledgerRowsPerSecond).toBeNaN();
  });

  test('the pipeline as a fraction of the ledger-only rate, and the ledger-only rate ÷ the bare loop', () => {
    const l = ledgerFigures(run); // 6.67 rows/s overall, 10 rows/s claim + SENT
    const endToEnd = { emailsPerSecond: 5, sendPhaseRate: 8 } as EndToEndFigures;
    const bare = { emailsPerSecond: 20 } as BareFigures;
    const c = ledgerComparison(l, endToEnd, bare);
    expect(c.pipelineOfLedger).toBeCloseTo(5 / (4 / 0.6), 10);
    expect(c.sendPhaseOfClaimSent).toBeCloseTo(0.8, 10);
    expect(c.ledgerOfBare).toBeCloseTo(4 / 0.6 / 20, 10);
    expect(ledgerComparison(l, null, null)).toEqual({ pipelineOfLedger: null, sendPhaseOfClaimSent: null, ledgerOfBare: null });
  });

  test('in the report beside the ratio, as context and never as a target', () => {
    const report = buildReport({
      machine: { date: 'd', cpus: 2, cpuModel: 'c', memoryGb: 4, node: 'v20', platform: 'linux', gitCommit: 'abc', gitDirty: false },
      mode: 'custom',
      throughputMaxSendRate: 1e6,
      rateLimit: 50,
      ledger: run,
      errors: {},
      prices,
      why: {},
    });
    expect(report.ledger?.ledgerRowsPerSecond).toBeCloseTo(4 / 0.6, 10);
    expect(report.ledgerComparison?.pipelineOfLedger).toBeNull();
    expect(report.targets.map((t) => t.id).filter((id) => id.includes('ledger'))).toEqual([]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("### DynamoDB Local's own bound on this machine: a ledger-only loop");
    expect(markdown).toContain('| **Overall ledger rate** | **6.7 rows/s** | rows SENT ÷ (PENDING + claim + SENT wall time = 600 ms) |');
    expect(markdown).toContain('| PENDING writes: rate | 20.0 rows/s | rows ÷ wall time |');
    expect(markdown).toContain('| claim + SENT: rate | 10.0 rows/s | rows ÷ wall time |');
    expect(markdown).toContain('**Context, not a target**');
    expect(markdown).toContain('UpdateItem 8');
  });
});

describe('cold start: init, the SDK-only baseline, and own code', () => {
  test('own code = init median − SDK-only median; the SDK share = SDK-only ÷ init', () => {
    const entry = {
      name: 'send-briefing',
      bytes: 180_000,
      initMs: { median: 150, runs: [140, 150, 160] },
      sdkPackages: ['@aws-sdk/client-dynamodb', '@aws-sdk/client-ses'],
      sdkNotLoadedAtInit: [],
      sdkOnlyMs: { median: 120, runs: [110, 120, 130] },
    };
    const figures = coldStartFigures(entry);
    expect(figures.ownCodeMs).toBe(30);
    expect(figures.sdkShare).toBe(0.8);
    expect(figures.ownCodePairedMs).toBe(30);
    expect(coldStartFigures({ name: 'x', bytes: 1, initMs: { median: 100, runs: [100] } })).toMatchObject({ ownCodeMs: null, ownCodePairedMs: null, sdkShare: null });
  });

  test('paired: the median of run-by-run differences, which a busy moment lifting both runs of a pair does not move', () => {
    // Pairs 2 and 3 ran while the machine was busy: both runs +40 ms.
    const init = [150, 190, 190, 150, 150];
    const sdk = [120, 160, 160, 120, 160];
    expect(pairedDifferenceMedian(init, sdk)).toBe(30);
    expect(pairedDifferenceMedian([1, 2, 3, 4], [0, 0])).toBe(1.5);
    expect(pairedDifferenceMedian([], [1])).toBeNull();
  });

  test('the table shows all three per function, with the packages and every run', () => {
    const report = buildReport({
      machine: { date: 'd', cpus: 2, cpuModel: 'c', memoryGb: 4, node: 'v20', platform: 'linux', gitCommit: 'abc', gitDirty: false },
      mode: 'custom',
      throughputMaxSendRate: 1e6,
      rateLimit: 50,
      coldStart: [
        {
          name: 'sweeper',
          bytes: 97_000,
          initMs: { median: 160.5, runs: [160.5, 170, 150] },
          sdkPackages: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
          sdkNotLoadedAtInit: [],
          sdkOnlyMs: { median: 130.25, runs: [130.25, 140, 120] },
        },
      ],
      errors: {},
      prices,
      why: {},
    });
    expect(report.coldStart?.[0]?.ownCodeMs).toBeCloseTo(30.25, 10);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain(
      '| sweeper | 97,000 bytes (target < 256,000 bytes: **met**) | n/a | 160.5 ms (target < 100.0 ms: **missed** by 60.5 ms (60.5 % of target)) | ' +
        '130.3 ms (81 % of init) | 30.3 ms | 30.0 ms | @aws-sdk/client-dynamodb, @aws-sdk/lib-dynamodb | n/a | 160.5, 170.0, 150.0 | 130.3, 140.0, 120.0 |',
    );
  });

  /** A bench run with nothing but what a test adds: this machine on Node.js 20. */
  const base = {
    machine: { date: 'd', cpus: 2, cpuModel: 'c', memoryGb: 4, node: 'v20.20.2', platform: 'linux', gitCommit: 'abc', gitDirty: false },
    mode: 'custom' as const,
    throughputMaxSendRate: 1e6,
    rateLimit: 50,
    errors: {},
    prices,
    why: {},
  };

  test('names the Node.js the cold-start runs used (Lambda\'s 24), apart from the one that ran the rest', () => {
    const entry = { name: 'sweeper', node: 'v24.22.3', bytes: 97_000, initMs: { median: 60, runs: [60] }, sdkOnlyMs: { median: 40, runs: [40] } };
    const report = buildReport({ ...base, coldStart: [entry, { ...entry, name: 'digest' }] });
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('on Node.js v20.20.2, except the cold-start processes, which ran on Node.js v24.22.3 (Lambda runs the functions on nodejs24.x).');
    expect(markdown).toMatch(/## Cold start\n\n\*\*Node\.js v24\.22\.3\*\* ran every init and SDK-only process below/);
    expect(summaryText(report)).toContain('Cold start sweeper (Node.js v24.22.3): init 60.0 ms');

    // Without a recorded version (an older results file), it says whose Node.js that was.
    const older = renderMarkdown(buildReport({ ...base, coldStart: [{ ...entry, node: undefined }] }));
    expect(older).toContain('on Node.js v20.20.2.');
    expect(older).toContain("**Node.js v20.20.2 (this machine's; no version was recorded)** ran every init");
  });

  it('lists the files loaded on first use and the SDK clients the baseline builds, beside each function', () => {
    const entry = {
      name: 'plan-briefing',
      bytes: 245_000,
      lazyFiles: [{ name: 'compromise-two.js', bytes: 296_755 }],
      sdkPackages: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
      sdkClientsAtInit: ['@aws-sdk/client-dynamodb#DynamoDBClient', '@aws-sdk/lib-dynamodb#DynamoDBDocumentClient'],
      initMs: { median: 100, runs: [100] },
      sdkOnlyMs: { median: 85, runs: [85] },
    };
    const row = renderMarkdown(buildReport({ ...base, coldStart: [entry] }))
      .split('\n')
      .find((line) => line.startsWith('| plan-briefing | 245,000 bytes'));
    expect(row).toContain('| compromise-two.js 296,755 bytes |');
    expect(row).toContain('| DynamoDBClient, DynamoDBDocumentClient |');
  });
});
