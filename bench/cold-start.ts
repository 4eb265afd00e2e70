import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundleFunction, lambdaBuildOptions } from '../infra/bundle';
import { COMMON_ENV } from '../shared/contract/environment';
import { FUNCTIONS, type FunctionDefinition, type FunctionName } from '../shared/contract/functions';
import { TABLES, type TableKey } from '../shared/contract/tables';

/**
 * Bundle size and module-initialisation time of every function, from the very bundles the
 * stack deploys (infra/bundle.ts). Each run is a fresh `node` process that times only the
 * require() of index.js, i.e. the init phase of a Lambda cold start without the runtime's
 * own bootstrap. That `node` is Node.js 24, the major of Lambda's nodejs24.x (see
 * coldStartNode), whatever Node.js runs the bench itself; each result names its version.
 *
 * Beside it, the SDK-only baseline: the same kind of fresh process timing require() of only
 * the @aws-sdk/* packages that bundle imports (external, as the Lambda runtime provides
 * them; read from esbuild's metafile and checked against the bundle's require calls), and
 * construction of the SDK clients the function builds at init (a DynamoDBClient and its
 * document client, an SESClient…), with default settings. Building clients outside the
 * handler is AWS's advice for Lambda, and the time is the SDK's own code resolving its
 * configuration, so it counts as the SDK's. An untimed probe run first finds which packages
 * init loads and which clients it constructs. The runs alternate, bundle then SDK-only, so a
 * busy moment on the machine hits both alike. Init median − SDK-only median is what the
 * function's own code costs at init.
 */

export interface ColdStartResult {
  name: FunctionName;
  /** The Node.js version that ran the init and SDK-only processes, e.g. v24.22.3. */
  node: string;
  /** Size of index.js, minified: what init loads. */
  bytes: number;
  /** The files beside it that the handler loads on first use (infra/bundle.ts LAZY_MODULES), with their sizes. */
  lazyFiles: { name: string; bytes: number }[];
  initMs: { median: number; runs: number[] };
  /** The external SDK packages the bundle require()s (esbuild metafile), in the bundle's order. */
  sdkPackages: string[];
  /** Of those, any the bundle had not loaded when its require() returned: left out of the baseline. */
  sdkNotLoadedAtInit: string[];
  /** The SDK clients init constructed, as package#Class ('@aws-sdk/lib-dynamodb#DynamoDBDocumentClient'): the baseline constructs them too. */
  sdkClientsAtInit: string[];
  /** require() of only the SDK packages loaded at init, over as many fresh processes. */
  sdkOnlyMs: { median: number; runs: number[] };
}

/** The packages the Lambda runtime provides, as the bundle leaves them external. */
const SDK_PACKAGE = /^@aws-sdk\/[^/]+$/;

const REPO_ROOT = path.resolve(__dirname, '..');

/** The Node.js the cold-start processes run on: its executable and version. */
export interface ColdStartNode {
  path: string;
  version: string;
}

/**
 * Node.js 24, as Lambda runs the functions: `COLD_START_NODE` (a node executable) when set,
 * otherwise the binary `.ci/with-node24` keeps in its cache folder (installed from the npm
 * registry the first time, which it reports on stderr). Any version may be given through
 * COLD_START_NODE; the report names the one that ran.
 */
export function coldStartNode(env: NodeJS.ProcessEnv = process.env): ColdStartNode {
  let executable = env.COLD_START_NODE?.trim();
  if (!executable) {
    const helper = path.join(REPO_ROOT, '.ci', 'with-node24');
    const found = spawnSync(helper, ['node', '-e', 'process.stdout.write(process.execPath)'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    executable = found.stdout?.trim();
    if (found.error || found.status !== 0 || !executable) {
      throw new Error(
        `Cold start is measured under Node.js 24, Lambda's runtime, and ${path.relative(REPO_ROOT, helper)} could not provide it ` +
          `(${found.error?.message ?? `exit code ${found.status}`}; its message is above). ` +
          'Fix that, or set COLD_START_NODE=$(command -v node) to measure with this machine\'s Node.js (the report then names that version).',
      );
    }
  }
  const version = spawnSync(executable, ['--version'], { encoding: 'utf8' });
  const text = version.stdout?.trim() ?? '';
  if (version.error || version.status !== 0 || !/^v\d+\./.test(text)) {
    throw new Error(`COLD_START_NODE '${executable}' is not a Node.js executable (${version.error?.message ?? (text || `exit code ${version.status}`)}).`);
  }
  return { path: executable, version: text };
}

// The timed child: time the require, print milliseconds, exit before any timer or socket could matter.
const CHILD = `const file = process.argv[1];
const start = process.hrtime.bigint();
require(file);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(ms + '\\n');
process.exit(0);`;

// The probe (never timed): which @aws-sdk/* packages init loads (require.cache), and which of their
// client classes it constructs: each package's exports are wrapped so that \`new XClient()\` and
// \`DynamoDBDocumentClient.from()\` are recorded as they happen.
const PROBE = `const Module = require('module');
const constructed = new Set();
const load = Module._load;
Module._load = function (request) {
  const exports = load.apply(this, arguments);
  if (!/^@aws-sdk\\/[^/]+$/.test(request)) return exports;
  return new Proxy(exports, {
    get(target, key) {
      const value = target[key];
      if (typeof value !== 'function' || !/Client$/.test(String(key))) return value;
      const name = request + '#' + String(key);
      const wrapped = new Proxy(value, {
        construct(cls, args, newTarget) { constructed.add(name); return Reflect.construct(cls, args, newTarget === wrapped ? cls : newTarget); },
        get(cls, member) { if (member === 'from') constructed.add(name); return Reflect.get(cls, member); },
      });
      return wrapped;
    },
  });
};
require(process.argv[1]);
const loaded = new Set();
for (const key of Object.keys(require.cache)) {
  const match = /[\\\\/]node_modules[\\\\/](@aws-sdk[\\\\/][^\\\\/]+)[\\\\/]/.exec(key);
  if (match) loaded.add(match[1].replace('\\\\', '/'));
}
process.stdout.write(JSON.stringify({ loaded: [...loaded], constructed: [...constructed] }) + '\\n');
process.exit(0);`;

/**
 * The baseline's source: require() each SDK package init loads, and construct each client it
 * constructed, with default settings (a document client wraps a DynamoDBClient, as ours do).
 */
export function sdkOnlySource(packages: readonly string[], clients: readonly string[]): string {
  const lines = packages.map((pkg) => `const ${moduleVar(pkg)} = require(${JSON.stringify(pkg)});`);
  for (const client of clients) {
    const [pkg = '', cls = ''] = client.split('#');
    if (!packages.includes(pkg)) throw new Error(`${client}: constructed at init from a package the baseline does not load`);
    lines.push(
      cls === 'DynamoDBDocumentClient'
        ? `${moduleVar(pkg)}.${cls}.from(new (require('@aws-sdk/client-dynamodb').DynamoDBClient)({}));`
        : `new ${moduleVar(pkg)}.${cls}({});`,
    );
  }
  return lines.join('\n') + '\n';
}

const moduleVar = (pkg: string) => `sdk_${pkg.replace(/[^a-z0-9]/gi, '_')}`;

/**
 * What a handler reads at module load (shared/contract/function-config.ts), with local stand-ins: table names,
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
    [COMMON_ENV.signInIssuer]: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_bench',
    [COMMON_ENV.signInClientId]: 'bench-console',
    ...tables,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One fresh process running `script` on `file`, with --enable-source-maps as in Lambda (the construct sets NODE_OPTIONS). */
function runChild(node: ColdStartNode, name: string, script: string, file: string, env: NodeJS.ProcessEnv): string {
  const child = spawnSync(node.path, ['--enable-source-maps', '-e', script, file], { cwd: REPO_ROOT, env, encoding: 'utf8' });
  if (child.error || child.status !== 0) {
    throw new Error(`${name}: loading ${path.basename(file)} under Node.js ${node.version} failed (${child.error?.message ?? `exit code ${child.status}`}):\n${`${child.stderr ?? ''}${child.stdout ?? ''}`.trim()}`);
  }
  return (child.stdout ?? '').trim();
}

/** One fresh process: the milliseconds require() of `file` took. */
function timeRequire(node: ColdStartNode, name: string, file: string, env: NodeJS.ProcessEnv): number {
  const ms = Number(runChild(node, name, CHILD, file, env));
  if (!Number.isFinite(ms)) throw new Error(`${name}: loading ${path.basename(file)} printed no time`);
  return ms;
}

/** An untimed fresh process: the @aws-sdk/* packages init loaded and the clients it constructed. */
function probeInit(node: ColdStartNode, name: string, file: string, env: NodeJS.ProcessEnv): { loaded: string[]; constructed: string[] } {
  return JSON.parse(runChild(node, name, PROBE, file, env)) as { loaded: string[]; constructed: string[] };
}

/**
 * The external @aws-sdk/* packages the bundle imports, in first-seen order: esbuild's metafile
 * for the same build options, cross-checked against the require("…") calls in the bundle itself.
 */
export async function sdkImports(entry: string, file: string): Promise<string[]> {
  const result = await build({ ...lambdaBuildOptions(entry, file), write: false, metafile: true });
  const metafile: Metafile | undefined = result.metafile;
  const output = Object.entries(metafile?.outputs ?? {}).find(([out]) => out.endsWith('.js'))?.[1];
  if (!output) throw new Error(`esbuild gave no metafile output for ${entry}`);
  const fromMeta = [...new Set(output.imports.filter((i) => i.external && i.kind === 'require-call' && SDK_PACKAGE.test(i.path)).map((i) => i.path))];
  const bundle = readFileSync(file, 'utf8');
  const fromBundle = new Set([...bundle.matchAll(/require\("(@aws-sdk\/[^"/]+)"\)/g)].map((match) => match[1]!));
  const differ = fromMeta.length !== fromBundle.size || fromMeta.some((pkg) => !fromBundle.has(pkg));
  if (differ) {
    throw new Error(`${entry}: esbuild's metafile lists ${fromMeta.join(', ') || 'no'} SDK imports but the bundle requires ${[...fromBundle].join(', ') || 'none'}`);
  }
  return fromMeta;
}

export async function measureColdStart(options: { runs?: number; node?: ColdStartNode; onProgress?: (line: string) => void } = {}): Promise<ColdStartResult[]> {
  const runs = options.runs ?? 15;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a whole number, 1 or more (got ${runs}).`);
  const node = options.node ?? coldStartNode();
  options.onProgress?.(`init and SDK-only runs under Node.js ${node.version} (${node.path})`);
  const workDir = mkdtempSync(path.join(tmpdir(), 'briefings-cold-start-'));
  try {
    const keyFile = path.join(workDir, 'token-key');
    writeFileSync(keyFile, `${'0123456789abcdef'.repeat(4)}\n`, { mode: 0o600 });
    const results: ColdStartResult[] = [];
    for (const [name, def] of Object.entries(FUNCTIONS) as [FunctionName, FunctionDefinition][]) {
      const entry = path.join(REPO_ROOT, def.entry);
      const outdir = path.join(workDir, name);
      const { file, bytes, lazy } = await bundleFunction(entry, outdir);
      const sdkPackages = await sdkImports(entry, file);
      const env = childEnvironment(def, keyFile, name);
      // The probe says which SDK packages init really loaded and which clients it built; the baseline does only those.
      const probe = probeInit(node, name, file, env);
      const sdkNotLoadedAtInit = sdkPackages.filter((pkg) => !probe.loaded.includes(pkg));
      const sdkClientsAtInit = [...probe.constructed].sort();
      // Beside the bundle, so the packages resolve exactly as the bundle's own require calls do (NODE_PATH).
      const sdkOnlyFile = path.join(outdir, 'sdk-only.js');
      writeFileSync(sdkOnlyFile, sdkOnlySource(sdkPackages.filter((pkg) => !sdkNotLoadedAtInit.includes(pkg)), sdkClientsAtInit));
      // One after another, never in parallel, so the runs do not compete for the CPU; alternating, so noise hits both.
      const times: number[] = [];
      const sdkTimes: number[] = [];
      for (let run = 0; run < runs; run++) {
        times.push(timeRequire(node, name, file, env));
        sdkTimes.push(timeRequire(node, name, sdkOnlyFile, env));
      }
      const result: ColdStartResult = {
        name,
        node: node.version,
        bytes,
        lazyFiles: lazy.map((file) => ({ name: path.basename(file.file), bytes: file.bytes })),
        initMs: { median: median(times), runs: times },
        sdkPackages,
        sdkNotLoadedAtInit,
        sdkClientsAtInit,
        sdkOnlyMs: { median: median(sdkTimes), runs: sdkTimes },
      };
      results.push(result);
      options.onProgress?.(
        `${name.padEnd(14)} ${(bytes / 1024).toFixed(1).padStart(6)} KB   init median ${result.initMs.median.toFixed(1).padStart(6)} ms` +
          `   SDK-only ${result.sdkOnlyMs.median.toFixed(1).padStart(6)} ms   own code ${(result.initMs.median - result.sdkOnlyMs.median).toFixed(1).padStart(6)} ms (${runs} runs each)` +
          `   clients at init: ${sdkClientsAtInit.map((client) => client.split('#')[1]).join(', ') || 'none'}`,
      );
    }
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

// `npx tsx bench/cold-start.ts [runs]` (COLD_START_NODE=<node executable> to measure under another Node.js)
if (require.main === module) {
  const runs = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  measureColdStart({ runs, onProgress: (line) => console.log(line) }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
