import { WITHHELD_ID, hasIdShape, idGateHits, loggableId, loggableLedgerId, shownId } from '../../shared/core/finding/finding-id';
import type { FieldError } from '../../shared/core/finding/finding';
import type { HeldProblem } from '../../shared/render/email/notices';
import { planBriefing, type PlanDeps } from '../../shared/flows/publish/plan-briefing';
import { sample } from '../support/findings';

/**
 * A finding's id is used before the finding is validated (the write-back onto the item, the
 * admin's email, log lines) and afterwards in every briefing, delivery and ledger key. It
 * must have a safe shape, pass the anonymisation gate like any text ('review-9434765919'
 * ends in a valid NHS number), and appear in a log only once it has passed both.
 */

const NHS = '9434765919';
const APPROVED = { ...sample, approvedBy: 'Chair, Learning and Development Group' };

describe('the id rules', () => {
  test.each(['jtai-mash-2022', 'cpie_2022.v2', 'A', 'x'.repeat(100)])('%s has the safe shape', (id) => {
    expect(hasIdShape(id)).toBe(true);
  });

  test.each(['', '-leading-dash', 'has space', 'jane@example.org', 'x'.repeat(101), 'caf\u00e9', 'a#b', 'line\nbreak'])('%p does not', (id) => {
    expect(hasIdShape(id)).toBe(false);
  });

  test('the gate reads an id like any text: an NHS number at its end is blocked', () => {
    expect(idGateHits(`review-${NHS}`).map((hit) => hit.rule)).toEqual(['nhs-number']);
    expect(idGateHits('jtai-mash-solihull-2022')).toEqual([]);
  });

  test("the deployment's deny list applies to ids too", () => {
    expect(idGateHits('oakwood-school-audit', ['Oakwood']).map((hit) => hit.rule)).toEqual(['deny-list']);
  });
});

describe('what a log line may carry', () => {
  test('a validated id the gate finds nothing in', () => {
    expect(loggableId('jtai-mash-solihull-2022')).toBe('jtai-mash-solihull-2022');
  });

  test.each([`review-${NHS}`, 'jane.smith@example.org', 'has space', 42, undefined, 'x'.repeat(101)])('not %p: a fixed stand-in instead', (id) => {
    expect(loggableId(id)).toBe(WITHHELD_ID);
  });

  test('nor an id on the deny list', () => {
    expect(loggableId('oakwood-school-audit', ['Oakwood'])).toBe(WITHHELD_ID);
  });

  test('ledger and briefing ids only in the shapes this code writes, with a loggable finding id', () => {
    const key = 'a1b2c3d4e5f60718293a4b5c';
    for (const id of [`jtai-2022#v1#${key}`, `jtai-2022#withdrawn#${key}`, `digest#2026-W48#${key}`, 'jtai-2022#v12']) expect(loggableLedgerId(id)).toBe(id);
    for (const id of [`review-${NHS}#v1#${key}`, `jtai-2022#v1#jane@example.org`, 'jtai-2022', `jtai-2022#v1#${key}#extra`, `a b#v1#${key}`, 42]) {
      expect(loggableLedgerId(id)).toBe(WITHHELD_ID);
    }
  });
});

describe('the id in the admin email', () => {
  test('what the gate found is masked, and characters outside the safe set are not repeated', () => {
    const id = `review-${NHS}`;
    const shown = shownId(id, idGateHits(id));
    expect(shown).not.toContain(NHS);
    expect(shown).not.toMatch(/\d{3}/);
    expect(shown.startsWith('review-')).toBe(true);
    expect(shownId('jane smith@example.org', [])).toBe('jane?smith?example.org');
  });
});

function recordingDeps(denyList: string[] = [], allowList: string[] = []) {
  const held: { id: string; errors: FieldError[] }[] = [];
  const told: { id: string; problems: readonly HeldProblem[] }[] = [];
  const refuse = (name: string) =>
    new Proxy({}, { get: (_t, method) => () => Promise.reject(new Error(`this finding must not reach ${name}.${String(method)}`)) });
  const deps = {
    findings: {
      markHeld: async (id: string, _v: unknown, errors: FieldError[]) => (held.push({ id, errors }), true),
      markAdminTold: async () => undefined,
    },
    admin: { held: async (id: string, _v: unknown, problems: readonly HeldProblem[]) => void told.push({ id, problems }) },
    settings: { denyList: async () => denyList, setDenyList: async () => undefined, allowList: async () => allowList, setAllowList: async () => undefined },
    lists: refuse('lists'),
    briefings: refuse('briefings'),
    deliveries: refuse('deliveries'),
    subscribers: refuse('subscribers'),
    suppressions: refuse('suppressions'),
  } as unknown as PlanDeps;
  return { deps, held, told };
}

describe("plan-briefing and the deployment's allow list", () => {
  const named = { ...APPROVED, id: 'national-review-2021', whyItMatters: 'The national review of the deaths of Arthur Testcase and Star Examplechild found the same gaps.' };

  test("a person's name in the text is held, masked", async () => {
    const { deps, held } = recordingDeps();
    await planBriefing(deps, undefined, named);
    expect(held[0]!.errors.map((e) => e.message)).toEqual([
      expect.stringContaining("whyItMatters, character 38: what looks like a person's name (A••••• T•••••••)"),
      expect.stringContaining("what looks like a person's name (S••• E•••••••••••)"),
    ]);
  });

  test('names on the allow list pass the gate, and planning goes on to the audience', async () => {
    const { deps, held } = recordingDeps([], ['Arthur Testcase', 'star examplechild']);
    // Past the gate, planning reads the stores, which this test refuses: proof it was not held.
    await expect(planBriefing(deps, undefined, named)).rejects.toThrow(/must not reach/);
    expect(held).toEqual([]);
  });
});

describe('plan-briefing and the id', () => {
  test(`an id ending in a valid NHS number ('review-${NHS}') is held before anything is written for sending`, async () => {
    const { deps, held, told } = recordingDeps();
    const outcome = await planBriefing(deps, undefined, { ...APPROVED, id: `review-${NHS}` });
    expect(outcome).toMatchObject({ outcome: 'held' });
    expect(outcome.checkedId).toBeUndefined();
    // Written back onto the item under its own key, naming the id as the field.
    expect(held[0]!.id).toBe(`review-${NHS}`);
    expect(held[0]!.errors[0]).toEqual({ field: 'id', message: expect.stringContaining('an NHS number') });
    expect(JSON.stringify(held[0]!.errors)).not.toContain(NHS);
    // The admin email names the finding with the number masked.
    expect(told[0]!.id).not.toContain(NHS);
    expect(JSON.stringify(told[0])).not.toContain(NHS);
  });

  test('an id on the deny list is held too', async () => {
    const { deps, held } = recordingDeps(['Oakwood']);
    await planBriefing(deps, undefined, { ...APPROVED, id: 'oakwood-school-audit' });
    expect(held[0]!.errors[0]).toEqual({ field: 'id', message: expect.stringContaining('deny list') });
  });

  test('an id of the wrong shape is held with the rule, and the admin email does not repeat it', async () => {
    const { deps, held, told } = recordingDeps();
    const outcome = await planBriefing(deps, undefined, { ...APPROVED, id: 'jane.smith@example.org' });
    expect(outcome).toMatchObject({ outcome: 'held' });
    expect(outcome.checkedId).toBeUndefined();
    expect(held[0]!.errors.map((e) => e.field)).toEqual(['id']);
    expect(told[0]!.id).not.toContain('@');
  });

  test('a held finding with a good id carries it for the logs', async () => {
    const { deps } = recordingDeps();
    const outcome = await planBriefing(deps, undefined, { ...sample, id: 'jtai-mash-2022' });
    expect(outcome).toMatchObject({ outcome: 'held', checkedId: 'jtai-mash-2022' });
  });

  test('a withdrawal of an id that never had the shape planning requires touches nothing', async () => {
    const { deps } = recordingDeps();
    const outcome = await planBriefing(deps, { ...APPROVED, id: 'a b' }, { ...APPROVED, id: 'a b', status: 'withdrawn' });
    expect(outcome).toEqual({ outcome: 'ignored', reason: 'id-not-valid' });
  });
});
