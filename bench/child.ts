import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..');
/** How a scenario process marks its result line on stdout (bench/scenario.ts). */
export const RESULT_PREFIX = 'BENCH_RESULT ';
export type ScenarioName = 'pipeline' | 'bare' | 'ledger' | 'render' | 'cold-start' | 'gate';

export interface ScenarioRunOptions {
  /** Where the child's progress (stderr) and stray stdout lines go; stderr by default. */
  onOutput?: (text: string) => void;
}

/** Runs one scenario in its own Node.js process and returns what it printed as its result. */
export function runScenario<T>(name: ScenarioName, options: object, run: ScenarioRunOptions = {}): Promise<T & { peakRssKb: number }> {
  const onOutput = run.onOutput ?? ((text: string) => process.stderr.write(text));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'scenario.ts'), name, JSON.stringify(options)], {
      cwd: REPO_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let result: string | undefined;
    let pending = '';
    let lastErrors = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        // Anything else on stdout (a handler's log line) is passed on, never parsed.
        if (line.startsWith(RESULT_PREFIX)) result = line.slice(RESULT_PREFIX.length);
        else onOutput(`${line}\n`);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      lastErrors = (lastErrors + chunk).slice(-4000);
      onOutput(chunk);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (pending.startsWith(RESULT_PREFIX)) result = pending.slice(RESULT_PREFIX.length);
      if (code === 0 && result !== undefined) resolve(JSON.parse(result) as T & { peakRssKb: number });
      else reject(new Error(`scenario ${name} exited with ${code}${result === undefined ? ' and no result' : ''}:\n${lastErrors.trim()}`));
    });
  });
}
