import { recipientKey } from '../../core/audience';
import { withdrawalIdOf, type DeliveryRow } from '../../core/delivery';
import { digestBriefingIdOf, weekIdAt } from '../../core/digest';
import { composeBriefingMime } from '../../render/email/mime';
import { reminderEmail } from '../../render/email/notices';
import type { SendingDeps } from '../../core/ports';
import { recipientLinks } from '../../core/tokens';

/**
 * Hourly housekeeping: the optional reminder to acknowledge, and retention.
 * - Reminder: one email, at most once per delivery, to people who were sent a briefing
 *   `reminderAfterDays` ago (up to two weeks later) and have not acknowledged it; never to
 *   suppressed people, never for a withdrawn or superseded briefing. Off when 0.
 * - Retention: `retentionDays` after a briefing was issued, the address and name are removed
 *   from its ledger rows (pseudonymised: the row keeps a one-way key, the agency, role, status
 *   and times the report counts). Weekly digest rows and withdrawal notices too.
 */

export interface HousekeepingDeps extends SendingDeps {
  reminderAfterDays: number;
  retentionDays: number;
  timeZone: string;
}

export interface HousekeepingResult {
  reminded: number;
  remindersFailed: number;
  rowsPseudonymised: number;
  briefingsPseudonymised: number;
}

const DAY_MS = 86_400_000;
const REMINDER_WINDOW_DAYS = 14;

export async function housekeeping(deps: HousekeepingDeps): Promise<HousekeepingResult> {
  const now = (deps.now ?? (() => new Date()))();
  const result: HousekeepingResult = { reminded: 0, remindersFailed: 0, rowsPseudonymised: 0, briefingsPseudonymised: 0 };
  if (deps.reminderAfterDays > 0) await sendReminders(deps, now, result);
  if (deps.retentionDays > 0) await applyRetention(deps, now, result);
  return result;
}

async function sendReminders(deps: HousekeepingDeps, now: Date, result: HousekeepingResult) {
  const dueBefore = new Date(now.getTime() - deps.reminderAfterDays * DAY_MS).toISOString();
  const since = new Date(now.getTime() - (deps.reminderAfterDays + REMINDER_WINDOW_DAYS) * DAY_MS);
  const due = (await deps.briefings.plannedSince(since)).filter((b) => b.plannedAt <= dueBefore && !b.withdrawnAt && !b.supersededAt && !b.personalDataRemovedAt);
  for (const briefing of due) {
    const waiting = (await deps.deliveries.byBriefing(briefing.briefingId)).filter(
      (row) => row.kind === 'briefing' && row.status === 'SENT' && !row.acknowledgedAt && !row.reminderSentAt && !row.erasedAt && !row.personalDataRemovedAt,
    );
    const suppressed = await deps.suppressions.suppressed(waiting.map((row) => row.recipientKey));
    for (const row of waiting.filter((r) => !suppressed.has(r.recipientKey))) {
      // Claimed first: at most one reminder per delivery, even if this run is repeated or dies.
      if (!(await deps.deliveries.claimReminder(row.deliveryId, now))) continue;
      try {
        await remind(deps, row, briefing.finding.title, now);
        result.reminded++;
      } catch {
        result.remindersFailed++;
      }
    }
  }
}

async function remind(deps: HousekeepingDeps, row: DeliveryRow, title: string, now: Date) {
  const links = recipientLinks(deps.publicBaseUrl, deps.signer, recipientKey(row.email), now, row.deliveryId);
  const raw = await composeBriefingMime({
    from: deps.senderAddress,
      fromName: deps.senderName,
    to: { name: row.name, email: row.email },
    rendered: reminderEmail(title, { acknowledgeUrl: links.acknowledgeUrl!, manageUrl: links.manageUrl, unsubscribeUrl: links.unsubscribeUrl }),
    unsubscribeUrl: links.unsubscribeUrl,
    // No X-Delivery-Id: SES events about the reminder must not overwrite the briefing's own delivery record.
    headers: { 'X-Briefing-Id': row.briefingId },
  });
  await deps.mailer.sendRaw(raw);
}

async function applyRetention(deps: HousekeepingDeps, now: Date, result: HousekeepingResult) {
  const cutoff = new Date(now.getTime() - deps.retentionDays * DAY_MS);
  const expired = (await deps.briefings.plannedSince(new Date(0))).filter((b) => b.plannedAt < cutoff.toISOString() && !b.personalDataRemovedAt);
  for (const briefing of expired) {
    // The briefing's rows, and its withdrawal notices (kept under the finding).
    let stillQueued = 0;
    for (const ledgerId of [briefing.briefingId, withdrawalIdOf(briefing.findingId)]) {
      const done = await pseudonymise(deps, ledgerId, now);
      result.rowsPseudonymised += done.count;
      stillQueued += done.stillQueued;
    }
    // Done only when nothing is left to send: a row still queued is revisited next hour.
    if (stillQueued === 0) {
      await deps.briefings.markStopped(briefing.briefingId, 'personalDataRemovedAt', now);
      result.briefingsPseudonymised++;
    }
  }
  // Weekly digests of the year before the cutoff (older ones were done by earlier runs).
  for (let t = cutoff.getTime() - 52 * 7 * DAY_MS; t <= cutoff.getTime() - 7 * DAY_MS; t += 7 * DAY_MS) {
    result.rowsPseudonymised += (await pseudonymise(deps, digestBriefingIdOf(weekIdAt(new Date(t), deps.timeZone)), now)).count;
  }
}

async function pseudonymise(deps: HousekeepingDeps, ledgerId: string, now: Date): Promise<{ count: number; stillQueued: number }> {
  let count = 0;
  let stillQueued = 0;
  for (const row of await deps.deliveries.byBriefing(ledgerId)) {
    if (row.personalDataRemovedAt || row.erasedAt) continue;
    // Only finished rows: a row still queued needs its address to be sent.
    if (row.status === 'PENDING' || row.status === 'SENDING') {
      stillQueued++;
      continue;
    }
    if (await deps.deliveries.removePersonalData(row.deliveryId, now)) count++;
  }
  return { count, stillQueued };
}
