import type { _Record as StreamRecord, AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import { FUNCTIONS } from '../../shared/contract/functions';
import { matchesPattern } from '../../infra/event-filter';
import { toLambdaRecord } from '../../infra/local/stream-batch';
import { briefingTrigger } from '../../shared/core/finding/publication';

/**
 * The event filters in shared/contract/functions.ts decide which stream records reach each
 * function, in AWS and locally. These cases run the real filters against records in
 * the shape Lambda hands over (built with the poller's own toLambdaRecord).
 */

const ARN = 'arn:aws:dynamodb:eu-west-2:000000000000:table/example/stream/2024-01-01T00:00:00.000';
let sequence = 0;

function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', images: { NewImage?: Record<string, AttributeValue>; OldImage?: Record<string, AttributeValue> }) {
  sequence += 1;
  const raw: StreamRecord = {
    eventID: `event-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-2',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2024-01-01T10:00:00Z'),
      Keys: { id: { S: 'example' } },
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...images,
    },
  };
  return toLambdaRecord(raw, ARN);
}

const matchesAny = (filters: readonly object[], value: unknown) =>
  filters.some((pattern) => matchesPattern(pattern as Parameters<typeof matchesPattern>[0], value));

const delivery = (status: string): Record<string, AttributeValue> => ({
  deliveryId: { S: 'jtai-mash-2022#v1#abc' },
  email: { S: 'sam.example@example.org' },
  status: { S: status },
});
const finding = (status: string): Record<string, AttributeValue> => ({ id: { S: 'jtai-mash-2022' }, status: { S: status }, version: { N: '1' } });

describe('send-briefing filter (deliveries stream)', () => {
  const filters = FUNCTIONS['send-briefing'].trigger.filters;

  test('an INSERT of a PENDING row matches', () => {
    expect(matchesAny(filters, record('INSERT', { NewImage: delivery('PENDING') }))).toBe(true);
  });

  test('a MODIFY that leaves the row PENDING (a released claim) does not match', () => {
    expect(matchesAny(filters, record('MODIFY', { NewImage: delivery('PENDING') }))).toBe(false);
  });

  // AWS's matcher agrees on each of these: test/fixtures/event-filter/conformance.json.
  test('a row put back in the queue (PENDING with wakeAt, by the sweeper or a retry) matches', () => {
    expect(matchesAny(filters, record('MODIFY', { NewImage: { ...delivery('PENDING'), wakeAt: { S: '2024-01-01T10:00:00Z' } } }))).toBe(true);
    expect(matchesAny(filters, record('MODIFY', { NewImage: { ...delivery('SENDING'), wakeAt: { S: '2024-01-01T10:00:00Z' } } }))).toBe(false);
  });

  test('an INSERT of a SENT row does not match', () => {
    expect(matchesAny(filters, record('INSERT', { NewImage: delivery('SENT') }))).toBe(false);
  });

  test('a MODIFY to SENDING or SENT does not match', () => {
    expect(matchesAny(filters, record('MODIFY', { NewImage: delivery('SENDING') }))).toBe(false);
    expect(matchesAny(filters, record('MODIFY', { NewImage: delivery('SENT') }))).toBe(false);
  });

  test('a status stored as another type (N) does not match', () => {
    expect(matchesAny(filters, record('INSERT', { NewImage: { ...delivery('PENDING'), status: { N: '1' } } }))).toBe(false);
  });
});

describe('plan-briefing filter (findings stream)', () => {
  const filters = FUNCTIONS['plan-briefing'].trigger.filters;

  test('an INSERT of a published finding matches', () => {
    expect(matchesAny(filters, record('INSERT', { NewImage: finding('published') }))).toBe(true);
  });

  test('a MODIFY whose new image is published matches', () => {
    expect(matchesAny(filters, record('MODIFY', { OldImage: finding('draft'), NewImage: finding('published') }))).toBe(true);
  });

  test('a draft, inserted or modified, does not match', () => {
    expect(matchesAny(filters, record('INSERT', { NewImage: finding('draft') }))).toBe(false);
    expect(matchesAny(filters, record('MODIFY', { OldImage: finding('published'), NewImage: finding('draft') }))).toBe(false);
  });

  test("'Published' in the wrong case matches (equals-ignore-case), so plan-briefing can hold it with the fix", () => {
    expect(matchesAny(filters, record('INSERT', { NewImage: finding('Published') }))).toBe(true);
    expect(matchesAny(filters, record('MODIFY', { NewImage: finding('PUBLISHED') }))).toBe(true);
  });

  test("' published ' with spaces around it matches (no filter can trim), so plan-briefing can hold it with the fix", () => {
    for (const status of [' published ', 'published ', ' published', '\tPublished\n', '\u00a0published']) {
      expect(matchesAny(filters, record('INSERT', { NewImage: finding(status) }))).toBe(true);
      expect(matchesAny(filters, record('MODIFY', { OldImage: finding('draft'), NewImage: finding(status) }))).toBe(true);
    }
    expect(matchesAny(filters, record('MODIFY', { NewImage: finding(' withdrawn ') }))).toBe(true);
  });

  test('any other status that is not exactly draft, published or withdrawn reaches the handler, which ignores it', () => {
    for (const status of ['publishd', 'Draft', '']) {
      expect(matchesAny(filters, record('MODIFY', { NewImage: finding(status) }))).toBe(true);
      expect(briefingTrigger({ id: 'x', status: 'draft' }, { id: 'x', status })).toEqual({ act: false, reason: 'not-published' });
    }
  });

  test('a change to withdrawn matches (the withdrawal notice); an insert as withdrawn does not', () => {
    expect(matchesAny(filters, record('MODIFY', { NewImage: finding('withdrawn') }))).toBe(true);
    expect(matchesAny(filters, record('MODIFY', { NewImage: finding('Withdrawn') }))).toBe(true);
    expect(matchesAny(filters, record('INSERT', { NewImage: finding('withdrawn') }))).toBe(false);
  });

  test('a REMOVE of a published finding does not match', () => {
    expect(matchesAny(filters, record('REMOVE', { OldImage: finding('published') }))).toBe(false);
  });
});

describe('toLambdaRecord', () => {
  test('hands over the creation time in epoch seconds, as Lambda does', () => {
    const lambda = record('INSERT', { NewImage: finding('published') });
    expect(lambda.dynamodb?.ApproximateCreationDateTime).toBe(Date.parse('2024-01-01T10:00:00Z') / 1000);
    expect(lambda.eventSourceARN).toBe(ARN);
  });
});
