import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { imagesOf } from '../../shared/adapters/stream-record';
import { parseFinding, type FieldError } from '../../shared/core/finding/finding';
import { planBriefing, type PlanDeps } from '../../shared/flows/publish/plan-briefing';
import { sample } from '../support/findings';

/**
 * DynamoDB Local's stream writes an empty map as a bare `{}` (checked against the real
 * stream: `{ "M": {} }` goes in, `{}` comes out; an empty list stays `{ "L": [] }`). The
 * SDK's unmarshall throws on it, so the record used to fail on every retry and reach the
 * dead letters with no pipelineStatus and no admin email. It must read as an empty map,
 * and a finding with an empty map where content belongs must be held naming the field.
 */

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/** The finding as DynamoDB Local's stream hands it over, with `{}` for each empty map. */
function localStreamImage(overrides: Record<string, unknown>, emptyMaps: string[]): Image {
  const image = marshall({ ...sample, approvedBy: 'Chair, Learning and Development Group', ...overrides }, { removeUndefinedValues: true }) as Record<string, unknown>;
  for (const name of emptyMaps) image[name] = {};
  return image as Image;
}

const record = (newImage: Image, oldImage?: Image): DynamoDBRecord => ({
  eventID: '1',
  eventName: oldImage ? 'MODIFY' : 'INSERT',
  dynamodb: { Keys: { id: { S: String(newImage.id?.S) } }, NewImage: newImage, ...(oldImage ? { OldImage: oldImage } : {}) },
});

function holdOnlyDeps() {
  const held: FieldError[][] = [];
  const told: string[][] = [];
  const refuse = (name: string) =>
    new Proxy({}, { get: (_t, method) => () => Promise.reject(new Error(`a held finding must not reach ${name}.${String(method)}`)) });
  const deps = {
    findings: { markHeld: async (_id: string, _v: unknown, errors: FieldError[]) => (held.push(errors), true), markAdminTold: async () => undefined },
    admin: { held: async (_id: string, _v: unknown, problems: readonly { field: string }[]) => void told.push(problems.map((p) => p.field)) },
    settings: { denyList: async () => [], setDenyList: async () => undefined, allowList: async () => [], setAllowList: async () => undefined },
    lists: refuse('lists'),
    briefings: refuse('briefings'),
    deliveries: refuse('deliveries'),
    subscribers: refuse('subscribers'),
    suppressions: refuse('suppressions'),
  } as unknown as PlanDeps;
  return { deps, held, told };
}

describe('an empty map from the stream', () => {
  test('reads as an empty map at the top level, nested in a map, and inside a list', () => {
    const image = { id: { S: 'a' }, top: {}, nested: { M: { inner: {}, list: { L: [{}, { L: [] }] } } } } as unknown as Image;
    expect(imagesOf(record(image)).newItem).toEqual({ id: 'a', top: {}, nested: { inner: {}, list: [{}, []] } });
  });

  test('in the old image too', () => {
    const image = { id: { S: 'a' }, source: {} } as unknown as Image;
    expect(imagesOf(record(image, image)).oldItem).toEqual({ id: 'a', source: {} });
  });

  test('source = {} is held, naming each field the map lacks, and the admin is told', async () => {
    const { deps, held, told } = holdOnlyDeps();
    const { newItem } = imagesOf(record(localStreamImage({ id: 'empty-source' }, ['source'])));
    const outcome = await planBriefing(deps, undefined, newItem!);
    expect(outcome.outcome).toBe('held');
    expect(held[0]!.map((e) => e.field)).toEqual(['source.type', 'source.name', 'source.published']);
    expect(held[0]![1]!.message).toContain('source.name is missing');
    expect(told[0]).toEqual(['source.type', 'source.name', 'source.published']);
  });

  test('actions = {} is held: actions is empty', async () => {
    const { deps, held } = holdOnlyDeps();
    const { newItem } = imagesOf(record(localStreamImage({ id: 'empty-actions' }, ['actions'])));
    expect(await planBriefing(deps, undefined, newItem!)).toMatchObject({ outcome: 'held' });
    expect(held[0]).toEqual([{ field: 'actions', message: expect.stringContaining('actions is empty') }]);
  });

  test('an extra attribute that is an empty map is read, and ignored like any extra attribute', () => {
    const { newItem } = imagesOf(record(localStreamImage({ id: 'extra-empty' }, ['notes'])));
    expect(newItem!.notes).toEqual({});
    expect(parseFinding(newItem).ok).toBe(true);
  });
});
