import { runCli } from '../../cli/main';
import type { Output } from '../../cli/output';

/** Runs one CLI command and returns exactly what an admin would see: exit code, output, errors, progress lines. */
export async function runCapturing(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const io: Output = { out: (l) => out.push(l), err: (l) => err.push(l), progress: (l) => progress.push(l) };
  const code = await runCli(argv, io, env);
  return { code, out: out.join('\n'), err: err.join('\n'), progress };
}
