import {
  achievedRate,
  buildReport,
  costModel,
  dynamoTotals,
  evaluateTarget,
  fmt,
  maxInWindow,
  percentile,
  perSecond,
  renderMarkdown,
  summariseSizes,
  type BenchInputs,
  type DynamoOpStats,
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
    expect(markdown).toContain('| Bundle size: send-briefing | 200,000 bytes | < 256,000 bytes | **met** |  |');
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
