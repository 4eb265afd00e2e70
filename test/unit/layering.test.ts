import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Runtime code sits below infrastructure: what runs in Lambda (shared/, functions/) imports
 * nothing from infra/. The contract both need (tables, functions, environment) is in
 * shared/contract/. (The CLI may use the local runner's endpoints: it is an admin's tool for
 * both, not Lambda code.)
 */

const ROOT = path.join(__dirname, '..', '..');
const INFRA = path.join(ROOT, 'infra') + path.sep;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
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

test('the check sees an import into infra/ when there is one', () => {
  // The walker itself: infra/local/pipeline.ts imports infra/local/emulators.
  expect(importsOf(path.join(ROOT, 'infra', 'local', 'pipeline.ts')).some((target) => target.startsWith(INFRA))).toBe(true);
});
