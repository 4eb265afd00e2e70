import { briefingTrigger, type Item } from '../../shared/core/finding/publication';

/**
 * Only a transition starts a briefing, so editing a published finding never resends it,
 * and the pipeline's own write-backs never retrigger it (that would loop forever).
 */

const published: Item = {
  id: 'jtai-mash-2022',
  status: 'published',
  version: 1,
  title: 'The front door',
  topics: new Set(['thresholds_mash', 'voice_of_child']),
  agencies: new Set(['csc', 'police']),
  findings: ['Children waited too long for initial risk to be assessed.'],
  source: { type: 'jtai', name: 'JTAI of a MASH', published: '2022-02' },
};
const draft: Item = { ...published, status: 'draft' };
/** What the item looks like once the pipeline has planned version 1. */
const planned: Item = { ...published, pipelineStatus: 'planned', pipelineVersion: 1, pipelineAt: '2024-01-01T10:00:00.000Z' };
const held: Item = {
  ...published,
  pipelineStatus: 'held',
  pipelineMessage: 'Not sent: 1 problem(s) to fix.',
  pipelineErrors: ["topics[0]: 'neglct' is not a known topic. Did you mean 'neglect'?"],
  pipelineVersion: 1,
  pipelineAt: '2024-01-01T10:00:00.000Z',
};

describe('briefingTrigger', () => {
  test('inserted as published: act', () => {
    expect(briefingTrigger(undefined, published)).toEqual({ act: true, reason: 'published' });
  });

  test('inserted as draft: no act', () => {
    expect(briefingTrigger(undefined, draft)).toEqual({ act: false, reason: 'not-published' });
  });

  test('draft → published: act', () => {
    expect(briefingTrigger(draft, published)).toEqual({ act: true, reason: 'published' });
  });

  test('withdrawn → published: act', () => {
    expect(briefingTrigger({ ...published, status: 'withdrawn' }, published)).toEqual({ act: true, reason: 'published' });
  });

  test('published and planned, same version, content edited: no act', () => {
    expect(briefingTrigger(planned, { ...planned, title: 'The front door (typo fixed)' })).toEqual({ act: false, reason: 'no-transition' });
  });

  test('published, edited before the pipeline planned it: act (planning is idempotent)', () => {
    expect(briefingTrigger(published, { ...published, title: 'The front door (typo fixed)' })).toEqual({ act: true, reason: 'edited' });
  });

  test('planned for an earlier version only: an edit acts, since this version was never planned', () => {
    const stale: Item = { ...planned, version: 2, pipelineVersion: 1 };
    expect(briefingTrigger(stale, { ...stale, title: 'Edited' })).toEqual({ act: true, reason: 'edited' });
  });

  test('a fix saved before the held write-back still acts', () => {
    expect(briefingTrigger(published, { ...published, topics: new Set(['neglect']) })).toEqual({ act: true, reason: 'edited' });
  });

  test('version goes up while published: reissued', () => {
    expect(briefingTrigger(published, { ...published, version: 2 })).toEqual({ act: true, reason: 'reissued' });
  });

  test('version goes down: act, so that it is held saying so (nothing is sent)', () => {
    expect(briefingTrigger({ ...published, version: 3 }, { ...published, version: 2 })).toEqual({ act: true, reason: 'version-lowered' });
  });

  test("'Published' in another case counts as published, so it is held with the fix rather than ignored", () => {
    expect(briefingTrigger(draft, { ...published, status: 'Published' })).toEqual({ act: true, reason: 'published' });
  });

  test('becoming withdrawn (any case, from any status) acts: the briefings table says whether anything went out', () => {
    expect(briefingTrigger(published, { ...published, status: 'withdrawn' })).toEqual({ act: true, reason: 'withdrawn' });
    expect(briefingTrigger(published, { ...published, status: 'Withdrawn' })).toEqual({ act: true, reason: 'withdrawn' });
    // Published, then set back to draft, then withdrawn: what went out must still be withdrawn.
    expect(briefingTrigger(draft, { ...draft, status: 'withdrawn' })).toEqual({ act: true, reason: 'withdrawn' });
    // Already withdrawn (the case fixed, or an edit): nothing new.
    expect(briefingTrigger({ ...published, status: 'Withdrawn' }, { ...published, status: 'withdrawn' })).toEqual({ act: false, reason: 'not-published' });
    expect(briefingTrigger(undefined, { ...draft, status: 'withdrawn' })).toEqual({ act: false, reason: 'not-published' });
  });

  test('published → draft: no act', () => {
    expect(briefingTrigger(published, draft)).toEqual({ act: false, reason: 'not-published' });
  });

  test('held, then the admin changes content: act', () => {
    expect(briefingTrigger(held, { ...held, topics: new Set(['neglect']) })).toEqual({ act: true, reason: 'edited' });
  });

  test('held, and only pipeline attributes change: no act (no loop on the pipeline’s own write-back)', () => {
    const heldAgain: Item = { ...held, pipelineAt: '2024-01-01T10:00:05.000Z', pipelineMessage: 'Not sent: 2 problem(s) to fix.', pipelineErrors: ['a', 'b'] };
    expect(briefingTrigger(held, heldAgain)).toEqual({ act: false, reason: 'no-transition' });
    const planned: Item = { ...held, pipelineStatus: 'planned', pipelineErrors: [], pipelineAt: '2024-01-01T10:00:05.000Z' };
    expect(briefingTrigger(held, planned)).toEqual({ act: false, reason: 'no-transition' });
  });

  test('the first hold write-back onto a published item does not act', () => {
    expect(briefingTrigger(published, held)).toEqual({ act: false, reason: 'no-transition' });
  });

  test("a version typed as the string '2' against number 1: reissued", () => {
    expect(briefingTrigger(published, { ...published, version: '2' })).toEqual({ act: true, reason: 'reissued' });
  });

  test("a version retyped from number 1 to the string '1' is not a re-issue", () => {
    expect(briefingTrigger(planned, { ...planned, version: '1' })).toEqual({ act: false, reason: 'no-transition' });
  });

  test('string sets compare equal whatever their order', () => {
    const reordered: Item = {
      ...held,
      topics: new Set(['voice_of_child', 'thresholds_mash']),
      agencies: new Set(['police', 'csc']),
      pipelineAt: '2024-01-01T10:00:05.000Z',
    };
    expect(briefingTrigger(held, reordered)).toEqual({ act: false, reason: 'no-transition' });
  });

  test('nested maps compare equal whatever their key order', () => {
    const withSource: Item = { ...held, source: { type: 'jtai', name: 'Front door', published: '2022-02' } };
    const reordered: Item = { ...withSource, source: { published: '2022-02', name: 'Front door', type: 'jtai' } };
    expect(briefingTrigger(withSource, reordered)).toEqual({ act: false, reason: 'no-transition' });
  });

  test('after the version was lowered below one already sent, an edit does not act', () => {
    const lowered: Item = { ...planned, version: 2, pipelineVersion: 3 };
    expect(briefingTrigger(lowered, { ...lowered, title: 'Typo fixed' })).toEqual({ act: false, reason: 'no-transition' });
  });

  test('an edit that makes the version unreadable on a sent finding does not act', () => {
    expect(briefingTrigger(planned, { ...planned, version: 'two' })).toEqual({ act: false, reason: 'no-transition' });
  });

  test('numbers too large for JSON (BigInt from a stream image) compare without throwing', () => {
    const big: Item = { ...published, extra: BigInt('90071992547409930') };
    expect(briefingTrigger(big, { ...big, extra: BigInt('90071992547409931') })).toEqual({ act: true, reason: 'edited' });
  });

  test('a changed string set counts as a content change', () => {
    expect(briefingTrigger(held, { ...held, agencies: new Set(['csc', 'police', 'health']) })).toEqual({ act: true, reason: 'edited' });
  });
});
