import { randomUUID } from 'node:crypto';
import { briefingIdOf } from '../../core/delivery';
import { hiddenCharacterProblem } from '../../core/finding/finding';
import { screenText } from '../../core/gate/mask-hits';
import { gateLists } from '../publish/gate-lists';
import { ANSWER_MAX_CHARS } from '../../render/pages/acknowledge';
import type { BriefingStore, DeliveryStore, ResponseStore, SettingsStore } from '../../core/ports';
import type { TokenSigner } from '../../core/tokens';
import type { LinkProblem } from '../../core/tokens';

/**
 * "I have read this briefing": a signed link bound to one delivery row. Following it shows
 * a page (mail scanners pre-fetch links, so a GET never counts); its POST records the
 * acknowledgement once, with the agency and role the briefing was sent for, and an
 * optional one-line answer kept without the address. The answer passes the anonymisation
 * gate first: what it finds (an address, an NHS number, a name) is masked before it is
 * stored, so no personal data is kept at rest and the report shows the masked answer.
 */

export interface AcknowledgementDeps {
  deliveries: DeliveryStore;
  briefings: Pick<BriefingStore, 'get'>;
  responses: ResponseStore;
  /** The deployment's deny list, which answers are screened against like findings. */
  settings: Pick<SettingsStore, 'denyList' | 'allowList'>;
  signer: TokenSigner;
  now?: () => Date;
}

type LinkFailure = { outcome: 'link-problem'; problem: LinkProblem };

async function deliveryFor(deps: AcknowledgementDeps, token: string | undefined) {
  const now = (deps.now ?? (() => new Date()))();
  const check = deps.signer.verify(token, 'acknowledge', now);
  if (!check.ok) return { outcome: 'link-problem', problem: check.reason } as LinkFailure;
  const row = await deps.deliveries.get(check.claims.subject);
  // Only a briefing that was sent can be read; an erased or unknown row gives the same answer.
  if (!row || row.status !== 'SENT' || row.kind !== 'briefing' || row.erasedAt) return { outcome: 'link-problem', problem: 'unknown' } as LinkFailure;
  const snapshot = await deps.briefings.get(briefingIdOf(row.findingId, row.version));
  // A withdrawn briefing is not to be used: nothing to acknowledge.
  if (snapshot?.withdrawnAt) return { outcome: 'link-problem', problem: 'stale' } as LinkFailure;
  return { outcome: 'ok' as const, row, title: snapshot?.finding.title ?? 'this briefing', now };
}

export async function acknowledgementPageFor(deps: AcknowledgementDeps, token: string | undefined) {
  const found = await deliveryFor(deps, token);
  if (found.outcome !== 'ok') return found;
  return { outcome: 'ask' as const, title: found.title, already: Boolean(found.row.acknowledgedAt), answered: Boolean(found.row.answered) };
}

export function checkAnswer(raw: string | null | undefined): { ok: true; answer: string } | { ok: false; error: string } {
  const answer = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (answer.length > ANSWER_MAX_CHARS) {
    return { ok: false, error: `Your answer is ${answer.length} characters: keep it to one line of ${ANSWER_MAX_CHARS} at most.` };
  }
  const hidden = hiddenCharacterProblem('Your answer', answer);
  return hidden ? { ok: false, error: hidden } : { ok: true, answer };
}

export async function acknowledge(deps: AcknowledgementDeps, token: string | undefined, rawAnswer: string | null | undefined) {
  const found = await deliveryFor(deps, token);
  if (found.outcome !== 'ok') return found;
  const checked = checkAnswer(rawAnswer);
  if (!checked.ok) return { outcome: 'invalid' as const, title: found.title, error: checked.error, answer: rawAnswer ?? '' };
  const recorded = await deps.deliveries.acknowledge(found.row.deliveryId, found.now);
  if (!recorded) return { outcome: 'link-problem', problem: 'unknown' } as LinkFailure;
  let answered = false;
  let masked = false;
  // One answer per delivery: the row remembers that one was given, the answer itself is kept apart,
  // under a random id and with the day only, so it cannot be joined back to the row or the person.
  if (checked.answer && (await deps.deliveries.markAnswered(recorded.row.deliveryId))) {
    const row = recorded.row;
    const screened = screenText('answer', checked.answer, await gateLists(deps.settings));
    masked = screened.rules.length > 0;
    await deps.responses.put({
      responseId: randomUUID(),
      briefingId: row.briefingId,
      findingId: row.findingId,
      agency: row.ackAgency ?? row.agency,
      role: row.ackRole ?? row.role,
      answer: screened.text,
      at: found.now.toISOString().slice(0, 10),
    });
    answered = true;
  }
  return { outcome: 'acknowledged' as const, title: found.title, first: recorded.first, answered, masked, alreadyAnswered: Boolean(checked.answer) && !answered };
}
