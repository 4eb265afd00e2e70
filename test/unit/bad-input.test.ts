import { AGENCY_IDS } from '../../shared/core/taxonomy';
import { scanFinding } from '../../shared/core/gate/anonymisation';
import { renderBriefing } from '../../shared/render/email/briefing';
import { parseFinding, type FieldError } from '../../shared/core/finding/finding';
import { heldNotice, type HeldProblem } from '../../shared/render/email/notices';
import { briefingTrigger } from '../../shared/core/finding/publication';
import { planBriefing, type PlanDeps } from '../../shared/flows/publish/plan-briefing';
import {
  FAKE_NHS_NUMBER,
  IMG,
  SCRIPT,
  badInputs,
  fakeNhsNumber,
  scriptInput,
  type BadInput,
} from '../fixtures/bad-input/corpus';
import { isValidNhsNumber } from '../../shared/core/gate/patterns';

/**
 * Every slip in the bad-input corpus is a field-level error that names the field and
 * says what to fix, at the step of plan-briefing that is meant to catch it; and
 * plan-briefing holds it before anything is written for sending. Markup typed into the
 * text is not a slip: it parses, and the renderer escapes it.
 */

const cases = badInputs.map((c) => [c.name, c] as const);
const gateCases = badInputs.filter((c) => c.stage === 'gate').map((c) => [c.name, c] as const);

/** Personal values in every form a message might repeat them: as typed, and digits only. */
const formsOf = (value: string) => [value, value.replace(/[^0-9A-Za-z@.]/g, '')].filter((form) => form.length >= 4);

const hasError = (errors: readonly FieldError[], c: BadInput) =>
  expect(errors).toEqual(expect.arrayContaining([{ field: c.field, message: expect.stringContaining(c.message) }]));

/** The error(s) each stage reports, computed with the domain function that owns the rule. */
function domainErrors(c: BadInput): FieldError[] {
  const parsed = parseFinding(c.item);
  switch (c.stage) {
    case 'schema':
      if (parsed.ok) throw new Error(`${c.name}: expected parseFinding to reject it`);
      return parsed.errors;
    case 'approval':
      if (!parsed.ok) throw new Error(`${c.name}: expected it to parse: ${JSON.stringify(parsed.errors)}`);
      // What plan-briefing checks: a parsed, published finding without approvedBy is held.
      expect(parsed.finding.approvedBy).toBeUndefined();
      return [];
    case 'version':
      if (!parsed.ok) throw new Error(`${c.name}: expected it to parse: ${JSON.stringify(parsed.errors)}`);
      expect(briefingTrigger(c.old, c.item)).toEqual({ act: true, reason: 'version-lowered' });
      return [];
    case 'gate': {
      if (!parsed.ok) throw new Error(`${c.name}: expected it to parse: ${JSON.stringify(parsed.errors)}`);
      expect(parsed.finding.approvedBy).toBeTruthy();
      const gate = scanFinding(parsed.finding, []);
      return gate.blocked.map((hit) => ({ field: hit.field, message: hit.message }));
    }
  }
}

/** Dependencies for planBriefing that record a hold, and fail the test if anything else is touched. */
function holdOnlyDeps() {
  const held: { id: string; version: number | undefined; errors: FieldError[] }[] = [];
  const notices: { id: string; version: number | undefined; problems: readonly HeldProblem[] }[] = [];
  const untouchable = <T extends object>(name: string): T =>
    new Proxy({} as T, {
      get: (_target, method) => () => {
        throw new Error(`a held finding must not reach ${name}.${String(method)}`);
      },
    });
  const deps: PlanDeps = {
    findings: {
      ...untouchable<PlanDeps['findings']>('findings'),
      markHeld: async (id, version, errors) => {
        held.push({ id, version, errors });
        return true;
      },
      markAdminTold: async () => undefined,
    },
    admin: {
      held: async (id, version, problems) => {
        notices.push({ id, version, problems });
      },
    },
    settings: { denyList: async () => [], setDenyList: async () => undefined, allowList: async () => [], setAllowList: async () => undefined },
    lists: untouchable('lists'),
    briefings: untouchable('briefings'),
    deliveries: untouchable('deliveries'),
    subscribers: untouchable('subscribers'),
    suppressions: untouchable('suppressions'),
    now: () => new Date('2024-01-01T10:00:00.000Z'),
  };
  return { deps, held, notices };
}

describe('the corpus is what it says it is', () => {
  test('the fake NHS number passes the mod-11 check, so the gate must block it', () => {
    expect(isValidNhsNumber(FAKE_NHS_NUMBER)).toBe(true);
    expect(FAKE_NHS_NUMBER.startsWith('999')).toBe(true);
    // The helper steps past nine digits whose check digit would be 10.
    for (const nine of ['999000000', '999000001', '999123456', '999999990']) expect(isValidNhsNumber(fakeNhsNumber(nine))).toBe(true);
  });

  test('names are unique and every item is published', () => {
    expect(new Set(badInputs.map((c) => c.name)).size).toBe(badInputs.length);
    for (const c of badInputs) expect(String(c.item.status).toLowerCase()).toBe('published');
  });
});

describe('each slip is a field-level error naming the field', () => {
  test.each(cases)('%s', (_name, c) => {
    // A slip is never silently ignored: the change is acted on, so it can be held.
    expect(briefingTrigger(c.old, c.item).act).toBe(true);
    const errors = domainErrors(c);
    if (c.stage === 'schema' || c.stage === 'gate') hasError(errors, c);
    for (const error of errors) {
      expect(error.field).not.toBe('');
      expect(error.message).not.toBe('');
    }
  });
});

describe('plan-briefing holds each slip before anything is written for sending', () => {
  test.each(cases)('%s', async (_name, c) => {
    const { deps, held, notices } = holdOnlyDeps();
    const outcome = await planBriefing(deps, c.old, c.item);
    expect(outcome).toMatchObject({ outcome: 'held' });
    if (outcome.outcome !== 'held') return;
    hasError(outcome.errors, c);
    expect(held).toHaveLength(1);
    hasError(held[0]!.errors, c);
    // The admin is told once, naming the field.
    expect(notices).toHaveLength(1);
    // A typed actions key is not repeated in the email (it could be anything, even a name).
    const typedKey = /^actions\.([^.[]+)/.exec(c.field)?.[1];
    const expectedField = typedKey && !['all', ...AGENCY_IDS].includes(typedKey) ? 'actions (an unknown agency key)' : c.field;
    expect(notices[0]!.problems.map((p) => p.field)).toContain(expectedField);
  });
});

describe('the gate never repeats the personal value it found', () => {
  test.each(gateCases)('%s', async (_name, c) => {
    const offending = c.offending!;
    expect(JSON.stringify(c.item)).toContain(offending); // the case really carries it
    const messages = domainErrors(c).map((e) => `${e.field} ${e.message}`);
    expect(messages.length).toBeGreaterThan(0);

    const { deps, held, notices } = holdOnlyDeps();
    await planBriefing(deps, c.old, c.item);
    const notice = heldNotice(String(c.item.id), 1, notices[0]!.problems);
    const everything = [
      ...messages,
      ...held.flatMap((h) => h.errors.map((e) => `${e.field}: ${e.message}`)),
      notice.subject,
      notice.text,
      notice.html,
    ];
    for (const text of everything) for (const form of formsOf(offending)) expect(text).not.toContain(form);
  });
});

describe('markup typed into the text is sent, escaped', () => {
  const reader = { name: 'Reader <b>Example</b>', agency: 'police', role: 'frontline' } as const;
  const links = { unsubscribeUrl: 'https://www.example.org/unsubscribe?t=x' };

  test('it parses, is approved, passes the gate and is acted on: it is not held', () => {
    const parsed = parseFinding(scriptInput);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.finding.approvedBy).toBeTruthy();
    expect(scanFinding(parsed.finding, []).blocked).toEqual([]);
    expect(briefingTrigger(undefined, scriptInput)).toEqual({ act: true, reason: 'published' });
  });

  test('the HTML part carries it only as escaped text; the text part carries it literally', () => {
    const parsed = parseFinding(scriptInput);
    if (!parsed.ok) throw new Error('scriptInput must parse');
    const { html, text, subject } = renderBriefing(parsed.finding, reader, links);

    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b>/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // 'onerror=' is left only inside the escaped text, never inside a tag.
    expect(html.split('&lt;img src=x onerror=alert(1)&gt;').join('')).not.toContain('onerror');
    // In the title, the heading, and the actions for everyone.
    expect(html).toContain('<title>National review: Escaping check &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(html).toContain('Escaping check &lt;script&gt;');
    expect(html).toContain('Record who raised a concern. &lt;img src=x onerror=alert(1)&gt;');

    expect(text).toContain(`Escaping check ${SCRIPT}`);
    expect(text).toContain(`- Record who raised a concern. ${IMG}`);
    expect(text).toContain(`- Share it the same day. ${SCRIPT}`);
    expect(text).toContain(IMG);
    expect(subject).toBe(`National review: Escaping check ${SCRIPT}`);
    expect(subject).not.toMatch(/[\r\n]/);
  });
});
