import type { Trigger } from '../../shared/contract/functions';

/**
 * How the local runner starts each kind of trigger (infra/local/pipeline.ts). A kind added to
 * `Trigger` in shared/contract/functions.ts and missing here fails the typecheck; a function whose
 * trigger the runner did not wire fails `npm start` (and every test that starts the pipeline)
 * with the name of what is missing, instead of silently never running locally.
 */
export const LOCAL_TRIGGERS: Record<Trigger['kind'], string> = {
  stream: 'a stream poller on the table (infra/local/stream-poller.ts)',
  http: 'the node:http adapter (infra/local/http-server.ts)',
  schedule: 'a weekly timer (infra/local/weekly-timer.ts)',
  interval: 'an interval timer',
  'ses-events': "SES events from the SES emulator's accepted messages (infra/local/ses-events.ts)",
};

export class LocalWiringError extends Error {
  override readonly name = 'LocalWiringError';
}

/** Throws unless every function in `functions` was wired (named in `wired`, with how). */
export function assertEveryFunctionWired(functions: Readonly<Record<string, { trigger: { kind: string } }>>, wired: ReadonlyMap<string, string>): void {
  const missing = Object.entries(functions).filter(([name]) => !wired.has(name));
  if (!missing.length) return;
  const lines = missing.map(([name, def]) => {
    const kind = def.trigger.kind;
    const how = (LOCAL_TRIGGERS as Record<string, string | undefined>)[kind];
    return how
      ? `${name} has a '${kind}' trigger, which the local runner starts with ${how}, but ${name} itself is not wired: wire it in infra/local/pipeline.ts.`
      : `${name} has a trigger of kind '${kind}', which the local runner cannot start: add it to LOCAL_TRIGGERS (infra/local/wiring.ts) and wire it in infra/local/pipeline.ts.`;
  });
  throw new LocalWiringError(`The local runner would leave ${missing.length} function(s) out, so they would never run locally:\n- ${lines.join('\n- ')}`);
}
