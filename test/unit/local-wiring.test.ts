import { FUNCTIONS } from '../../shared/contract/functions';
import { LOCAL_TRIGGERS, LocalWiringError, assertEveryFunctionWired } from '../../infra/local/wiring';

/**
 * The local runner must not leave a function out without a word: a function, or a kind of
 * trigger, added to shared/contract/functions.ts and not wired in infra/local/pipeline.ts stops the start.
 * (test/e2e/ses-events-locally.test.ts checks that the real runner wires every function.)
 */

const allWired = () => new Map(Object.keys(FUNCTIONS).map((name) => [name, 'wired']));

test('every kind of trigger the definitions use has a way to start locally', () => {
  for (const def of Object.values(FUNCTIONS)) expect(LOCAL_TRIGGERS[def.trigger.kind]).toEqual(expect.any(String));
});

test('nothing is said when every function is wired', () => {
  expect(() => assertEveryFunctionWired(FUNCTIONS, allWired())).not.toThrow();
});

test('a function left out stops the start, naming it, its trigger and where to wire it', () => {
  const wired = allWired();
  wired.delete('ses-events');
  expect(() => assertEveryFunctionWired(FUNCTIONS, wired)).toThrow(LocalWiringError);
  expect(() => assertEveryFunctionWired(FUNCTIONS, wired)).toThrow(
    /ses-events has a 'ses-events' trigger, which the local runner starts with SES events .* but ses-events itself is not wired: wire it in infra\/local\/pipeline\.ts/,
  );
});

test('a function with a kind of trigger the local runner cannot start stops the start', () => {
  const functions = { ...FUNCTIONS, 'queue-reader': { trigger: { kind: 'sqs' } } };
  expect(() => assertEveryFunctionWired(functions, allWired())).toThrow(
    /queue-reader has a trigger of kind 'sqs', which the local runner cannot start: add it to LOCAL_TRIGGERS \(infra\/local\/wiring\.ts\)/,
  );
});
