import type { GateHit, GateRule } from '../domain/anonymisation';
import type { FieldError } from '../domain/finding';
import { composeBriefingMime } from '../domain/mime';
import { heldNotice, withoutQuotedValues, type HeldProblem } from '../domain/notices';
import type { Mailer } from '../domain/ports';

/** Tells the partnership's admin mailbox that a finding was held: what is wrong and how to fix it. */
export interface AdminNotifier {
  held(findingId: string, version: number | undefined, problems: readonly HeldProblem[]): Promise<void>;
}

const RULE_WHAT: Record<GateRule, string> = {
  'nhs-number': 'what looks like an NHS number',
  'ni-number': 'what looks like a National Insurance number',
  postcode: 'what looks like a postcode',
  date: 'an exact date (possibly a date of birth)',
  phone: 'what looks like a phone number',
  email: 'an email address',
  'deny-list': "a word or name on this partnership's deny list",
};

/** Where and which rule, never the match, not even masked. */
export const gateProblem = (hit: GateHit): HeldProblem => ({
  field: hit.field,
  what: `${RULE_WHAT[hit.rule]} at character ${hit.position + 1}. Remove it or describe it without the detail.`,
});

export const validationProblem = (error: FieldError): HeldProblem => ({ field: error.field, what: withoutQuotedValues(error.message) });

export function emailAdminNotifier(mailer: Mailer, from: string, adminAddress: string): AdminNotifier {
  return {
    async held(findingId, version, problems) {
      const raw = await composeBriefingMime({ from, to: { name: '', email: adminAddress }, rendered: heldNotice(findingId, version, problems) });
      await mailer.sendRaw(raw);
    },
  };
}
