import { digestSubject, renderDigest, summaryOf } from '../../shared/render/email/digest';
import { isoWeekId, weekIdAt } from '../../shared/core/digest';
import { sample, validFinding } from '../support/findings';
import type { RecipientLinks } from '../../shared/core/tokens';

const links: RecipientLinks = {
  unsubscribeUrl: 'https://briefings.example.org/unsubscribe?t=unsub-token.mac',
  manageUrl: 'https://briefings.example.org/preferences?t=manage-token.mac',
};

describe('isoWeekId', () => {
  it.each([
    [2026, 11, 26, '2026-W48'],
    [2021, 1, 3, '2020-W53'],
    [2024, 12, 30, '2025-W01'],
    [2021, 1, 4, '2021-W01'],
    [2026, 1, 1, '2026-W01'],
    [2026, 12, 31, '2026-W53'],
    [2027, 1, 3, '2026-W53'],
    [2027, 1, 4, '2027-W01'],
    [2026, 3, 29, '2026-W13'],
    [2026, 3, 30, '2026-W14'],
  ])('%i-%i-%i is %s', (year, month, day, week) => {
    expect(isoWeekId(year, month, day)).toBe(week);
  });

  it('Monday to Sunday share one week; the next Monday starts another', () => {
    const days = [23, 24, 25, 26, 27, 28, 29].map((d) => isoWeekId(2026, 11, d));
    expect(new Set(days)).toEqual(new Set(['2026-W48']));
    expect(isoWeekId(2026, 11, 30)).toBe('2026-W49');
  });
});

describe('weekIdAt (Europe/London)', () => {
  const LONDON = 'Europe/London';

  it('Sunday 23:30 UTC in summer is already Monday 00:30 BST in London: the new week', () => {
    // The clocks went forward at 01:00 UTC on Sunday 29 March 2026, so by the evening London is UTC+1.
    expect(weekIdAt(new Date('2026-03-29T23:30:00Z'), LONDON)).toBe('2026-W14');
    expect(weekIdAt(new Date('2026-03-29T23:30:00Z'), 'UTC')).toBe('2026-W13');
  });

  it('Sunday 22:59 UTC in summer is still Sunday in London: the old week', () => {
    expect(weekIdAt(new Date('2026-03-29T22:59:59Z'), LONDON)).toBe('2026-W13');
    expect(weekIdAt(new Date('2026-03-29T23:00:00Z'), LONDON)).toBe('2026-W14');
  });

  it('in winter London is on UTC: the week turns at midnight UTC', () => {
    expect(weekIdAt(new Date('2026-11-29T23:59:59Z'), LONDON)).toBe('2026-W48');
    expect(weekIdAt(new Date('2026-11-30T00:00:00Z'), LONDON)).toBe('2026-W49');
  });

  it('the digest run at Monday 08:00 London is in the week of that Monday', () => {
    expect(weekIdAt(new Date('2026-11-30T08:00:00Z'), LONDON)).toBe('2026-W49');
    expect(weekIdAt(new Date('2026-07-06T07:00:00Z'), LONDON)).toBe('2026-W28');
  });

  it('a re-run later the same week keeps the same id', () => {
    expect(weekIdAt(new Date('2026-12-02T15:00:00Z'), LONDON)).toBe(weekIdAt(new Date('2026-11-30T08:00:00Z'), LONDON));
  });
});

describe('summaryOf', () => {
  const words = (n: number, word = 'practice') => Array.from({ length: n }, () => word).join(' ');

  it('keeps short text as it is', () => {
    expect(summaryOf({ whyItMatters: sample.whyItMatters })).toBe(sample.whyItMatters);
  });

  it('puts the text on one line', () => {
    expect(summaryOf({ whyItMatters: 'First paragraph.\n\nSecond\tparagraph.' })).toBe('First paragraph. Second paragraph.');
  });

  it('keeps text of exactly 200 characters', () => {
    const text = 'x'.repeat(200);
    expect(summaryOf({ whyItMatters: text })).toBe(text);
  });

  it('cuts long text after the last whole sentence when that sentence ends past the halfway mark', () => {
    const first = `Agencies ${words(16)} did not share what they knew.`; // about 170 characters
    const text = `${first} ${words(40, 'afterwards')}. And more.`;
    expect(first.length).toBeGreaterThan(100);
    expect(first.length).toBeLessThanOrEqual(200);
    expect(summaryOf({ whyItMatters: text })).toBe(first);
  });

  it('otherwise cuts at a word, with an ellipsis', () => {
    const text = `Short start. ${words(60)}`;
    const summary = summaryOf({ whyItMatters: text });
    expect(summary.endsWith('…')).toBe(true);
    const kept = summary.slice(0, -1);
    expect(text.startsWith(kept)).toBe(true);
    expect(text[kept.length]).toBe(' ');
    expect(kept.endsWith('practice')).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(201);
  });

  it('one word longer than the limit is cut with an ellipsis', () => {
    const summary = summaryOf({ whyItMatters: 'x'.repeat(500) });
    expect(summary.endsWith('…')).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(201);
  });

  it('never exceeds 201 characters and always starts the text, for many shapes of text', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pieces = ['a', 'word', 'safeguarding', 'x'.repeat(40), '.', '. ', ' ', '\n', '…', 'é'];
    for (let run = 0; run < 300; run++) {
      let text = 'Start';
      const n = Math.floor(random() * 150);
      for (let i = 0; i < n; i++) text += pieces[Math.floor(random() * pieces.length)];
      const summary = summaryOf({ whyItMatters: text });
      const flat = text.replace(/\s+/g, ' ').trim();
      expect(summary.length).toBeLessThanOrEqual(201);
      const kept = summary.length < flat.length && summary.endsWith('…') ? summary.slice(0, -1) : summary;
      expect(flat.startsWith(kept)).toBe(true);
      if (flat.length <= 200) expect(summary).toBe(flat);
    }
  });
});

describe('renderDigest', () => {
  const first = validFinding();
  const second = validFinding({
    id: 'invisible-men-2021',
    title: 'The Myth of Invisible Men',
    source: { type: 'national_review', name: 'The Myth of Invisible Men', published: '2021-09' },
    topics: ['invisible_men'],
    whyItMatters: 'Men in a child’s life were often not seen or assessed by the professionals involved.',
    actions: {
      all: ['Ask who the men in the child’s life are at every assessment.'],
      police: ['Share what you know about men in the household with children’s social care.'],
      health: ['Record fathers and male carers in the child’s health record.'],
    },
  });
  const reader = { name: '', agency: 'police', role: 'frontline' } as const;
  const digest = renderDigest([first, second], reader, links);

  it('the subject counts the findings', () => {
    expect(digest.subject).toBe('Your weekly safeguarding learning digest: 2 new briefings');
    expect(renderDigest([first], reader, links).subject).toBe('Your weekly safeguarding learning digest: 1 new briefing');
    expect(digestSubject(3)).toContain('3 new briefings');
  });

  it('lists both titles in the HTML and the text', () => {
    for (const body of [digest.html, digest.text]) {
      expect(body).toContain('Child Protection in England');
      expect(body).toContain('The Myth of Invisible Men');
    }
  });

  it('gives the police reader the police and everyone actions, and not health’s', () => {
    for (const body of [digest.html, digest.text]) {
      expect(body).toContain(sample.actions.police[0]!);
      expect(body).toContain('Record who in the family network raised a concern and what you did with it.');
      expect(body).toContain('Share what you know about men in the household with children’s social care.');
      expect(body).toContain('Ask who the men in the child’s life are at every assessment.');
      expect(body).not.toContain(sample.actions.health[0]!);
      expect(body).not.toContain('Record fathers and male carers');
    }
  });

  it('a health reader gets health’s actions instead', () => {
    const { text } = renderDigest([first, second], { name: 'Jo Sample', agency: 'health', role: 'dsl' }, links);
    expect(text).toContain(sample.actions.health[0]!);
    expect(text).not.toContain('Share referrals about family concerns');
  });

  it('a finding with no actions for the reader says so instead of an empty list', () => {
    const onlyHealth = validFinding({ actions: { health: ['Ask about every adult in the household at each contact.'] } });
    const { text, html } = renderDigest([onlyHealth], reader, links);
    expect(text).toContain('No agency-specific actions');
    expect(html).toContain('No agency-specific actions');
    expect(text).not.toContain('Ask about every adult');
  });

  it('has the manage and unsubscribe links in the HTML and the text', () => {
    expect(digest.html).toContain(`href="${links.manageUrl}"`);
    expect(digest.html).toContain(`href="${links.unsubscribeUrl}"`);
    expect(digest.text).toContain(`Manage your preferences: ${links.manageUrl}`);
    expect(digest.text).toContain(`Unsubscribe: ${links.unsubscribeUrl}`);
  });

  it('shows each finding’s summary and source link', () => {
    expect(digest.text).toContain(sample.whyItMatters);
    expect(digest.html).toContain('href="https://www.example.org/reviews/child-protection-in-england"');
  });

  it('greets an empty name as "Dear colleague"', () => {
    expect(digest.html).toContain('Dear colleague,');
    expect(digest.text).toContain('Dear colleague,');
    const blank = renderDigest([first], { ...reader, name: '  \n ' }, links);
    expect(blank.text).toContain('Dear colleague,');
  });

  it('greets a named reader by name', () => {
    expect(renderDigest([first], { ...reader, name: 'Alex Example' }, links).text).toContain('Dear Alex Example,');
  });

  it('escapes hostile text in a title, an action and the greeting in the HTML', () => {
    const hostile = validFinding({
      title: '<script>alert("title")</script> & more',
      actions: { police: ['<img src=x onerror=alert(1)> act now'], all: ['"quoted" <b>bold</b>'] },
    });
    const { html, text } = renderDigest([hostile], { ...reader, name: '<script>alert("name")</script>' }, links);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold');
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; more');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; act now');
    expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    // The plain-text part shows the words as typed.
    expect(text).toContain('<img src=x onerror=alert(1)> act now');
  });

  it('keeps a title on one line in the text part', () => {
    const { text } = renderDigest([validFinding({ title: 'Line one\nLine two' })], reader, links);
    expect(text).toContain('Line one Line two');
    expect(text).not.toContain('Line one\nLine two');
  });
});
