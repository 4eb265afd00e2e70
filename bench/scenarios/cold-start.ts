import { measureColdStart } from '../cold-start';
import { progress } from '../progress';
import type { ColdStartEntry } from '../report';

export interface ColdStartOptions {
  runs?: number;
}

/** Bundle size and init time per function, from bench/cold-start.ts (the stack's own esbuild settings, fresh node processes). */
export async function runColdStart(options: ColdStartOptions): Promise<{ functions: ColdStartEntry[] }> {
  const functions = await measureColdStart({ runs: options.runs, onProgress: (line) => progress('cold-start', line) });
  return { functions };
}
