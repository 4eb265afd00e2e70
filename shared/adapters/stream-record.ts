import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
type Raw = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * DynamoDB Local's stream writes an empty map (`{ "M": {} }`) as a bare `{}`, which the SDK's
 * unmarshall refuses ("No value defined"): the record would fail on every retry and reach the
 * dead letters without a word to the admin. Read it as the empty map it is, at any depth, so the
 * schema can say which field is empty. (Empty lists arrive as `{ "L": [] }` and need nothing.)
 */
function repairAttribute(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 0) return { M: {} };
  if (isPlainObject(value.M)) return { ...value, M: repairImage(value.M) };
  if (Array.isArray(value.L)) return { ...value, L: value.L.map(repairAttribute) };
  return value;
}

export function repairImage(image: Raw): Raw {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repairAttribute(value)]));
}

/** Plain objects from a stream record's images (string sets become Sets, numbers numbers). */
export function imagesOf(record: DynamoDBRecord): { oldItem?: Record<string, unknown>; newItem?: Record<string, unknown> } {
  const toItem = (image: Image | undefined) =>
    image ? unmarshall(repairImage(image) as Record<string, AttributeValue>, { wrapNumbers: false }) : undefined;
  return { oldItem: toItem(record.dynamodb?.OldImage), newItem: toItem(record.dynamodb?.NewImage) };
}
