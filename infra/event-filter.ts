/**
 * Lambda event filtering, done locally as AWS documents it ("Control which events Lambda
 * sends to your function", the filter rule syntax it shares with EventBridge patterns), so
 * the local pollers deliver exactly the stream records an event source mapping would.
 * test/fixtures/event-filter/conformance.json holds the cases, each answered by AWS's own
 * matcher (aws/event-ruler); test/unit/event-filter.test.ts runs them.
 *
 * The rules, as the engine applies them:
 * - Keys in a pattern all have to match (AND); the values listed for one key are
 *   alternatives (OR); `$or` takes a list of patterns at the same level.
 * - Matchers compare leaf values only (strings, numbers, booleans, null). A field whose value
 *   is a map is not a leaf: `{ exists: true }` does not match it, `{ exists: false }` does.
 *   For a DynamoDB attribute, test its type key: `wakeAt: { S: [{ exists: true }] }`.
 * - A list in the event matches when any of its elements does.
 * - A field that is absent matches only `{ exists: false }`; `anything-but` needs a value.
 */

import type { AnythingBut, FilterMatcher, FilterPattern } from '../shared/contract/filter-pattern';

export type { FilterMatcher, FilterPattern };

/** A pattern the local poller cannot apply as AWS would: npm start and the synth refuse it. */
export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

const SUPPORTED = ['exists', 'equals-ignore-case', 'prefix', 'suffix', 'wildcard', 'numeric', 'anything-but'];
const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='];

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isLeaf = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** Checks that every operator in a pattern is one this matcher applies as AWS does; throws naming the first that is not. */
export function assertSupportedPattern(pattern: unknown, path = '(pattern)'): void {
  if (!isMap(pattern)) throw new FilterPatternError(`${path} must be a JSON object, not ${JSON.stringify(pattern)}.`);
  for (const [key, value] of Object.entries(pattern)) {
    const at = path === '(pattern)' ? key : `${path}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new FilterPatternError(`${at} needs a list of at least two patterns.`);
      value.forEach((sub, i) => assertSupportedPattern(sub, `${at}[${i}]`));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new FilterPatternError(`${at} is an empty list: it would match nothing. List the values to match.`);
      value.forEach((matcher, i) => assertMatcher(matcher, `${at}[${i}]`));
    } else assertSupportedPattern(value, at);
  }
}

function assertMatcher(matcher: unknown, at: string): void {
  if (isLeaf(matcher)) return;
  if (!isMap(matcher)) throw new FilterPatternError(`${at}: ${JSON.stringify(matcher)} is not a value or an operator.`);
  const keys = Object.keys(matcher);
  const [operator] = keys;
  if (keys.length !== 1 || !operator || !SUPPORTED.includes(operator)) {
    throw new FilterPatternError(
      `${at}: the filter operator ${JSON.stringify(matcher)} is not supported by the local poller (it applies ${SUPPORTED.join(', ')}, as Lambda documents them). Use one of those, so that what runs locally is what AWS delivers.`,
    );
  }
  const operand = matcher[operator];
  if (operator === 'numeric') {
    const ok =
      Array.isArray(operand) &&
      (operand.length === 2 || operand.length === 4) &&
      operand.every((part, i) => (i % 2 === 0 ? NUMERIC_OPERATORS.includes(part as string) : typeof part === 'number'));
    if (!ok) throw new FilterPatternError(`${at}: numeric takes [operator, number] or [operator, number, operator, number], with operators ${NUMERIC_OPERATORS.join(' ')}.`);
  }
  if (operator === 'exists' && typeof operand !== 'boolean') throw new FilterPatternError(`${at}: exists takes true or false.`);
}

/** Does `event` match `pattern`? */
export function matchesPattern(pattern: FilterPattern, event: unknown): boolean {
  return matchObject(pattern, isMap(event) ? event : undefined);
}

function matchObject(pattern: FilterPattern, value: Record<string, unknown> | undefined): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as readonly FilterPattern[]).some((sub) => matchObject(sub, value));
    const actual = value?.[key];
    if (Array.isArray(expected)) return matchLeaves(expected as readonly FilterMatcher[], actual);
    return matchNested(expected as FilterPattern, actual);
  });
}

function matchNested(pattern: FilterPattern, actual: unknown): boolean {
  if (Array.isArray(actual) && actual.length > 0) return actual.some((element) => matchNested(pattern, element));
  return matchObject(pattern, isMap(actual) ? actual : undefined);
}

/** The leaf values at a field: a list's leaves, one leaf, or none (absent, a map, an empty list). */
function leavesOf(actual: unknown): unknown[] {
  if (Array.isArray(actual)) return actual.filter(isLeaf);
  return isLeaf(actual) ? [actual] : [];
}

function matchLeaves(matchers: readonly FilterMatcher[], actual: unknown): boolean {
  const leaves = leavesOf(actual);
  return matchers.some((matcher) => {
    if (isMap(matcher) && 'exists' in matcher) return (leaves.length > 0) === matcher.exists;
    return leaves.some((leaf) => matchLeaf(matcher, leaf));
  });
}

const ignoringCase = (operand: unknown): string | undefined =>
  isMap(operand) && typeof operand['equals-ignore-case'] === 'string' ? operand['equals-ignore-case'] : undefined;

function matchLeaf(matcher: FilterMatcher, leaf: unknown): boolean {
  if (!isMap(matcher)) return leaf === matcher;
  if ('equals-ignore-case' in matcher) return typeof leaf === 'string' && leaf.toLowerCase() === matcher['equals-ignore-case'].toLowerCase();
  if ('prefix' in matcher) {
    if (typeof leaf !== 'string') return false;
    const folded = ignoringCase(matcher.prefix);
    return folded !== undefined ? leaf.toLowerCase().startsWith(folded.toLowerCase()) : leaf.startsWith(matcher.prefix as string);
  }
  if ('suffix' in matcher) {
    if (typeof leaf !== 'string') return false;
    const folded = ignoringCase(matcher.suffix);
    return folded !== undefined ? leaf.toLowerCase().endsWith(folded.toLowerCase()) : leaf.endsWith(matcher.suffix as string);
  }
  if ('wildcard' in matcher) return typeof leaf === 'string' && wildcard(matcher.wildcard).test(leaf);
  if ('numeric' in matcher) return typeof leaf === 'number' && numeric(matcher.numeric, leaf);
  if ('anything-but' in matcher) return !anythingButExcludes(matcher['anything-but'], leaf);
  throw new FilterPatternError(`The filter operator ${JSON.stringify(matcher)} is not supported by the local poller.`);
}

/** '*' stands for any run of characters; '\*' is a literal star. */
function wildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && pattern[i + 1] === '*') {
      source += '\\*';
      i += 1;
    } else if (char === '*') source += '.*';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function numeric(conditions: readonly (string | number)[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = conditions[i + 1] as number;
    const ok = { '=': value === bound, '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound }[conditions[i] as string];
    if (!ok) return false;
  }
  return true;
}

/** Is `leaf` one of the values `anything-but` excludes? */
function anythingButExcludes(excluded: AnythingBut, leaf: unknown): boolean {
  if (Array.isArray(excluded)) return excluded.includes(leaf as string | number);
  if (!isMap(excluded)) return leaf === excluded;
  if (typeof leaf !== 'string') return false;
  if ('prefix' in excluded) return leaf.startsWith(excluded.prefix);
  if ('suffix' in excluded) return leaf.endsWith(excluded.suffix);
  if ('equals-ignore-case' in excluded) {
    const values = ([] as string[]).concat(excluded['equals-ignore-case']);
    return values.some((value) => value.toLowerCase() === leaf.toLowerCase());
  }
  if ('wildcard' in excluded) return ([] as string[]).concat(excluded.wildcard).some((w) => wildcard(w).test(leaf));
  return false;
}
