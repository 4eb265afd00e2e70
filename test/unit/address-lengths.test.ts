import { readMembersCsv } from '../../shared/core/members-csv';
import { ADDRESS_LIMITS, addressLengthProblem, memberSchema } from '../../shared/core/audience';
import { parseForm, subscribeRequestSchema } from '../../shared/core/subscriber';

/**
 * Addresses follow RFC 5321's lengths wherever they enter: at most 64 octets before the @,
 * 255 after it, 254 in all. A 300-character local part used to be taken from a list import
 * (and anything up to 254 in all from the subscribe form) and emailed.
 */

const local = (n: number) => 'a'.repeat(n);
const member = (email: string) => ({ email, name: 'Sam Example', agency: 'health', role: 'frontline' });
const form = (email: string) => ({ email, agency: 'health', role: 'frontline', topics: ['safe_sleep'], frequency: 'weekly' });
/** A domain of `n` characters in labels of at most 63. */
const domainOf = (n: number) => {
  const labels: string[] = [];
  let left = n - 4; // '.org'
  while (left > 0) {
    const size = Math.min(63, left === 64 ? 62 : left);
    labels.push('d'.repeat(size));
    left -= size + 1;
  }
  return `${labels.join('.')}.org`.slice(-n);
};

describe('the limits', () => {
  test('are RFC 5321’s', () => {
    expect(ADDRESS_LIMITS).toEqual({ localPart: 64, domain: 255, address: 254 });
  });

  test.each([
    [`${local(64)}@example.org`, undefined],
    [`${local(65)}@example.org`, 'the part before the @ is 65 characters long; an address has 64 at most there.'],
    [`${local(300)}@example.org`, 'the part before the @ is 300 characters long'],
    // Octets, not characters: 'é' is two.
    [`${'é'.repeat(33)}@example.org`, 'the part before the @ is 66 characters long'],
    [`${local(10)}@${domainOf(243)}`, undefined],
    [`${local(10)}@${domainOf(244)}`, 'it is 255 characters long; an address has 254 at most.'],
  ])('%s', (email, problem) => {
    const found = addressLengthProblem(email);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('list members (the CLI import, and members typed into the console)', () => {
  test('64 characters before the @ are taken', () => {
    expect(memberSchema.safeParse(member(`${local(64)}@example.org`)).success).toBe(true);
  });

  test.each([65, 300])('%i are refused, saying which part is too long', (n) => {
    const parsed = memberSchema.safeParse(member(`${local(n)}@example.org`));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([expect.stringContaining(`too long: the part before the @ is ${n} characters long`)]);
  });

  test('an address over 254 in all is refused', () => {
    expect(memberSchema.safeParse(member(`${local(10)}@${domainOf(250)}`)).success).toBe(false);
  });

  test('a CSV import reports the line and sends nothing to it', () => {
    const csv = `email,name,agency,role\n${local(300)}@example.org,Sam Example,health,frontline\nok@example.org,Alex Example,police,dsl\n`;
    const { members, bad } = readMembersCsv(csv);
    expect(members.map((m) => m.email)).toEqual(['ok@example.org']);
    expect(bad).toEqual([{ line: 2, problems: [expect.stringMatching(/^email: too long: the part before the @ is 300 characters long/)] }]);
  });
});

describe('the subscribe form', () => {
  test('64 characters before the @ are taken', () => {
    expect(parseForm(subscribeRequestSchema, form(`${local(64)}@example.org`)).ok).toBe(true);
  });

  test('65 are refused, on the email field, saying what to fix', () => {
    expect(parseForm(subscribeRequestSchema, form(`${local(65)}@example.org`))).toEqual({
      ok: false,
      errors: [{ field: 'email', message: expect.stringContaining('That email address is too long: the part before the @ is 65 characters long') }],
    });
  });

  test('300 are refused too', () => {
    expect(parseForm(subscribeRequestSchema, form(`${local(300)}@example.org`)).ok).toBe(false);
  });
});
