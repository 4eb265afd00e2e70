import { recipientKey } from '../../shared/core/audience';
import {
  ALL_TOPICS,
  formFields,
  maskEmail,
  newSubscriber,
  parseForm,
  preferencesSchema,
  subscribeRequestSchema,
  subscriberSchema,
  wantsTopics,
  type SubscribeRequest,
} from '../../shared/core/subscriber';

/** A form as formFields gives it: single fields as strings, `topics` as a list. */
const form = (overrides: Record<string, string | string[] | undefined> = {}): Record<string, unknown> => {
  const fields: Record<string, string | string[] | undefined> = {
    email: 'alex.example@example.org',
    agency: 'police',
    role: 'frontline',
    topics: ['neglect', 'domestic_abuse'],
    frequency: 'weekly',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
};
const body = (query: string) => formFields(new URLSearchParams(query));

function parsed(input: Record<string, unknown>): SubscribeRequest {
  const result = parseForm(subscribeRequestSchema, input);
  if (!result.ok) throw new Error(`expected a valid form, got ${JSON.stringify(result.errors)}`);
  return result.value;
}
function errorsOf(input: Record<string, unknown>) {
  const result = parseForm(subscribeRequestSchema, input);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}
const messageFor = (input: Record<string, unknown>, field: string) => errorsOf(input).find((e) => e.field === field)?.message;

describe('formFields', () => {
  it('keeps repeated topics as a list, in order, and other fields as their first value', () => {
    expect(body('email=alex.example%40example.org&agency=police&agency=health&role=dsl&topics=neglect&topics=safe_sleep&frequency=weekly')).toEqual({
      email: 'alex.example@example.org',
      agency: 'police',
      role: 'dsl',
      topics: ['neglect', 'safe_sleep'],
      frequency: 'weekly',
    });
  });

  it('a single topic is still a list', () => {
    expect(body('topics=neglect').topics).toEqual(['neglect']);
  });

  it('fields the form did not send are absent, and an empty field is an empty string', () => {
    const fields = body('email=&agency=police');
    expect(fields).toEqual({ email: '', agency: 'police' });
    expect('topics' in fields).toBe(false);
  });

  it('a body of repeated topics parses end to end, with All topics winning', () => {
    const value = parsed(body('email=Alex.Example%40Example.org&agency=police&role=frontline&frequency=weekly&topics=neglect&topics=all&topics=safe_sleep'));
    expect(value.topics).toBe(ALL_TOPICS);
    expect(value.email).toBe('alex.example@example.org');
  });

  it('a body with repeated known topics parses to the de-duplicated list', () => {
    const value = parsed(body('email=alex.example%40example.org&agency=police&role=frontline&frequency=immediately&topics=neglect&topics=safe_sleep&topics=neglect'));
    expect(value.topics).toEqual(['neglect', 'safe_sleep']);
    expect(value.frequency).toBe('immediately');
  });
});

describe('parseForm(subscribeRequestSchema): valid input', () => {
  it('accepts a complete form', () => {
    expect(parsed(form())).toEqual({
      email: 'alex.example@example.org',
      agency: 'police',
      role: 'frontline',
      topics: ['neglect', 'domestic_abuse'],
      frequency: 'weekly',
    });
  });

  it.each(['  Alex.Example@Example.ORG  ', 'ALEX.EXAMPLE@EXAMPLE.ORG', '\tAlex.Example@example.org\n'])('normalises case and surrounding spaces (case %#)', (email) => {
    expect(parsed(form({ email })).email).toBe('alex.example@example.org');
  });

  it.each([
    [['all']],
    [['neglect', 'all']],
    [['all', 'neglect', 'safe_sleep']],
    [[' all ']],
    ['all'],
  ])('"all" among topics %p wins', (topics) => {
    expect(parsed(form({ topics })).topics).toBe(ALL_TOPICS);
  });

  it('trims and de-duplicates topics and drops blank ones', () => {
    expect(parsed(form({ topics: [' neglect ', 'neglect', '', 'safe_sleep'] })).topics).toEqual(['neglect', 'safe_sleep']);
  });

  it('a single topic sent as a string is a one-item list', () => {
    expect(parsed(form({ topics: 'neglect' })).topics).toEqual(['neglect']);
  });

  it('the preferences form is the same without an email', () => {
    const result = parseForm(preferencesSchema, form({ email: undefined }));
    expect(result).toEqual({ ok: true, value: { agency: 'police', role: 'frontline', topics: ['neglect', 'domestic_abuse'], frequency: 'weekly' } });
  });
});

describe('parseForm(subscribeRequestSchema): errors', () => {
  it('an unknown topic gives one error on topics', () => {
    const errors = errorsOf(form({ topics: ['neglect', 'neglct'] }));
    expect(errors.filter((e) => e.field === 'topics')).toHaveLength(1);
    expect(errors.map((e) => e.field)).toEqual(['topics']);
  });

  // SOURCE BUG (shared/core/subscriber.ts:35, topicChoice): zod 4's z.union([z.literal('all'), z.array(knownId(...))])
  // reports a failed array branch as one `invalid_union` issue whose message is "Invalid input", so knownId's
  // "'neglct' is not a known topic. Did you mean 'neglect'?" never reaches the page.
  // Input: topics ['neglect', 'neglct']. Expected: message names 'neglct' and suggests 'neglect'. Actual: "Invalid input".
  test('an unknown topic error names the value and suggests the nearest topic', () => {
    const message = messageFor(form({ topics: ['neglect', 'neglct'] }), 'topics');
    expect(message).toContain("'neglct'");
    expect(message).toContain("Did you mean 'neglect'?");
  });

  it.each([[[]], [['']], [['  ']], [''], [undefined]])('topics %p gives "Choose at least one topic"', (topics) => {
    const errors = errorsOf(form({ topics }));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBe('topics');
    expect(errors[0]!.message).toMatch(/^Choose at least one topic/);
  });

  it('missing agency, role and frequency give one error each, naming the field', () => {
    const errors = errorsOf(form({ agency: undefined, role: undefined, frequency: undefined }));
    expect(errors.map((e) => e.field).sort()).toEqual(['agency', 'frequency', 'role']);
    expect(errors.find((e) => e.field === 'agency')!.message).toMatch(/agency/i);
    expect(errors.find((e) => e.field === 'role')!.message).toMatch(/role/i);
    expect(errors.find((e) => e.field === 'frequency')!.message).toMatch(/how often/i);
  });

  it('empty or unknown values for agency, role and frequency are errors on those fields too', () => {
    const errors = errorsOf(form({ agency: '', role: 'chief', frequency: 'daily' }));
    expect(errors.map((e) => e.field).sort()).toEqual(['agency', 'frequency', 'role']);
  });

  it.each(['not-an-email', 'alex.example@', '@example.org', 'alex example@example.org', 'alex.example@example'])('email %p is an error on email', (email) => {
    const errors = errorsOf(form({ email }));
    expect(errors).toEqual([{ field: 'email', message: expect.stringContaining('correct format') }]);
  });

  it.each([[''], ['   '], [undefined]])('email %p asks for the address', (email) => {
    expect(errorsOf(form({ email }))).toEqual([{ field: 'email', message: 'Enter your work email address.' }]);
  });

  it('an over-long email says it is too long', () => {
    expect(messageFor(form({ email: `a@${'b'.repeat(260)}.example.org` }), 'email')).toMatch(/too long/);
  });

  it('an empty form gives one message for each of the five fields, no more', () => {
    const errors = errorsOf({});
    expect(errors.map((e) => e.field).sort()).toEqual(['agency', 'email', 'frequency', 'role', 'topics']);
    for (const error of errors) expect(error.message.length).toBeGreaterThan(0);
  });

  it('never gives more than one message per field, whatever is wrong', () => {
    const hostile: Record<string, unknown>[] = [
      {},
      form({ email: ' ', topics: ['x', 'y', 'z'] }),
      form({ email: 'a'.repeat(300), agency: 'x', role: 'y', frequency: 'z', topics: ['neglct', 'safe_sleap', 'nope'] }),
      { email: ['a@example.org', 'b@example.org'], agency: ['police'], role: 42, topics: [[], {}], frequency: null },
      { topics: '<script>alert(1)</script>', email: '<script>@example.org' },
    ];
    for (const input of hostile) {
      const result = parseForm(subscribeRequestSchema, input);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      const fields = result.errors.map((e) => e.field);
      expect(new Set(fields).size).toBe(fields.length);
      for (const field of fields) expect(['email', 'agency', 'role', 'topics', 'frequency']).toContain(field);
    }
  });
});

describe('newSubscriber', () => {
  const now = new Date('2026-11-26T12:00:00.000Z');
  const request = parsed(form({ email: ' Alex.Example@Example.org ' }));
  const subscriber = newSubscriber(request, now);

  it('is pending, stamped with now, with the choices as given', () => {
    expect(subscriber).toEqual({
      subscriberId: recipientKey('alex.example@example.org'),
      email: 'alex.example@example.org',
      agency: 'police',
      role: 'frontline',
      topics: ['neglect', 'domestic_abuse'],
      frequency: 'weekly',
      status: 'pending',
      statusAt: '2026-11-26T12:00:00.000Z',
      createdAt: '2026-11-26T12:00:00.000Z',
      requestedAt: '2026-11-26T12:00:00.000Z',
    });
    expect(subscriberSchema.safeParse(subscriber).success).toBe(true);
  });

  it('the subscriber id is the recipient key, whatever the case of the address typed', () => {
    expect(subscriber.subscriberId).toBe(recipientKey('ALEX.EXAMPLE@EXAMPLE.ORG'));
    expect(subscriber.subscriberId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('the subscriber id never contains the address or any part of it', () => {
    expect(subscriber.subscriberId).not.toContain('@');
    expect(subscriber.subscriberId).not.toContain('alex');
    expect(subscriber.subscriberId).not.toContain('example');
  });

  it('different addresses get different ids', () => {
    const other = newSubscriber(parsed(form({ email: 'sam.sample@example.org' })), now);
    expect(other.subscriberId).not.toBe(subscriber.subscriberId);
  });
});

describe('wantsTopics', () => {
  it('"all" wants every finding', () => {
    expect(wantsTopics(ALL_TOPICS, ['neglect'])).toBe(true);
    expect(wantsTopics(ALL_TOPICS, ['leadership_capacity', 'info_sharing'])).toBe(true);
  });

  it('a list wants a finding that shares at least one topic', () => {
    expect(wantsTopics(['neglect', 'safe_sleep'], ['info_sharing', 'safe_sleep'])).toBe(true);
    expect(wantsTopics(['neglect'], ['neglect'])).toBe(true);
  });

  it('a list does not want a finding with no topic in common', () => {
    expect(wantsTopics(['neglect', 'safe_sleep'], ['info_sharing', 'leadership_capacity'])).toBe(false);
    expect(wantsTopics(['neglect'], [])).toBe(false);
    expect(wantsTopics([], ['neglect'])).toBe(false);
  });
});

describe('maskEmail', () => {
  it.each([
    ['alex.example@example.org', 'a***@example.org'],
    ['a@example.org', 'a***@example.org'],
    ['ab@example.org', 'a***@example.org'],
    ['odd@name@example.org', 'o***@example.org'],
  ])('%s → %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it.each(['', 'no-at-sign', '@example.org', '@'])('%p has no recognisable local part and is fully masked', (email) => {
    expect(maskEmail(email)).toBe('***');
  });

  it('shows at most the first character of the local part', () => {
    const masked = maskEmail('secretive.person@example.org');
    expect(masked).not.toContain('secretive');
    expect(masked.split('@')[0]).toBe('s***');
  });
});
