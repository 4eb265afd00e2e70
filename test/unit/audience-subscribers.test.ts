import { SUBSCRIPTION_VIA, withSubscribers, type Recipient } from '../../shared/core/audience';

const listMember: Recipient = { email: 'alex.example@example.org', name: 'Alex Example', agency: 'police', role: 'manager', via: ['police-leads'] };
const otherMember: Recipient = { email: 'jo.sample@example.org', name: 'Jo Sample', agency: 'health', role: 'dsl', via: ['health-dsls', 'all-staff'] };

describe('withSubscribers', () => {
  it('a subscriber who is also a list member gets one entry, with the list details kept and topic-subscription added to via', () => {
    const result = withSubscribers([listMember], [{ email: 'alex.example@example.org', agency: 'education', role: 'frontline' }]);
    expect(result).toEqual([{ ...listMember, via: ['police-leads', SUBSCRIPTION_VIA] }]);
    expect(SUBSCRIPTION_VIA).toBe('topic-subscription');
  });

  it('a new subscriber gets an empty name (so the greeting is "colleague") and via topic-subscription only', () => {
    const result = withSubscribers([listMember], [{ email: 'sam.sample@example.org', agency: 'csc', role: 'frontline' }]);
    expect(result).toEqual([
      listMember,
      { email: 'sam.sample@example.org', name: '', agency: 'csc', role: 'frontline', via: ['topic-subscription'] },
    ]);
  });

  it('compares addresses without regard to case or surrounding spaces', () => {
    const result = withSubscribers([listMember], [{ email: '  Alex.EXAMPLE@Example.Org ', agency: 'education', role: 'frontline' }]);
    expect(result).toHaveLength(1);
    expect(result[0]).toEqual({ ...listMember, via: ['police-leads', 'topic-subscription'] });
  });

  it('a list member stored with capitals still matches a lower-case subscriber', () => {
    const shouty: Recipient = { ...listMember, email: 'Alex.Example@Example.org' };
    const result = withSubscribers([shouty], [{ email: 'alex.example@example.org', agency: 'police', role: 'manager' }]);
    expect(result).toHaveLength(1);
    expect(result[0]!.via).toEqual(['police-leads', 'topic-subscription']);
    expect(result[0]!.name).toBe('Alex Example');
  });

  it('a new subscriber’s address is stored normalised', () => {
    const [only] = withSubscribers([], [{ email: ' Sam.Sample@Example.ORG', agency: 'csc', role: 'frontline' }]);
    expect(only!.email).toBe('sam.sample@example.org');
  });

  it('the same subscriber twice is one entry, with topic-subscription once', () => {
    const result = withSubscribers(
      [listMember],
      [
        { email: 'alex.example@example.org', agency: 'police', role: 'manager' },
        { email: 'ALEX.EXAMPLE@example.org', agency: 'police', role: 'manager' },
        { email: 'sam.sample@example.org', agency: 'csc', role: 'frontline' },
        { email: 'Sam.Sample@example.org', agency: 'csc', role: 'frontline' },
      ],
    );
    expect(result.map((r) => [r.email, r.via])).toEqual([
      ['alex.example@example.org', ['police-leads', 'topic-subscription']],
      ['sam.sample@example.org', ['topic-subscription']],
    ]);
  });

  it('keeps list members who did not subscribe as they were, in order, list members first', () => {
    const result = withSubscribers([listMember, otherMember], [{ email: 'sam.sample@example.org', agency: 'csc', role: 'frontline' }]);
    expect(result.map((r) => r.email)).toEqual(['alex.example@example.org', 'jo.sample@example.org', 'sam.sample@example.org']);
    expect(result[1]).toEqual(otherMember);
  });

  it('does not change the recipients it was given', () => {
    const recipients = [{ ...listMember, via: ['police-leads'] }];
    withSubscribers(recipients, [{ email: 'alex.example@example.org', agency: 'police', role: 'manager' }]);
    expect(recipients[0]!.via).toEqual(['police-leads']);
  });

  it('no subscribers leaves the list audience unchanged; no list members gives only subscribers', () => {
    expect(withSubscribers([listMember, otherMember], [])).toEqual([listMember, otherMember]);
    expect(withSubscribers([], [])).toEqual([]);
  });
});
