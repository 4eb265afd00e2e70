import type { GateHit, GateRule } from '../../core/gate/anonymisation';
import type { FieldError } from '../../core/finding/finding';
import { AGENCY_IDS, ALL_AGENCIES } from '../../core/taxonomy';
import { composeBriefingMime } from '../../render/email/mime';
import { heldNotice, type HeldProblem } from '../../render/email/notices';
import type { Mailer } from '../../core/ports';

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
  'person-name': "what looks like a person's name (write a role instead, or add a public name to the allow list)",
};

/** Where and which rule, never the match, not even masked. */
export const gateProblem = (hit: GateHit): HeldProblem => ({
  field: hit.field,
  what: `${RULE_WHAT[hit.rule]} at character ${hit.position + 1}. Remove it or describe it without the detail.`,
});

const ACTION_KEYS = [ALL_AGENCIES, ...AGENCY_IDS];

/** A field path as the schema names it; a key someone typed (an unknown agency in actions) is not repeated. */
function safeField(field: string): string {
  const match = /^([A-Za-z]+)((?:\[\d+\])?)(?:\.([A-Za-z_]+))?((?:\[\d+\])?)(?:\.([A-Za-z]+))?$/.exec(field);
  if (!match) return 'a field';
  const [, top, , key] = match;
  // Under actions the key is whatever was typed: only a known agency (or all) is repeated.
  if (top === 'actions' && key !== undefined && !(ACTION_KEYS as readonly string[]).includes(key)) return 'actions (an unknown agency key)';
  return field;
}

/**
 * Validation messages can quote what was typed (even a name typed into the wrong field), so
 * the email names the field and where to read the fix, not the message.
 */
export const validationProblem = (error: FieldError): HeldProblem => ({
  field: safeField(error.field),
  what: 'is missing or not valid. The fix is on the item (pipelineErrors) and in `findings show`.',
});

/** Messages the pipeline wrote itself (approval, version): they quote nothing typed. */
export const ownProblem = (error: FieldError): HeldProblem => ({ field: error.field, what: error.message });

export function emailAdminNotifier(mailer: Mailer, from: string, adminAddress: string): AdminNotifier {
  return {
    async held(findingId, version, problems) {
      const raw = await composeBriefingMime({ from, to: { name: '', email: adminAddress }, rendered: heldNotice(findingId, version, problems) });
      await mailer.sendRaw(raw);
    },
  };
}
