import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runScenario } from './child';
import { LONDON_PRICES } from './prices';
import { progress } from './progress';
import {
  buildReport,
  QUOTA_RATE_LIMIT,
  renderMarkdown,
  summaryText,
  type BareRun,
  type BenchInputs,
  type BenchReport,
  type ColdStartEntry,
  type GateRun,
  type LedgerRun,
  type MachineFacts,
  type PipelineRun,
  type RenderRun,
} from './report';

/**
 * `npm run bench` (add `-- --large` for 10,000 recipients): every scenario in its own
 * process against the local emulators, then bench/results/report.md and report.json.
 * Progress on stderr; the summary on stdout.
 */

export interface BenchOptions {
  recipients: number;
  rateRecipients: number;
  rateLimit: number;
  throughputMaxSendRate: number;
  renders: number;
  renderWarmup: number;
  /** Disguised identifiers generated per kind for the anonymisation gate. */
  gateSamples: number;
  coldStartRuns?: number;
  skip: string[];
  mode: BenchInputs['mode'];
}

export const DEFAULTS = { recipients: 1000, rateRecipients: 1000, rateLimit: 50, throughputMaxSendRate: 1e6, renders: 1000, renderWarmup: 100, gateSamples: 2000 };
/** The gate's generator seed: fixed, so runs are comparable. */
export const GATE_SEED = 20261203;
export const LARGE = { recipients: 10_000, rateRecipients: 5000 };
/** The run at the default SES quota: 1,000 recipients whatever the mode (5,000 at 14/s would take six minutes). */
export const QUOTA_RATE_RECIPIENTS = 1000;
export const SCENARIO_NAMES = ['gate', 'render', 'throughput', 'bare', 'ledger', 'rate', 'rate-quota', 'cold-start'] as const;

const USAGE = `Usage: npm run bench [-- --large] [--recipients N] [--rate-recipients N] [--renders N] [--gate-samples N] [--cold-start-runs N] [--skip ${SCENARIO_NAMES.join(',')}]`;

export function parseArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS, skip: [], mode: 'default' };
  let custom = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const number = () => {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} needs a whole number above 0.\n${USAGE}`);
      custom = true;
      return value;
    };
    if (arg === '--large') {
      Object.assign(options, LARGE);
      options.mode = 'large';
    } else if (arg === '--recipients') options.recipients = number();
    else if (arg === '--rate-recipients') options.rateRecipients = number();
    else if (arg === '--renders') options.renders = number();
    else if (arg === '--gate-samples') options.gateSamples = number();
    else if (arg === '--cold-start-runs') options.coldStartRuns = number();
    else if (arg === '--skip') {
      options.skip = (argv[++i] ?? '').split(',').filter(Boolean);
      const unknown = options.skip.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
      if (unknown.length) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}.\n${USAGE}`);
      custom = true;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`Unknown option ${arg}.\n${USAGE}`);
  }
  if (custom) options.mode = 'custom';
  return options;
}

export function machineFacts(): MachineFacts {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const processors = cpus();
  return {
    date: new Date().toISOString(),
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    gitCommit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    // The results folder itself does not count: it holds the previous report.
    gitDirty: git('status', '--porcelain', '--', '.', ':(exclude)bench/results').length > 0,
  };
}

/** Reasons for misses, kept by a person in bench/why.json ({ "<target id>": "why" }); never written by the bench. */
export function readWhy(file = join(__dirname, 'why.json')): Record<string, string> {
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const inputs: BenchInputs = {
    machine: machineFacts(),
    mode: options.mode,
    throughputMaxSendRate: options.throughputMaxSendRate,
    rateLimit: options.rateLimit,
    errors: {},
    prices: LONDON_PRICES,
    why: readWhy(),
  };
  const run = async (name: (typeof SCENARIO_NAMES)[number], body: () => Promise<void>) => {
    if (options.skip.includes(name)) {
      progress(name, 'skipped');
      return;
    }
    const started = Date.now();
    progress(name, 'starting');
    try {
      await body();
      progress(name, `done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      inputs.errors[name] = error instanceof Error ? error.message : String(error);
      progress(name, `FAILED: ${inputs.errors[name]}`);
    }
  };

  await run('gate', async () => {
    inputs.gate = await runScenario<GateRun>('gate', { samples: options.gateSamples, seed: GATE_SEED });
  });
  await run('render', async () => {
    inputs.render = await runScenario<RenderRun>('render', { renders: options.renders, warmup: options.renderWarmup });
  });
  await run('throughput', async () => {
    inputs.endToEnd = await runScenario<PipelineRun>('pipeline', {
      label: 'throughput',
      recipients: options.recipients,
      maxSendRate: options.throughputMaxSendRate,
    });
  });
  await run('bare', async () => {
    if (!inputs.endToEnd) throw new Error('the bare loop takes its concurrency from the throughput run, which did not run.');
    inputs.bare = await runScenario<BareRun>('bare', { count: options.recipients, concurrency: inputs.endToEnd.maxInFlight });
  });
  await run('ledger', async () => {
    if (!inputs.endToEnd) throw new Error('the ledger loop takes its concurrency from the throughput run, which did not run.');
    // The bare loop's concurrency, i.e. the most SES calls the pipeline had in flight.
    inputs.ledger = await runScenario<LedgerRun>('ledger', { rows: options.recipients, concurrency: inputs.bare?.concurrency ?? inputs.endToEnd.maxInFlight });
  });
  await run('rate', async () => {
    inputs.rate = await runScenario<PipelineRun>('pipeline', { label: 'rate', recipients: options.rateRecipients, maxSendRate: options.rateLimit });
  });
  // At the default SES quota too, over 1,000 recipients in every mode (about 70 s at 14/s).
  await run('rate-quota', async () => {
    inputs.rateAtQuota = await runScenario<PipelineRun>('pipeline', { label: 'rate-quota', recipients: QUOTA_RATE_RECIPIENTS, maxSendRate: QUOTA_RATE_LIMIT });
  });
  await run('cold-start', async () => {
    const result = await runScenario<{ functions: ColdStartEntry[] }>('cold-start', { runs: options.coldStartRuns });
    inputs.coldStart = result.functions;
  });
  return buildReport(inputs);
}

export function writeReport(report: BenchReport, dir = join(__dirname, 'results')) {
  mkdirSync(dir, { recursive: true });
  const markdown = join(dir, 'report.md');
  const json = join(dir, 'report.json');
  writeFileSync(markdown, renderMarkdown(report));
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, json };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  progress(
    'bench',
    `${options.mode}: ${options.recipients} recipients end to end, ${options.rateRecipients} at MAX_SEND_RATE ${options.rateLimit}, ${options.renders} renders`,
  );
  const report = await runBench(options);
  const files = writeReport(report);
  process.stdout.write(`${summaryText(report)}\n\nReport: ${files.markdown}\n        ${files.json}\n`);
  process.exitCode = Object.keys(report.errors).length ? 1 : 0;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
