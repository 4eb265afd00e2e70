import type { DeliveryStore } from '../../shared/core/ports';

/** One row claimed as the sender claims its batch (claimMany): true when this call got it. */
export async function claimOne(store: DeliveryStore, deliveryId: string, createdAt: string, now: Date): Promise<boolean> {
  return (await store.claimMany([{ deliveryId, createdAt }], now)).has(deliveryId);
}
