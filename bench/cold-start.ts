import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundleFunction } from '../infra/bundle';
import { COMMON_ENV, FUNCTIONS, TABLES, type FunctionDefinition, type FunctionName, type TableKey } from '../infra/definitions';

/**
 * Bundle size and module-initialisation time of every function, from the very bundles the
 * stack deploys (infra/bundle.ts). Each run is a fresh `node` process that times only the
 * require() of index.js, i.e. the init phase of a Lambda cold start without the runtime's
 * own bootstrap.
 */

export interface ColdStartResult {
  name: FunctionName;
  /** Size of index.js, minified. */
  bytes: number;
  initMs: { median: number; runs: number[] };
}

const REPO_ROOT = path.resolve(__dirname, '..');

// The child: time the require, print milliseconds, exit before any timer or socket could matter.
const CHILD = `const file = process.argv[1];
const start = process.hrtime.bigint();
require(file);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(ms + '\\n');
process.exit(0);`;

/**
 * What a handler reads at module load (shared/config.ts), with local stand-ins: table names,
 * sender and base URL, a key file instead of the Secrets Manager secret, dummy credentials.
 * Nothing at init touches the network; the SDK clients connect on first use.
 */
function childEnvironment(def: FunctionDefinition, keyFile: string, serviceName: string): NodeJS.ProcessEnv {
  const tables = Object.fromEntries((Object.keys(def.tables) as TableKey[]).map((key) => [TABLES[key].envVar, `bench-${TABLES[key].name}`]));
  return {
    PATH: process.env.PATH,
    // @aws-sdk/* is external, as in Lambda where the runtime provides it: here it comes from the
    // repo's node_modules, so init time includes loading the SDK from disk, as Lambda's does.
    NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: serviceName,
    [COMMON_ENV.senderAddress]: 'briefings@example.org',
    [COMMON_ENV.publicBaseUrl]: 'https://briefings.example.org',
    [COMMON_ENV.tokenKeyFile]: keyFile,
    ...tables,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One fresh process: the milliseconds require() of the bundle took. */
function timeRequire(name: string, file: string, env: NodeJS.ProcessEnv): number {
  // --enable-source-maps as in Lambda (the construct sets NODE_OPTIONS): Node then reads the map at load.
  const child = spawnSync(process.execPath, ['--enable-source-maps', '-e', CHILD, file], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  const ms = Number(child.stdout?.trim());
  if (child.error || child.status !== 0 || !Number.isFinite(ms)) {
    throw new Error(`${name}: loading its bundle failed (${child.error?.message ?? `exit code ${child.status}`}):\n${`${child.stderr ?? ''}${child.stdout ?? ''}`.trim()}`);
  }
  return ms;
}

export async function measureColdStart(options: { runs?: number; onProgress?: (line: string) => void } = {}): Promise<ColdStartResult[]> {
  const runs = options.runs ?? 15;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a whole number, 1 or more (got ${runs}).`);
  const workDir = mkdtempSync(path.join(tmpdir(), 'briefings-cold-start-'));
  try {
    const keyFile = path.join(workDir, 'token-key');
    writeFileSync(keyFile, `${'0123456789abcdef'.repeat(4)}\n`, { mode: 0o600 });
    const results: ColdStartResult[] = [];
    for (const [name, def] of Object.entries(FUNCTIONS) as [FunctionName, FunctionDefinition][]) {
      const { file, bytes } = await bundleFunction(path.join(REPO_ROOT, def.entry), path.join(workDir, name));
      const env = childEnvironment(def, keyFile, name);
      // One after another, never in parallel, so the runs do not compete for the CPU.
      const times = Array.from({ length: runs }, () => timeRequire(name, file, env));
      const result = { name, bytes, initMs: { median: median(times), runs: times } };
      results.push(result);
      options.onProgress?.(`${name.padEnd(14)} ${(bytes / 1024).toFixed(1).padStart(6)} KB   init median ${result.initMs.median.toFixed(1).padStart(6)} ms (${runs} runs)`);
    }
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

// `npx tsx bench/cold-start.ts [runs]`
if (require.main === module) {
  const runs = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  measureColdStart({ runs, onProgress: (line) => console.log(line) }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
