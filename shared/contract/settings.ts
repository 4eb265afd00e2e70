/**
 * A deployment's settings, read one way wherever they are given: CDK context or environment at
 * synth (infra/app.ts), the stack's props (infra/stack.ts), a function's environment at start-up
 * (shared/contract/function-config.ts) and the local default (infra/local/). Each reader says where the value came
 * from (`MAX_SEND_RATE=fast`, `maxSendRate 'fast'`) and gets the same rule and the same fix.
 */

/** SES's maximum send rate for a new production account, in emails per second. */
export const DEFAULT_MAX_SEND_RATE = 14;
export const DEFAULT_RETENTION_DAYS = 730;
/** Reminders to acknowledge are off unless a deployment asks for them. */
export const DEFAULT_REMINDER_AFTER_DAYS = 0;
/** Named in the From header, the emails' footers and the pages when a deployment does not say. */
export const DEFAULT_PARTNERSHIP_NAME = 'Safeguarding Children Partnership';
export const PARTNERSHIP_NAME_MAX_CHARS = 100;
/** The made-up partnership of the local default, the demo data and example synths. */
export const EXAMPLE_PARTNERSHIP_NAME = 'Exampleshire Safeguarding Children Partnership';

export type SettingRead<T> = { ok: true; value: T } | { ok: false; problem: string };

const problem = (message: string): SettingRead<never> => ({ ok: false, problem: message });

/** Emails per second, 1 or more (fractions allowed: 1.5/s is a rate). */
export function readSendRate(where: string, raw: string | number): SettingRead<number> {
  const value = typeof raw === 'number' ? raw : Number(raw.trim());
  if ((typeof raw === 'string' && raw.trim() === '') || !Number.isFinite(value) || value < 1) {
    return problem(
      `${where} is not a send rate: use emails per second, 1 or more, for example 14 (the SES maximum send rate shown in the SES console; 1 in the SES sandbox).`,
    );
  }
  return { ok: true, value };
}

/** A whole number, `least` or more, of `what` ('days', 'instances'). */
export function readWholeNumber(where: string, raw: string | number, least: number, what: string): SettingRead<number> {
  const value = typeof raw === 'number' ? raw : Number(raw.trim());
  if ((typeof raw === 'string' && raw.trim() === '') || !Number.isInteger(value) || value < least) {
    return problem(`${where} is not a number of ${what}: use a whole number, ${least} or more.`);
  }
  return { ok: true, value };
}

/** The partnership's name as people write it: one line of text, up to 100 characters. */
export function readPartnershipName(where: string, raw: string): SettingRead<string> {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (value === '') return problem(`${where} is empty: give the partnership's name, for example "Exampleshire Safeguarding Children Partnership".`);
  if (/[\p{Cc}\p{Cf}]/u.test(raw.replace(/[\t\n\r]/g, ' '))) {
    return problem(`${where} contains a control or invisible character: type the partnership's name as plain text.`);
  }
  if ([...value].length > PARTNERSHIP_NAME_MAX_CHARS) {
    return problem(`${where} is ${[...value].length} characters: the most is ${PARTNERSHIP_NAME_MAX_CHARS}. Use the name people know the partnership by.`);
  }
  return { ok: true, value };
}
