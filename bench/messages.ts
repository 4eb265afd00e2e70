import { randomBytes } from 'node:crypto';
import { renderBriefing } from '../shared/render/email/briefing';
import { pendingDelivery } from '../shared/core/delivery';
import type { Finding } from '../shared/core/finding/finding';
import { composeBriefingMime } from '../shared/render/email/mime';
import { DELIVERY_ID_HEADER } from '../shared/core/ses-event';
import { TokenSigner, recipientLinks, type RecipientLinks } from '../shared/core/tokens';
import type { Member } from '../shared/core/audience';
import { BENCH_LIST } from './fixtures';

export const SENDER = 'briefings@example.org';
export const BASE_URL = 'http://localhost:3000';

/** One reader's delivery row and signed links, as the sender would have them (made outside any timing). */
export function readerInputs(finding: Finding, members: readonly Member[], now = new Date()) {
  const signer = new TokenSigner(randomBytes(32));
  return members.map((member) => {
    const row = pendingDelivery(finding.id, finding.version, { ...member, via: [BENCH_LIST.id] }, now);
    const links: RecipientLinks = recipientLinks(BASE_URL, signer, row.recipientKey, now, row.deliveryId);
    return { row, links };
  });
}

/** The raw message the sender builds for one reader: the same calls and headers as shared/flows/send/send-briefing.ts. */
export async function tailoredMessage(finding: Finding, input: ReturnType<typeof readerInputs>[number]): Promise<Buffer> {
  const { row, links } = input;
  return composeBriefingMime({
    from: SENDER,
    to: { name: row.name, email: row.email },
    rendered: renderBriefing(finding, row, links),
    unsubscribeUrl: links.unsubscribeUrl,
    headers: { 'X-Briefing-Id': row.briefingId, [DELIVERY_ID_HEADER]: row.deliveryId },
  });
}
