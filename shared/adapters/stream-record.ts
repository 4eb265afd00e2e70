import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/** Plain objects from a stream record's images (string sets become Sets, numbers numbers). */
export function imagesOf(record: DynamoDBRecord): { oldItem?: Record<string, unknown>; newItem?: Record<string, unknown> } {
  const toItem = (image: Image | undefined) =>
    image ? unmarshall(image as Record<string, AttributeValue>, { wrapNumbers: false }) : undefined;
  return { oldItem: toItem(record.dynamodb?.OldImage), newItem: toItem(record.dynamodb?.NewImage) };
}
