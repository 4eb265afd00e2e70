import { readFileSync } from 'node:fs';
import { FUNCTIONS } from '../../shared/contract/functions';
import { FilterPatternError, assertSupportedPattern, matchesPattern, type FilterPattern } from '../../infra/event-filter';
import { TABLE_FILE, type ConformanceGroup } from '../support/event-filter-cases';

/**
 * The local matcher against AWS's own: every case in the conformance table was answered by
 * aws/event-ruler (see test/support/event-filter-cases.ts), from the Lambda docs' examples
 * and from every stream filter the stack deploys, over records varied on what they read.
 */
const { groups } = JSON.parse(readFileSync(TABLE_FILE, 'utf8')) as { groups: ConformanceGroup[] };

describe.each(groups.map((g) => [g.source, g] as const))('%s', (_source, group) => {
  test(`${group.events.length} events: the local matcher gives AWS's answer for each`, () => {
    const disagreements = group.events
      .filter(([event, expected]) => matchesPattern(group.pattern as FilterPattern, event) !== expected)
      .map(([event, expected]) => ({ event, aws: expected }));
    expect(disagreements).toEqual([]);
  });
});

test('the table covers exactly the filters the stack deploys (regenerate it when a filter changes)', () => {
  const deployed = Object.entries(FUNCTIONS).flatMap(([name, definition]) => {
    const trigger = definition.trigger as { kind: string; filters?: readonly object[] };
    return trigger.kind === 'stream' ? (trigger.filters ?? []).map((pattern, i) => ({ source: `filter: ${name}[${i}]`, pattern })) : [];
  });
  const tabled = groups.filter((g) => g.source.startsWith('filter: ')).map(({ source, pattern }) => ({ source, pattern }));
  expect(tabled).toEqual(deployed);
});

test('a requeued row (PENDING with wakeAt) reaches send-briefing under AWS\'s own answer, and the local one', () => {
  const requeue = groups.filter((g) => g.source.startsWith('filter: send-briefing'));
  const answers = requeue.flatMap((g) =>
    g.events.filter(([event]) => {
      const e = event as { eventName: string; dynamodb: { NewImage?: Record<string, Record<string, unknown>> } };
      return e.eventName === 'MODIFY' && e.dynamodb.NewImage?.status?.S === 'PENDING' && e.dynamodb.NewImage?.wakeAt?.S;
    }),
  );
  expect(answers.length).toBeGreaterThan(0);
  expect(answers.some(([, aws]) => aws)).toBe(true);
});

describe('patterns the local poller cannot apply as AWS would are refused, with what to use', () => {
  test.each([
    [{ ip: [{ cidr: '10.0.0.0/24' }] }, /cidr.*not supported by the local poller/],
    [{ a: [{ numeric: ['>', 'x'] }] }, /numeric takes/],
    [{ a: [] }, /a is an empty list/],
    [{ a: [{ exists: 'yes' }] }, /exists takes true or false/],
    [{ $or: [{ a: ['x'] }] }, /\$or needs a list of at least two/],
    [{ a: [{ prefix: 'x', suffix: 'y' }] }, /not supported/],
  ])('%j', (pattern, message) => {
    expect(() => assertSupportedPattern(pattern)).toThrow(FilterPatternError);
    expect(() => assertSupportedPattern(pattern)).toThrow(message);
  });

  test('every filter the stack deploys is supported', () => {
    for (const definition of Object.values(FUNCTIONS)) {
      const trigger = definition.trigger as { kind: string; filters?: readonly object[] };
      for (const pattern of trigger.filters ?? []) expect(() => assertSupportedPattern(pattern)).not.toThrow();
    }
  });
});
