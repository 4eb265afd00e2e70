/** Progress for a person watching a long run: on stderr, so stdout stays the scenario's result. */
export function progress(scenario: string, message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${scenario}: ${message}\n`);
}

/** Reports `line()` every `everyMs` until stopped. */
export function every(everyMs: number, line: () => string, scenario: string): () => void {
  const timer = setInterval(() => progress(scenario, line()), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
