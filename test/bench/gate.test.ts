import { runGate } from '../../bench/scenarios/gate';
import { buildReport, gateFigures, renderMarkdown, type BenchInputs, type GateRun } from '../../bench/report';
import { LONDON_PRICES } from '../../bench/prices';

/** The gate scenario's own arithmetic, on a real small run and on figures worked out by hand (never its speed). */

const machine: BenchInputs['machine'] = {
  date: '2026-12-03T00:00:00.000Z',
  cpus: 2,
  cpuModel: 'test',
  memoryGb: 24,
  node: 'v20',
  platform: 'linux x64',
  gitCommit: 'abc1234',
  gitDirty: false,
};

test('a real run counts every generated identifier, every reported disguise, every clean sentence and every name once', async () => {
  const run = await runGate({ samples: 20, seed: 7 });
  expect(run.perKind.length).toBe(8);
  for (const kind of run.perKind) {
    expect(kind.samples).toBe(20);
    expect(kind.held).toBeLessThanOrEqual(kind.samples);
    expect(kind.missedDisguises.length).toBeLessThanOrEqual(Math.min(3, kind.samples - kind.held));
  }
  expect(run.reported.total).toBe(42);
  expect(run.clean.held + run.clean.warned).toBeLessThanOrEqual(run.clean.sentences);
  expect(run.clean.sentences).toBeGreaterThanOrEqual(150);
  expect(run.names.found).toBeLessThanOrEqual(run.names.names);
  expect(run.names.names).toBeGreaterThanOrEqual(run.names.sentences);
});

test('figures, targets and the report section follow from the counts', () => {
  const run: GateRun = {
    samplesPerKind: 10,
    seed: 1,
    perKind: [
      { kind: 'nhs-number', rule: 'nhs-number', samples: 10, held: 10, missedDisguises: [] },
      { kind: 'email', rule: 'email', samples: 10, held: 9, missedDisguises: ['spelledEmail'] },
    ],
    reported: { total: 42, held: 42 },
    clean: { sentences: 200, held: 1, warned: 3, heldByRule: { date: 1 } },
    names: { sentences: 150, names: 160, found: 152 },
    medianUsPer1000Chars: 850,
    peakRssKb: 1,
  };
  const figures = gateFigures(run);
  expect(figures.disguisedRecall).toBeCloseTo(19 / 20);
  expect(figures.reportedRecall).toBe(1);
  expect(figures.falseHoldRate).toBeCloseTo(1 / 200);
  expect(figures.nameRecall).toBeCloseTo(152 / 160);

  const report = buildReport({ machine, mode: 'custom', throughputMaxSendRate: 1e6, rateLimit: 50, errors: {}, prices: LONDON_PRICES, why: {}, gate: run });
  const status = Object.fromEntries(report.targets.filter((t) => t.id.startsWith('gate-')).map((t) => [t.id, t.status]));
  expect(status).toEqual({
    'gate-disguised-recall': 'missed',
    'gate-reported-recall': 'met',
    'gate-false-holds': 'missed',
    'gate-name-recall': 'met',
  });
  const markdown = renderMarkdown(report);
  expect(markdown).toContain('## Anonymisation gate');
  expect(markdown).toContain('| email | email | 10 | 9 | 90.0 % | spelledEmail |');
  expect(markdown).toContain('1 of 200 (0.50 %): date 1');
});
