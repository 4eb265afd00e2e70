import {
  listMatches,
  memberSchema,
  recipientKey,
  resolveAudience,
  type DistributionList,
  type Member,
} from '../../shared/core/audience';

/**
 * Who gets a briefing: lists take a finding when their filters overlap it, a list's
 * role filter narrows its members, and a person on several lists gets one email.
 * Example.org addresses only.
 */

type FindingScope = Parameters<typeof listMatches>[1];
const scope: FindingScope = { topics: ['neglect', 'voice_of_child'], agencies: ['csc', 'police'] };

const member = (email: string, overrides: Partial<Member> = {}): Member =>
  memberSchema.parse({ email, name: 'Sam Example', agency: 'csc', role: 'frontline', ...overrides });

const list = (id: string, filters: Partial<Omit<DistributionList, 'id' | 'name'>> = {}): DistributionList => ({
  id,
  name: `List ${id}`,
  ...filters,
});

describe('listMatches', () => {
  test.each([
    ['no filters at all', {}, true],
    ['empty filters mean everything', { topics: [], agencies: [] }, true],
    ['one shared topic is enough', { topics: ['exploitation', 'neglect'] }, true],
    ['no shared topic', { topics: ['exploitation', 'online_safety'] }, false],
    ['one shared agency is enough', { agencies: ['education', 'police'] }, true],
    ['no shared agency', { agencies: ['education', 'health'] }, false],
    ['both filters must overlap: topic yes, agency no', { topics: ['neglect'], agencies: ['health'] }, false],
    ['both filters must overlap: topic no, agency yes', { topics: ['safe_sleep'], agencies: ['csc'] }, false],
    ['both overlap', { topics: ['voice_of_child'], agencies: ['csc'] }, true],
    ['a role filter does not decide whether a list takes a finding', { roles: ['dsl'] }, true],
  ] as const)('%s', (_label, filters, expected) => {
    expect(listMatches(list('l', filters as Partial<DistributionList>), scope)).toBe(expected);
  });
});

describe('resolveAudience', () => {
  test('a role filter narrows the list to members in those roles', () => {
    const recipients = resolveAudience(scope, [
      {
        list: list('managers', { roles: ['manager', 'dsl'] }),
        members: [
          member('frontline.one@example.org', { role: 'frontline' }),
          member('manager.one@example.org', { role: 'manager' }),
          member('dsl.one@example.org', { role: 'dsl' }),
        ],
      },
    ]);
    expect(recipients.map((r) => r.email).sort()).toEqual(['dsl.one@example.org', 'manager.one@example.org']);
  });

  test('a list that does not take the finding contributes nobody', () => {
    const recipients = resolveAudience(scope, [
      { list: list('education-only', { agencies: ['education'] }), members: [member('teacher.one@example.org', { agency: 'education' })] },
      { list: list('police', { agencies: ['police'] }), members: [member('officer.one@example.org', { agency: 'police' })] },
    ]);
    expect(recipients.map((r) => r.email)).toEqual(['officer.one@example.org']);
  });

  test('a person on several lists, with differently cased addresses, is one recipient listing every list', () => {
    // Built without memberSchema, as a caller holding raw rows might; the resolver must still de-duplicate.
    const raw = (email: string, name: string): Member => ({ email, name, agency: 'police', role: 'frontline' });
    const recipients = resolveAudience(scope, [
      { list: list('police-safeguarding'), members: [raw('Officer.Example@Example.org', 'Officer Example')] },
      { list: list('all-practitioners'), members: [raw('officer.example@example.org', 'Officer Example')] },
      { list: list('neglect-network', { topics: ['neglect'] }), members: [raw(' OFFICER.EXAMPLE@EXAMPLE.ORG ', 'Officer Example')] },
    ]);
    expect(recipients).toHaveLength(1);
    expect(recipients[0]!.email).toBe('officer.example@example.org');
    expect([...recipients[0]!.via].sort()).toEqual(['all-practitioners', 'neglect-network', 'police-safeguarding']);
  });

  test('the same person twice in one list names that list once in via', () => {
    const recipients = resolveAudience(scope, [
      { list: list('all'), members: [member('sam.example@example.org'), member('SAM.example@example.org')] },
    ]);
    expect(recipients).toHaveLength(1);
    expect(recipients[0]!.via).toEqual(['all']);
  });

  test('when details differ between lists, the list first by id wins, whatever order the lists come in', () => {
    const onA = { list: list('a-list'), members: [member('sam.example@example.org', { name: 'Sam A', agency: 'police', role: 'manager' })] };
    const onB = { list: list('b-list'), members: [member('sam.example@example.org', { name: 'Sam B', agency: 'csc', role: 'frontline' })] };
    for (const order of [[onA, onB], [onB, onA]]) {
      const [recipient] = resolveAudience(scope, order);
      expect(recipient).toEqual({ email: 'sam.example@example.org', name: 'Sam A', agency: 'police', role: 'manager', via: ['a-list', 'b-list'] });
    }
  });

  test('a member filtered out by role on one list still comes in through another list', () => {
    const recipients = resolveAudience(scope, [
      { list: list('dsls', { roles: ['dsl'] }), members: [member('sam.example@example.org', { role: 'manager' })] },
      { list: list('everyone'), members: [member('sam.example@example.org', { role: 'manager' })] },
    ]);
    expect(recipients).toHaveLength(1);
    expect(recipients[0]!.via).toEqual(['everyone']);
  });

  test('no lists, or only empty lists, gives nobody', () => {
    expect(resolveAudience(scope, [])).toEqual([]);
    expect(resolveAudience(scope, [{ list: list('empty'), members: [] }])).toEqual([]);
  });
});

describe('recipientKey', () => {
  test('is stable, ignores case and surrounding space, and never carries the address', () => {
    const key = recipientKey('sam.example@example.org');
    expect(recipientKey('sam.example@example.org')).toBe(key);
    expect(recipientKey('  Sam.Example@EXAMPLE.org ')).toBe(key);
    expect(key).toBe(key.toLowerCase());
    expect(key).not.toContain('@');
    expect(key).not.toContain('sam');
    expect(key).not.toContain('example');
    expect(key).toMatch(/^[0-9a-f]+$/);
  });

  test('differs between people', () => {
    expect(recipientKey('sam.example@example.org')).not.toBe(recipientKey('alex.example@example.org'));
  });
});

// Property test skipped: fast-check is not installed in node_modules, and dependencies may not be added.
