import { runBare } from './scenarios/bare';
import { runColdStart } from './scenarios/cold-start';
import { runGate } from './scenarios/gate';
import { runLedger } from './scenarios/ledger';
import { runPipeline } from './scenarios/pipeline';
import { runRender } from './scenarios/render';
import { RESULT_PREFIX, type ScenarioName } from './child';

/**
 * One scenario in a fresh process, so the handler modules load with this scenario's
 * environment and the peak RSS is this scenario's own:
 *   node --import tsx bench/scenario.ts <pipeline|bare|ledger|render|cold-start|gate> '<json options>'
 * The result is one line on stdout, `BENCH_RESULT <json>`; progress goes to stderr.
 */

const SCENARIOS: Record<ScenarioName, (options: any) => Promise<object>> = {
  pipeline: runPipeline,
  bare: runBare,
  ledger: runLedger,
  render: runRender,
  'cold-start': runColdStart,
  gate: runGate,
};

async function main() {
  const [name, json = '{}'] = process.argv.slice(2);
  const scenario = Object.hasOwn(SCENARIOS, name ?? '') ? SCENARIOS[name as ScenarioName] : undefined;
  if (!scenario) throw new Error(`Unknown scenario '${name}'. Use one of: ${Object.keys(SCENARIOS).join(', ')}.`);
  const result = await scenario(JSON.parse(json));
  // maxRSS is in kilobytes; a scenario may have taken it already, before its own cross-checks.
  const line = `${RESULT_PREFIX}${JSON.stringify({ peakRssKb: process.resourceUsage().maxRSS, ...result })}\n`;
  process.stdout.write(line, () => process.exit(0));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
