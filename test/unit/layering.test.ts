import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Runtime code sits below infrastructure: what runs in Lambda (shared/, functions/) imports
 * nothing from infra/. The contract both need (tables, functions, environment) is in
 * shared/contract/. (The CLI may use the local runner's endpoints: it is an admin's tool for
 * both, not Lambda code.)
 *
 * Inside shared/, the folders are the flow of a finding, and each imports only what is below it:
 * a handler calls a flow, the flow uses rules (core/) and renderings (render/), and reaches
 * tables and SES through the ports in core/, which adapters/ implement. Only the wiring
 * (adapters/wiring*.ts) knows both a flow and the adapters.
 */

const ROOT = path.join(__dirname, '..', '..');
const INFRA = path.join(ROOT, 'infra') + path.sep;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every relative module a file imports or re-exports, resolved to a path. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'([^']+)'|\brequire\(\s*'([^']+)'\s*\)|\bimport\(\s*'([^']+)'\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s));
}

test.each(['shared', 'functions'])('nothing in %s/ imports from infra/', (folder) => {
  const files = tsFiles(path.join(ROOT, folder));
  expect(files.length).toBeGreaterThan(0);
  const offending = files.flatMap((file) =>
    importsOf(file)
      .filter((target) => (target + path.sep).startsWith(INFRA) || target.startsWith(INFRA))
      .map((target) => `${path.relative(ROOT, file)} imports ${path.relative(ROOT, target)}`),
  );
  expect(offending).toEqual([]);
});

const SHARED = path.join(ROOT, 'shared');
const layerOf = (file: string) => path.relative(SHARED, file).split(path.sep)[0]!;
const MAY_IMPORT: Record<string, readonly string[]> = {
  contract: [],
  core: ['contract'],
  render: ['contract', 'core'],
  flows: ['contract', 'core', 'render'],
  adapters: ['contract', 'core', 'render'],
};
const isWiring = (file: string) => layerOf(file) === 'adapters' && /^wiring[\w-]*\.ts$/.test(path.basename(file));

/** Each import from one folder of shared/ into another that is not below it. */
function crossings(files: string[]): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((target) => (target + path.sep).startsWith(SHARED + path.sep))
      .filter((target) => {
        const from = layerOf(file);
        const to = layerOf(target);
        return from !== to && !MAY_IMPORT[from]?.includes(to) && !(isWiring(file) && to === 'flows');
      })
      .map((target) => `${path.relative(ROOT, file)} (${layerOf(file)}/) imports ${path.relative(ROOT, target)} (${layerOf(target)}/)`),
  );
}

test('shared/ holds exactly the layers of the flow', () => {
  const folders = readdirSync(SHARED, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  expect(folders.sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  expect(readdirSync(SHARED, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name)).toEqual([]);
});

test('each folder of shared/ imports only what is below it in the flow', () => {
  expect(crossings(tsFiles(SHARED))).toEqual([]);
});

test('the layer check sees an import upwards when there is one', () => {
  // A flow imports core/: allowed one way, so the reverse is what the check must catch.
  const flow = path.join(SHARED, 'flows', 'send', 'send-briefing.ts');
  expect(importsOf(flow).some((target) => layerOf(target) === 'core')).toBe(true);
  expect(MAY_IMPORT.core).not.toContain('flows');
});

test("handlers call flows and the wiring, never a store or the SES mailer directly", () => {
  const handlers = tsFiles(path.join(ROOT, 'functions'));
  const direct = handlers.flatMap((file) =>
    importsOf(file)
      .filter((target) => layerOf(target) === 'adapters' && !isWiring(target + '.ts') && /dynamo|ses-mailer/.test(target))
      .map((target) => `${path.relative(ROOT, file)} imports ${path.relative(ROOT, target)}`),
  );
  expect(direct).toEqual([]);
});

test('the check sees an import into infra/ when there is one', () => {
  // The walker itself: infra/local/pipeline.ts imports infra/local/emulators.
  expect(importsOf(path.join(ROOT, 'infra', 'local', 'pipeline.ts')).some((target) => target.startsWith(INFRA))).toBe(true);
});
