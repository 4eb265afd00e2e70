import * as z from 'zod/mini';
import './zod-setup';
import { closestId } from './taxonomy';

/** A value as text for a message, whatever was typed: a map with a `toString` key must not throw. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value, (_k, v: unknown) => (v instanceof Set ? [...v] : v)) ?? 'a value' : String(value);
  } catch {
    return 'a value that cannot be shown';
  }
}

/** What to say about an unknown id: a near miss gets "did you mean", anything else the full list. */
export function unknownIdMessage(value: unknown, known: readonly string[], kind: string): string {
  const suggestion = typeof value === 'string' ? closestId(value, known) : undefined;
  return (
    `'${shownValue(value)}' is not a known ${kind}. ` +
    (suggestion ? `Did you mean '${suggestion}'?` : `Use one of: ${known.join(', ')}.`)
  );
}

/** A taxonomy id, typed as its union, with a "did you mean" message when it is not one. */
export function knownId<const T extends readonly [string, ...string[]]>(known: T, kind: string) {
  return z.enum(known, {
    error: (issue) =>
      issue.input === undefined ? `${kind} is missing. Use one of: ${known.join(', ')}.` : unknownIdMessage(issue.input, known, kind),
  });
}
