/** What the product holds on one address: the subject of a look-up, an export and an erasure. */
import type { Member } from './audience';
import type { Suppression } from './ports';
import type { Subscriber } from './subscriber';

export interface PersonRecord {
  email: string;
  subscriber?: Subscriber;
  suppression?: Suppression;
  memberships: (Member & { listId: string })[];
}

export const holdsNothing = (record: PersonRecord) => !record.subscriber && !record.suppression && !record.memberships.length;
