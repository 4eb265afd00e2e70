import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS } from '../../shared/contract/functions';

/**
 * The conformance table for the local event-filter matcher (infra/event-filter.ts):
 * patterns and events, each with the answer AWS's own matcher gives. The patterns are the
 * examples in the Lambda event-filtering docs ("Filter rule syntax" and the DynamoDB
 * examples) and every stream filter in shared/contract/functions.ts; the events are built to sit on
 * each side of each rule (absent, null, empty, maps, lists, case, numbers as text).
 *
 * The answers come from aws/event-ruler (the engine EventBridge runs; Lambda documents the
 * same syntax), run here through a small wrapper that is not part of the project:
 *   EVENT_RULER=/path/to/verdicts node --import tsx test/support/event-filter-cases.ts
 * rewrites test/fixtures/event-filter/conformance.json. The tests read the table only.
 */

export interface ConformanceCase {
  /** Where the pattern comes from: 'docs: …' or 'filter: <function>[i]'. */
  source: string;
  pattern: object;
  event: object;
  expected?: boolean;
}

/** The table as committed: each pattern once, with its events and AWS's answer for each. */
export interface ConformanceGroup {
  source: string;
  pattern: object;
  events: Array<[object, boolean]>;
}

export const TABLE_FILE = join(__dirname, '..', 'fixtures', 'event-filter', 'conformance.json');

/** Patterns from the Lambda docs' filter rule syntax table, with events either side of each. */
const DOCS: Array<{ name: string; pattern: object; events: object[] }> = [
  { name: 'null', pattern: { UserID: [null] }, events: [{ UserID: null }, { UserID: 'null' }, {}, { UserID: '' }, { UserID: [null, 'x'] }] },
  { name: 'empty', pattern: { LastName: [''] }, events: [{ LastName: '' }, { LastName: ' ' }, {}, { LastName: null }, { LastName: [] }] },
  { name: 'equals', pattern: { Name: ['Alice'] }, events: [{ Name: 'Alice' }, { Name: 'alice' }, { Name: ['Bob', 'Alice'] }, { Name: { S: 'Alice' } }, {}] },
  {
    name: 'equals-ignore-case',
    pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
    events: [{ Name: 'ALICE' }, { Name: 'Alice ' }, { Name: 'alice' }, { Name: 5 }, {}],
  },
  {
    name: 'and',
    pattern: { Location: ['New York'], Day: ['Monday'] },
    events: [{ Location: 'New York', Day: 'Monday' }, { Location: 'New York' }, { Location: 'New York', Day: 'Tuesday' }],
  },
  { name: 'or', pattern: { PaymentType: ['Credit', 'Debit'] }, events: [{ PaymentType: 'Credit' }, { PaymentType: 'Debit' }, { PaymentType: 'Cash' }] },
  {
    name: '$or',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    events: [{ Location: 'New York' }, { Day: 'Monday' }, { Location: 'Paris', Day: 'Friday' }, {}],
  },
  {
    name: 'anything-but',
    pattern: { Weather: [{ 'anything-but': ['Raining'] }] },
    events: [{ Weather: 'Sunny' }, { Weather: 'Raining' }, {}, { Weather: null }, { Weather: ['Raining', 'Sunny'] }, { Weather: 5 }, { Weather: '' }, { Weather: { S: 'Sunny' } }],
  },
  {
    name: 'anything-but one value',
    pattern: { status: [{ 'anything-but': 'draft' }] },
    events: [{ status: 'draft' }, { status: 'Draft' }, { status: 'published' }, {}],
  },
  {
    name: 'anything-but prefix',
    pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
    events: [{ Region: 'us-east-1' }, { Region: 'eu-west-2' }, {}],
  },
  {
    name: 'anything-but equals-ignore-case',
    pattern: { status: [{ 'anything-but': { 'equals-ignore-case': ['draft', 'published'] } }] },
    events: [{ status: 'DRAFT' }, { status: 'Published' }, { status: 'withdrawn' }, { status: ' draft ' }],
  },
  {
    name: 'numeric equals',
    pattern: { Price: [{ numeric: ['=', 100] }] },
    events: [{ Price: 100 }, { Price: 100.0 }, { Price: '100' }, { Price: 101 }, {}],
  },
  {
    name: 'numeric range',
    pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] },
    events: [{ Price: 10 }, { Price: 10.5 }, { Price: 20 }, { Price: 21 }, { Price: [5, 15] }, { Price: '15' }],
  },
  {
    name: 'exists',
    pattern: { ProductName: [{ exists: true }] },
    events: [{ ProductName: 'x' }, {}, { ProductName: null }, { ProductName: '' }, { ProductName: { S: 'x' } }, { ProductName: [] }, { ProductName: ['x'] }],
  },
  {
    name: 'does not exist',
    pattern: { ProductName: [{ exists: false }] },
    events: [{ ProductName: 'x' }, {}, { ProductName: null }, { ProductName: { S: 'x' } }, { ProductName: [] }, { Other: 'x' }],
  },
  { name: 'begins with', pattern: { Region: [{ prefix: 'us-' }] }, events: [{ Region: 'us-east-1' }, { Region: 'US-east-1' }, { Region: 'eu-us-' }, {}] },
  {
    name: 'begins with, ignoring case',
    pattern: { Region: [{ prefix: { 'equals-ignore-case': 'us-' } }] },
    events: [{ Region: 'US-east-1' }, { Region: 'eu-west-2' }],
  },
  { name: 'ends with', pattern: { FileName: [{ suffix: '.png' }] }, events: [{ FileName: 'image.png' }, { FileName: 'image.PNG' }, { FileName: 'png' }] },
  {
    name: 'wildcard',
    pattern: { FileName: [{ wildcard: 'dir/*.png' }] },
    events: [{ FileName: 'dir/image.png' }, { FileName: 'dir/sub/image.png' }, { FileName: 'image.png' }, { FileName: 'dir/.png' }],
  },
  {
    name: 'nested map',
    pattern: { dynamodb: { Keys: { CustomerName: { S: ['AnyCompany Industries'] } } } },
    events: [
      { dynamodb: { Keys: { CustomerName: { S: 'AnyCompany Industries' } } } },
      { dynamodb: { Keys: { CustomerName: { S: 'Other' } } } },
      { dynamodb: {} },
      { dynamodb: { Keys: [{ CustomerName: { S: 'AnyCompany Industries' } }] } },
    ],
  },
  {
    name: 'exists on a map (not a leaf)',
    pattern: { dynamodb: { NewImage: { wakeAt: [{ exists: true }] } } },
    events: [{ dynamodb: { NewImage: { wakeAt: { S: '2024-01-01T10:00:00Z' } } } }, { dynamodb: { NewImage: {} } }, { dynamodb: { NewImage: { wakeAt: 'x' } } }],
  },
  {
    name: 'exists on the attribute type key',
    pattern: { dynamodb: { NewImage: { wakeAt: { S: [{ exists: true }] } } } },
    events: [
      { dynamodb: { NewImage: { wakeAt: { S: '2024-01-01T10:00:00Z' } } } },
      { dynamodb: { NewImage: {} } },
      { dynamodb: { NewImage: { wakeAt: { N: '1' } } } },
      { dynamodb: { NewImage: { wakeAt: { NULL: true } } } },
    ],
  },
  {
    name: 'list of maps',
    pattern: { dynamodb: { NewImage: { topics: { L: { S: ['neglect'] } } } } },
    events: [
      { dynamodb: { NewImage: { topics: { L: [{ S: 'exploitation' }, { S: 'neglect' }] } } } },
      { dynamodb: { NewImage: { topics: { L: [{ S: 'exploitation' }] } } } },
      { dynamodb: { NewImage: { topics: { L: [] } } } },
    ],
  },
];

/** Stream records in the shape Lambda hands over, varied on what the filters read. */
function streamRecords(): object[] {
  const statuses: Array<Record<string, unknown> | undefined> = [
    ...['PENDING', 'SENDING', 'SENT', 'FAILED', 'pending', 'published', 'Published', 'PUBLISHED', ' published ', 'draft', 'Draft', 'withdrawn', 'Withdrawn', ' withdrawn ', '', 'publishd'].map((S) => ({ S })),
    { N: '1' },
    { NULL: true },
    undefined,
  ];
  const wakeAts: Array<Record<string, unknown> | undefined> = [undefined, { S: '2024-01-01T10:00:00Z' }, { N: '1' }, { NULL: true }];
  const records: object[] = [];
  for (const eventName of ['INSERT', 'MODIFY', 'REMOVE']) {
    for (const status of statuses) {
      for (const wakeAt of wakeAts) {
        const image: Record<string, unknown> = { id: { S: 'example' } };
        if (status) image.status = status;
        if (wakeAt) image.wakeAt = wakeAt;
        // REMOVE records carry only the old image; the filters read the new one.
        records.push({ eventName, dynamodb: { Keys: { id: { S: 'example' } }, [eventName === 'REMOVE' ? 'OldImage' : 'NewImage']: image } });
      }
    }
  }
  return records;
}

export function buildCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const { name, pattern, events } of DOCS) for (const event of events) cases.push({ source: `docs: ${name}`, pattern, event });
  const records = streamRecords();
  for (const [fn, definition] of Object.entries(FUNCTIONS)) {
    const trigger = definition.trigger as { kind: string; filters?: readonly object[] };
    if (trigger.kind !== 'stream' || !trigger.filters) continue;
    trigger.filters.forEach((pattern, i) => {
      for (const event of records) cases.push({ source: `filter: ${fn}[${i}]`, pattern, event });
    });
  }
  return cases;
}

/** Asks AWS's matcher for every case's answer (dev time only). */
function answer(cases: ConformanceCase[], verdicts: string): ConformanceCase[] {
  const input = cases.map((c) => JSON.stringify({ pattern: JSON.stringify(c.pattern), event: JSON.stringify(c.event) })).join('\n');
  const lines = execFileSync(verdicts, { input: `${input}\n`, encoding: 'utf8' }).trim().split('\n');
  if (lines.length !== cases.length) throw new Error(`verdicts answered ${lines.length} of ${cases.length} cases.`);
  return cases.map((c, i) => {
    if (lines[i] !== 'true' && lines[i] !== 'false') throw new Error(`verdicts said ${lines[i]} for ${JSON.stringify(c)}`);
    return { ...c, expected: lines[i] === 'true' };
  });
}

if (require.main === module) {
  const verdicts = process.env.EVENT_RULER;
  if (!verdicts) throw new Error('Set EVENT_RULER to the path of the event-ruler verdicts command.');
  const answered = answer(buildCases(), verdicts);
  // Grouped by pattern, one event per line: a change to a filter shows as the lines it changes.
  const groups = new Map<string, ConformanceGroup>();
  for (const c of answered) {
    const key = `${c.source}\u0000${JSON.stringify(c.pattern)}`;
    if (!groups.has(key)) groups.set(key, { source: c.source, pattern: c.pattern, events: [] });
    groups.get(key)!.events.push([c.event, c.expected!]);
  }
  const body = [...groups.values()]
    .map((g) => `  {"source": ${JSON.stringify(g.source)}, "pattern": ${JSON.stringify(g.pattern)}, "events": [\n${g.events.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]}`)
    .join(',\n');
  writeFileSync(TABLE_FILE, `{"answeredBy": "aws/event-ruler, built from source (test/support/event-filter-cases.ts)", "groups": [\n${body}\n]}\n`);
  process.stdout.write(`Wrote ${answered.length} cases to ${TABLE_FILE}\n`);
}
