import { contrast } from '../support/contrast';
import { configurePages, notFoundPage, serverErrorPage, tooManyRequestsPage, type PageResult } from '../../shared/render/pages/shell';
import { checkYourEmailPage, confirmedPage, linkProblemPage, preferencesPage, subscribePage, unsubscribeConfirmPage, confirmSubscriptionPage, unsubscribedPage } from '../../shared/render/pages/subscription';
import { FREQUENCY_LABELS, type SubscriberSummary } from '../../shared/core/subscriber';
import { AGENCIES, ROLES, TOPIC_GROUPS, TOPICS } from '../../shared/core/taxonomy';
import type { LinkProblem } from '../../shared/core/tokens';

/**
 * The pages as a user (and a screen reader) meets them. There is no DOM here, so a few small
 * regex helpers read tags and attributes; the pages escape every attribute value, so no `>`
 * ever appears inside a tag.
 */

// ---- tiny HTML reader ---------------------------------------------------------------------------

interface Tag {
  name: string;
  attrs: Record<string, string>;
  at: number;
}

const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function tags(html: string, name?: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g)) {
    const tagName = m[1]!.toLowerCase();
    if (name && tagName !== name) continue;
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([^\s=/>]+)(?:\s*=\s*"([^"]*)")?/g)) attrs[a[1]!.toLowerCase()] = decode(a[2] ?? '');
    out.push({ name: tagName, attrs, at: m.index! });
  }
  return out;
}

const byId = (html: string, id: string) => tags(html).find((t) => t.attrs.id === id);
const controls = (html: string) => tags(html).filter((t) => (t.name === 'input' && t.attrs.type !== 'hidden') || t.name === 'select');
/** What a reader sees: no tags, entities decoded, whitespace collapsed. */
const visibleText = (html: string) =>
  decode(html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<title>[\s\S]*?<\/title>/, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const main = (html: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)![1]!;
const titleOf = (html: string) => decode(/<title>([^<]*)<\/title>/.exec(html)![1]!);
const h1Of = (html: string) => decode(/<h1>([^<]*)<\/h1>/.exec(html)![1]!);
const forms = (html: string) => [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]);
/** The topic-group fieldsets hold no fieldset of their own, so a lazy match is exact. */
const topicGroups = (html: string) =>
  new Map(
    [...html.matchAll(/<fieldset class="topic-group">\s*<legend>([^<]*)<\/legend>([\s\S]*?)<\/fieldset>/g)].map((m) => [decode(m[1]!), m[2]!]),
  );

const VOID = new Set(['meta', 'input', 'br', 'hr', 'img', 'link']);
/** Every element opened is closed, in order: a cheap stand-in for a parser's well-formedness. */
function unbalancedTags(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const name = m[2]!.toLowerCase();
    if (VOID.has(name)) continue;
    if (!m[1]) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}> at ${m.index}`);
  }
  return problems.concat(stack.map((n) => `<${n}> not closed`));
}

// ---- fixtures -----------------------------------------------------------------------------------

const HOSTILE = '"><script>alert(1)</script>';
const TOKEN = 'eyJwIjoibWFuYWdlIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXI';
const MANAGE_URL = `https://briefings.example.org/preferences?t=${TOKEN}`;

const summary = (over: Partial<SubscriberSummary> = {}): SubscriberSummary => ({
  agency: 'health',
  role: 'dsl',
  topics: ['neglect', 'info_sharing'],
  frequency: 'weekly',
  status: 'confirmed',
  maskedEmail: 'a***@example.org',
  ...over,
});

const ERRORS = [
  { field: 'email', message: 'Enter your work email address.' },
  { field: 'agency', message: 'Choose your agency.' },
  { field: 'topics', message: 'Choose at least one topic, or All topics.' },
  { field: 'frequency', message: 'Choose how often: immediately or weekly.' },
];

const PROBLEMS: LinkProblem[] = ['missing', 'malformed', 'tampered', 'wrong-purpose', 'expired', 'stale', 'unknown'];

/** Every page in every state worth checking for shell, accessibility and safety. */
const ALL_PAGES: [string, () => PageResult][] = [
  ['subscribe', () => subscribePage()],
  ['subscribe with errors', () => subscribePage({ values: { email: HOSTILE, topics: [HOSTILE] }, errors: ERRORS })],
  ['check your email', () => checkYourEmailPage()],
  ['confirmed', () => confirmedPage({ manageUrl: MANAGE_URL, summary: summary() })],
  ...PROBLEMS.flatMap((problem) =>
    (['confirm', 'manage', undefined] as const).map(
      (purpose): [string, () => PageResult] => [`link problem ${problem} ${purpose ?? ''}`, () => linkProblemPage(problem, { purpose })],
    ),
  ),
  ['preferences', () => preferencesPage({ token: TOKEN, summary: summary() })],
  ['preferences saved', () => preferencesPage({ token: TOKEN, summary: summary(), saved: true })],
  ['preferences with errors', () => preferencesPage({ token: HOSTILE, summary: summary(), values: { topics: [] }, errors: ERRORS.slice(1) })],
  ['preferences unsubscribed', () => preferencesPage({ token: TOKEN, summary: summary({ status: 'unsubscribed' }) })],
  ['preferences of a list member', () => preferencesPage({ token: TOKEN })],
  ['unsubscribe confirm', () => unsubscribeConfirmPage({ token: TOKEN })],
  ['subscription confirm', () => confirmSubscriptionPage({ token: TOKEN })],
  ['unsubscribed', () => unsubscribedPage()],
  ['too many requests', () => tooManyRequestsPage()],
  ['not found', () => notFoundPage()],
  ['server error', () => serverErrorPage()],
];

// ---- every page ---------------------------------------------------------------------------------

describe.each(ALL_PAGES)('%s page', (_name, render) => {
  const { html } = render();

  it('is a complete HTML5 document in British English with a named title', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(tags(html, 'html')[0]!.attrs.lang).toBe('en-GB');
    expect(tags(html, 'meta').some((m) => m.attrs.charset === 'utf-8')).toBe(true);
    expect(tags(html, 'meta').find((m) => m.attrs.name === 'viewport')?.attrs.content).toBe('width=device-width, initial-scale=1');
    expect(titleOf(html)).toMatch(/^(Error: )?\S.* – Safeguarding learning briefings$/);
    expect(tags(html, 'h1')).toHaveLength(1);
    expect(tags(html, 'main')).toHaveLength(1);
    expect(unbalancedTags(html)).toEqual([]);
  });

  it('has its one style block in the head, and the partnership footer', () => {
    expect(tags(html, 'style')).toHaveLength(1);
    expect(html.indexOf('<style>')).toBeLessThan(html.indexOf('</head>'));
    expect(visibleText(html)).toContain('Safeguarding learning briefings from your local safeguarding children partnership.');
  });

  it('runs no script and loads nothing from elsewhere (the CSP would block it anyway)', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/javascript:/i);
    for (const tag of tags(html)) {
      expect(Object.keys(tag.attrs).filter((a) => a.startsWith('on'))).toEqual([]);
      expect(tag.attrs.src).toBeUndefined();
      expect(tag.attrs.style).toBeUndefined();
    }
    expect(tags(html, 'link')).toEqual([]);
    expect(html).not.toMatch(/url\(|@import/);
    for (const a of tags(html, 'a')) expect(a.attrs.href === MANAGE_URL || /^[/#](?!\/)/.test(a.attrs.href!)).toBe(true);
    for (const f of tags(html, 'form')) expect(f.attrs.action).toMatch(/^\/[a-z]+$/);
  });

  it('labels every control and points every reference at something that exists', () => {
    const ids = tags(html).map((t) => t.attrs.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    const labels = tags(html, 'label').map((l) => l.attrs.for);
    for (const control of controls(html)) expect(labels.filter((f) => f === control.attrs.id)).toHaveLength(1);
    for (const target of labels) expect(byId(html, target!)).toBeDefined();
    for (const tag of tags(html)) {
      for (const ref of (tag.attrs['aria-describedby'] ?? '').split(' ').filter(Boolean)) expect(byId(html, ref)).toBeDefined();
      if (tag.name === 'a' && tag.attrs.href!.startsWith('#')) expect(byId(html, tag.attrs.href!.slice(1))).toBeDefined();
    }
  });

  it('keeps focus order the same as the reading order', () => {
    for (const tag of tags(html)) if (tag.attrs.tabindex !== undefined) expect(Number(tag.attrs.tabindex)).toBeLessThan(0);
    expect(html).not.toMatch(/[{;]\s*(order|float)\s*:/);
  });

  it('puts checkboxes and radios in fieldsets with legends', () => {
    for (const field of [...html.matchAll(/<fieldset[^>]*>\s*(<[^>]+>)/g)]) expect(field[1]).toBe('<legend>');
    const fieldsetsOpen = (at: number) =>
      (html.slice(0, at).match(/<fieldset/g) ?? []).length - (html.slice(0, at).match(/<\/fieldset>/g) ?? []).length;
    for (const c of controls(html).filter((c) => c.attrs.type === 'checkbox' || c.attrs.type === 'radio')) expect(fieldsetsOpen(c.at)).toBeGreaterThan(0);
  });
});

// ---- the look -----------------------------------------------------------------------------------

describe('the stylesheet', () => {
  const css = /<style>([\s\S]*?)<\/style>/.exec(subscribePage().html)![1]!;
  const rules = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({ selector: m[1]!.trim(), body: m[2]! }));
  const prop = (body: string, name: string) => new RegExp(`(?:^|;)${name}:\\s*(#[0-9a-f]{6})`).exec(body)?.[1];

  it('is the same on every page', () => {
    for (const [, render] of ALL_PAGES) expect(render().html).toContain(css);
  });

  it('uses the briefing email’s font, text and link colours and 600px column', () => {
    expect(css).toMatch(/font-family:Arial/);
    expect(css).toMatch(/color:#1b1b1b/);
    expect(css).toMatch(/a\{color:#1d4f91/);
    expect(css).toMatch(/max-width:600px/);
  });

  it('gives every coloured text at least 4.5:1 contrast on its background (WCAG AA)', () => {
    const coloured = rules.filter((r) => prop(r.body, 'color'));
    expect(coloured.length).toBeGreaterThan(5);
    const tooLow = coloured
      .map((r) => ({ selector: r.selector, ratio: contrast(prop(r.body, 'color')!, prop(r.body, 'background-color') ?? '#ffffff') }))
      .filter((r) => r.ratio < 4.5);
    expect(tooLow).toEqual([]);
  });

  it('shows a clear focus outline and makes controls big enough to tap', () => {
    expect(css).toMatch(/:focus-visible\{outline:3px solid #[0-9a-f]{6};outline-offset:3px\}/);
    for (const selector of ['.button', '.input,.select', '.choice']) {
      expect(rules.find((r) => r.selector === selector)?.body).toMatch(/min-height:44px/);
    }
  });

  it('never sets a width that would scroll sideways at 320px', () => {
    for (const m of css.matchAll(/(?<![-\w])width:\s*(\d+)px/g)) expect(Number(m[1])).toBeLessThanOrEqual(44);
  });
});

// ---- statuses -----------------------------------------------------------------------------------

describe('status codes', () => {
  it.each([
    ['subscribe', subscribePage(), 200],
    ['subscribe with errors', subscribePage({ errors: ERRORS }), 400],
    ['check your email', checkYourEmailPage(), 200],
    ['confirmed', confirmedPage({ manageUrl: MANAGE_URL, summary: summary() }), 200],
    ['preferences', preferencesPage({ token: TOKEN, summary: summary() }), 200],
    ['preferences with errors', preferencesPage({ token: TOKEN, summary: summary(), errors: ERRORS }), 400],
    ['preferences of a list member', preferencesPage({ token: TOKEN }), 200],
    ['unsubscribe confirm', unsubscribeConfirmPage({ token: TOKEN }), 200],
    ['unsubscribed', unsubscribedPage(), 200],
    ['too many requests', tooManyRequestsPage(), 429],
    ['not found', notFoundPage(), 404],
    ['server error', serverErrorPage(), 500],
  ])('%s → %i', (_name, result, status) => {
    expect(result.status).toBe(status);
  });

  it.each(PROBLEMS)('a %s link is 410 when it will never work again, 400 otherwise', (problem) => {
    expect(linkProblemPage(problem).status).toBe(problem === 'expired' || problem === 'stale' ? 410 : 400);
  });
});

// ---- subscribe ----------------------------------------------------------------------------------

describe('subscribePage', () => {
  const { html } = subscribePage();

  it('posts the form to /subscribe with the field names the server parses', () => {
    const form = tags(html, 'form');
    expect(form).toHaveLength(1);
    expect(form[0]!.attrs).toMatchObject({ method: 'post', action: '/subscribe' });
    expect(new Set(controls(html).map((c) => c.attrs.name))).toEqual(new Set(['email', 'agency', 'role', 'topics', 'frequency']));
    expect(byId(html, 'email')!.attrs).toMatchObject({ type: 'email', name: 'email', autocomplete: 'email' });
    expect(visibleText(html)).toContain('Subscribe');
  });

  it('offers every agency and role by label, after an empty "Choose" option, with none chosen', () => {
    const options = (name: string) => {
      const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)![1]!;
      return [...select.matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)].map((m) => [m[1], decode(m[3]!), Boolean(m[2])]);
    };
    expect(options('agency')).toEqual([['', 'Choose your agency', false], ...Object.entries(AGENCIES).map(([id, l]) => [id, l, false])]);
    expect(options('role')[0]).toEqual(['', 'Choose your role', false]);
    expect(options('role').slice(1)).toEqual(Object.entries(ROLES).map(([id, l]) => [id, l, false]));
  });

  it('lists every topic, labelled, inside the fieldset of its group', () => {
    const groups = topicGroups(html);
    expect([...groups.keys()]).toEqual(Object.keys(TOPIC_GROUPS));
    for (const [group, ids] of Object.entries(TOPIC_GROUPS)) {
      const inGroup = tags(groups.get(group)!, 'input').map((i) => i.attrs.value);
      expect(inGroup).toEqual([...ids]);
      for (const id of ids) {
        const input = tags(html, 'input').find((i) => i.attrs.value === id)!;
        expect(input.attrs).toMatchObject({ type: 'checkbox', name: 'topics' });
        expect(decode(new RegExp(`<label for="${input.attrs.id}">([^<]*)</label>`).exec(html)![1]!)).toBe(TOPICS[id]);
      }
    }
    const everyTopic = Object.values(TOPIC_GROUPS).flat();
    expect(everyTopic.sort()).toEqual(Object.keys(TOPICS).sort());
  });

  it('has an "All topics, including new ones" checkbox, unticked, like every topic', () => {
    const all = tags(html, 'input').find((i) => i.attrs.value === 'all')!;
    expect(all.attrs).toMatchObject({ type: 'checkbox', name: 'topics' });
    expect(new RegExp(`<label for="${all.attrs.id}">All topics, including new ones</label>`).test(html)).toBe(true);
    expect(tags(html, 'input').filter((i) => i.attrs.name === 'topics' && 'checked' in i.attrs)).toEqual([]);
  });

  it('asks how often with radio buttons labelled in plain words, immediately by default', () => {
    const radios = tags(html, 'input').filter((i) => i.attrs.name === 'frequency');
    expect(radios.map((r) => [r.attrs.type, r.attrs.value, 'checked' in r.attrs])).toEqual([
      ['radio', 'immediately', true],
      ['radio', 'weekly', false],
    ]);
    for (const label of Object.values(FREQUENCY_LABELS)) expect(visibleText(html)).toContain(label);
  });

  it('re-fills what the person entered when it is shown again', () => {
    const again = subscribePage({
      values: { email: 'sam@example.org', agency: 'police', role: 'manager', topics: ['neglect', 'escalation'], frequency: 'weekly' },
      errors: [{ field: 'email', message: 'Enter an email address in the correct format, like name@example.org.' }],
    }).html;
    expect(byId(again, 'email')!.attrs.value).toBe('sam@example.org');
    expect(again).toMatch(/<option value="police" selected>/);
    expect(again).toMatch(/<option value="manager" selected>/);
    expect((again.match(/ selected>/g) ?? []).length).toBe(2);
    const checked = tags(again, 'input').filter((i) => 'checked' in i.attrs).map((i) => i.attrs.value);
    expect(checked).toEqual(['neglect', 'escalation', 'weekly']);
  });

  it('keeps "All topics" ticked when it was chosen', () => {
    const again = subscribePage({ values: { topics: ['all'] } }).html;
    expect(tags(again, 'input').filter((i) => 'checked' in i.attrs).map((i) => i.attrs.value)).toEqual(['all', 'immediately']);
  });

  it('selects nothing for a value that is not an option', () => {
    const again = subscribePage({ values: { agency: 'mi6', role: HOSTILE, frequency: 'hourly' } }).html;
    expect(again).not.toMatch(/ selected>/);
    expect(again).not.toContain('mi6');
    expect(tags(again, 'input').find((i) => i.attrs.value === 'immediately')!.attrs.checked).toBeDefined();
  });
});

// ---- errors -------------------------------------------------------------------------------------

describe('errors, GOV.UK style', () => {
  const result = subscribePage({ values: { email: 'not-an-address' }, errors: [...ERRORS, { field: 'email', message: 'A second message' }] });
  const { html } = result;

  it('starts the title with "Error: " and answers 400', () => {
    expect(titleOf(html)).toMatch(/^Error: Subscribe/);
    expect(result.status).toBe(400);
    expect(titleOf(subscribePage().html)).not.toMatch(/^Error/);
  });

  it('puts a summary first in <main>, as an alert headed "There is a problem", linking to each field', () => {
    const summary = /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html)!;
    expect(main(html).trimStart().startsWith('<div class="error-summary"')).toBe(true);
    expect(tags(summary[0], 'div')[0]!.attrs.role).toBe('alert');
    expect(summary[1]).toContain('<h2 id="error-summary-title">There is a problem</h2>');
    const links = [...summary[1]!.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [m[1], decode(m[2]!)]);
    // One message per field: the first the server gave.
    expect(links).toEqual(ERRORS.map((e) => [e.field, e.message]));
  });

  it('lists the errors in the order of the fields on the page, whatever order they were found in', () => {
    const found = [ERRORS[3]!, { field: 'role', message: 'Choose your role.' }, ERRORS[2]!, ERRORS[0]!, ERRORS[1]!];
    const summary = /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(subscribePage({ errors: found }).html)!;
    const linked = [...summary[1]!.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]);
    expect(linked).toEqual(['email', 'agency', 'role', 'topics', 'frequency']);
    // The same order as the fields themselves.
    const page = subscribePage({ errors: found }).html;
    const onPage = linked.map((field) => byId(page, field!)!.at);
    expect([...onPage].sort((a, b) => a - b)).toEqual(onPage);
  });

  it('marks each invalid field and shows its message above it', () => {
    for (const { field, message } of ERRORS) {
      const target = byId(html, field)!;
      expect(target.attrs['aria-invalid']).toBe('true');
      const messageEl = byId(html, `${field}-error`)!;
      expect(messageEl).toBeDefined();
      expect(messageEl.at).toBeLessThan(target.at);
      expect(visibleText(html.slice(messageEl.at))).toContain(`Error: ${message}`);
      // Text fields and selects carry the reference; a group's fieldset does.
      const describer = ['email', 'agency'].includes(field)
        ? target
        : tags(html, 'fieldset').filter((f) => f.at < messageEl.at).pop()!;
      expect(describer.attrs['aria-describedby']!.split(' ')).toContain(`${field}-error`);
    }
  });

  it('leaves valid fields unmarked', () => {
    expect(byId(html, 'role')!.attrs['aria-invalid']).toBeUndefined();
    expect(byId(html, 'role-error')).toBeUndefined();
  });

  it('lists a message that belongs to no field without a dead link', () => {
    const other = subscribePage({ errors: [{ field: 'form', message: 'Something went wrong with the form.' }] }).html;
    expect(visibleText(other)).toContain('Something went wrong with the form.');
    expect(other).not.toContain('href="#form"');
  });
});

// ---- escaping -----------------------------------------------------------------------------------

describe('escaping', () => {
  const pages = [
    subscribePage({ values: { email: HOSTILE, topics: [HOSTILE] }, errors: [{ field: 'email', message: HOSTILE }] }).html,
    preferencesPage({ token: HOSTILE, summary: summary({ maskedEmail: HOSTILE }) }).html,
    preferencesPage({ token: HOSTILE }).html,
    unsubscribeConfirmPage({ token: HOSTILE }).html,
    confirmedPage({ manageUrl: `https://briefings.example.org/?${HOSTILE}`, summary: summary({ maskedEmail: HOSTILE }) }).html,
  ];

  it.each(pages.map((html, i) => [i, html]))('never writes a hostile value unescaped (page %i)', (_i, html) => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<script>');
    expect(unbalancedTags(html)).toEqual([]);
  });

  it('keeps the hostile value intact as data, so the form round-trips', () => {
    expect(byId(pages[0]!, 'email')!.attrs.value).toBe(HOSTILE);
    expect(tags(pages[1]!, 'input').filter((i) => i.attrs.name === 't').map((i) => i.attrs.value)).toEqual([HOSTILE, HOSTILE]);
    expect(pages[1]).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('links the manage URL only when it is a web address', () => {
    const bad = confirmedPage({ manageUrl: 'javascript:alert(1)', summary: summary() }).html;
    expect(bad).not.toContain('javascript:');
    expect(visibleText(bad)).toContain('link at the bottom of every briefing');
  });
});

// ---- the other pages ----------------------------------------------------------------------------

describe('checkYourEmailPage', () => {
  it('reads the same every time and never says whether the address is subscribed', () => {
    const first = checkYourEmailPage();
    expect(checkYourEmailPage()).toEqual(first);
    expect(first.status).toBe(200);
    expect(visibleText(first.html)).toContain(
      'If this address can receive briefings, we have sent it an email with a link to confirm. The link works for 48 hours.',
    );
    expect(visibleText(first.html)).not.toMatch(/already|not subscribed|is subscribed/i);
  });
});

describe('confirmedPage', () => {
  const { html } = confirmedPage({ manageUrl: MANAGE_URL, summary: summary() });

  it('says the subscription is confirmed and shows the choices by label, not id', () => {
    expect(h1Of(html)).toBe('Subscription confirmed');
    const text = visibleText(html);
    for (const label of [AGENCIES.health, ROLES.dsl, TOPICS.neglect, TOPICS.info_sharing, FREQUENCY_LABELS.weekly]) expect(text).toContain(label);
    expect(text).not.toMatch(/\b(info_sharing|dsl)\b/);
    expect(text).toContain('a***@example.org');
  });

  it('links to the given manage URL', () => {
    expect(tags(html, 'a').map((a) => a.attrs.href)).toContain(MANAGE_URL);
  });

  it('names "All topics, including new ones" when that was the choice', () => {
    expect(visibleText(confirmedPage({ manageUrl: MANAGE_URL, summary: summary({ topics: 'all' }) }).html)).toContain(
      'All topics, including new ones',
    );
  });
});

describe('linkProblemPage', () => {
  const textOf = (problem: LinkProblem, purpose?: 'confirm' | 'manage' | 'unsubscribe') => visibleText(linkProblemPage(problem, { purpose }).html);

  it('sends someone with an expired confirm link to subscribe again', () => {
    const { html } = linkProblemPage('expired', { purpose: 'confirm' });
    expect(h1Of(html)).toBe('This link has expired');
    expect(tags(html, 'a').map((a) => a.attrs.href)).toContain('/subscribe');
    expect(visibleText(html)).toContain('48 hours');
  });

  it.each(['manage', 'unsubscribe'] as const)('sends someone with an expired %s link to a more recent briefing', (purpose) => {
    expect(textOf('expired', purpose)).toContain('Use the link at the bottom of a more recent briefing');
  });

  it.each(['malformed', 'tampered'] as const)('tells someone with a %s link to copy the whole link', (problem) => {
    expect(h1Of(linkProblemPage(problem).html)).toBe('This link is not complete or has been changed');
    expect(textOf(problem)).toContain('copy the whole link');
  });

  it('explains a link used on the wrong page, a missing link, a replaced link and an unknown one', () => {
    expect(textOf('wrong-purpose', 'manage')).toContain('select the link for what you want to do');
    expect(textOf('missing')).toContain('copy the whole link');
    expect(textOf('stale', 'confirm')).toContain('newest confirmation email');
    expect(textOf('unknown', 'confirm')).toContain('subscribe again');
  });

  it('never shows technical words', () => {
    for (const problem of PROBLEMS) expect(textOf(problem)).not.toMatch(/token|stack|HMAC|exception|tamper|malformed|stale/i);
  });
});

describe('preferencesPage', () => {
  it('for a list member, explains the list and offers only "Unsubscribe from all briefings"', () => {
    const { html } = preferencesPage({ token: TOKEN });
    expect(visibleText(html)).toContain('distribution list');
    expect(forms(html)).toHaveLength(1);
    expect(tags(html, 'form')[0]!.attrs).toMatchObject({ method: 'post', action: '/unsubscribe' });
    expect(controls(html)).toEqual([]);
    expect(tags(html, 'input').map((i) => [i.attrs.type, i.attrs.name, i.attrs.value])).toEqual([['hidden', 't', TOKEN]]);
    expect([...html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => m[1])).toEqual(['Unsubscribe from all briefings']);
  });

  it('for a subscriber, offers a pre-filled preferences form and a separate unsubscribe form, each carrying the token', () => {
    const { html } = preferencesPage({ token: TOKEN, summary: summary() });
    const [prefs, unsubscribe] = forms(html);
    expect(tags(prefs!, 'form')[0]!.attrs).toMatchObject({ method: 'post', action: '/preferences' });
    expect(tags(unsubscribe!, 'form')[0]!.attrs).toMatchObject({ method: 'post', action: '/unsubscribe' });
    for (const form of [prefs!, unsubscribe!]) expect(tags(form, 'input').find((i) => i.attrs.name === 't')?.attrs).toMatchObject({ type: 'hidden', value: TOKEN });
    expect(prefs).toContain('>Save preferences</button>');
    expect(unsubscribe).toContain('>Unsubscribe from all briefings</button>');
    expect(new Set(controls(prefs!).map((c) => c.attrs.name))).toEqual(new Set(['agency', 'role', 'topics', 'frequency']));
    expect(prefs).toMatch(/<option value="health" selected>/);
    expect(prefs).toMatch(/<option value="dsl" selected>/);
    expect(tags(prefs!, 'input').filter((i) => 'checked' in i.attrs).map((i) => i.attrs.value)).toEqual(['neglect', 'info_sharing', 'weekly']);
    expect(visibleText(html)).toContain('Preferences for a***@example.org');
    expect(visibleText(html)).not.toContain('Your preferences are saved');
  });

  it('ticks "All topics" for someone who chose all', () => {
    const { html } = preferencesPage({ token: TOKEN, summary: summary({ topics: 'all' }) });
    expect(tags(html, 'input').filter((i) => i.attrs.name === 'topics' && 'checked' in i.attrs).map((i) => i.attrs.value)).toEqual(['all']);
  });

  it('shows a success banner once saved', () => {
    const { html, status } = preferencesPage({ token: TOKEN, summary: summary(), saved: true });
    expect(status).toBe(200);
    expect(visibleText(main(html).split('<h1>')[0]!)).toContain('Your preferences are saved');
  });

  it('re-shows what was sent, not what is stored, when there are errors', () => {
    const { html, status } = preferencesPage({
      token: TOKEN,
      summary: summary(),
      values: { agency: 'police', role: 'manager', topics: [], frequency: 'immediately' },
      errors: [{ field: 'topics', message: 'Choose at least one topic, or All topics.' }],
      saved: true,
    });
    expect(status).toBe(400);
    expect(titleOf(html)).toMatch(/^Error: /);
    expect(html).toMatch(/<option value="police" selected>/);
    expect(tags(html, 'input').filter((i) => 'checked' in i.attrs).map((i) => i.attrs.value)).toEqual(['immediately']);
    expect(byId(html, 'topics')!.attrs['aria-invalid']).toBe('true');
    expect(html).toContain('<a href="#topics">Choose at least one topic, or All topics.</a>');
    expect(visibleText(html)).not.toContain('Your preferences are saved');
  });

  it('tells an unsubscribed person that saving sends a link to confirm, not that it resumes at once', () => {
    const { html } = preferencesPage({ token: TOKEN, summary: summary({ status: 'unsubscribed' }) });
    expect(visibleText(html)).toContain('You are unsubscribed');
    expect(visibleText(html)).toContain('save your preferences: we will email you a link to confirm.');
    expect(forms(html).map((f) => tags(f, 'form')[0]!.attrs.action)).toEqual(['/preferences']);
  });
});

describe('unsubscribeConfirmPage', () => {
  const { html, status } = unsubscribeConfirmPage({ token: TOKEN });

  it('asks first: a POST form with the token and a confirm button', () => {
    expect(status).toBe(200);
    expect(tags(html, 'form').map((f) => f.attrs)).toEqual([{ method: 'post', action: '/unsubscribe', novalidate: '' }]);
    expect(tags(html, 'input').map((i) => i.attrs)).toEqual([{ type: 'hidden', name: 't', value: TOKEN }]);
    expect(html).toMatch(/<button type="submit"[^>]*>Unsubscribe from all briefings<\/button>/);
  });

  it('has no link a mail scanner could follow to unsubscribe', () => {
    for (const a of tags(html, 'a')) expect(a.attrs.href).not.toMatch(/unsubscribe|t=/);
    expect(html.split(TOKEN)).toHaveLength(2);
  });
});

describe('confirmSubscriptionPage', () => {
  const { html, status } = confirmSubscriptionPage({ token: TOKEN });

  it('asks first: a POST form with the token and a confirm button, and no link that confirms', () => {
    expect(status).toBe(200);
    expect(tags(html, 'form').map((f) => f.attrs)).toEqual([{ method: 'post', action: '/confirm', novalidate: '' }]);
    expect(tags(html, 'input').map((i) => i.attrs)).toEqual([{ type: 'hidden', name: 't', value: TOKEN }]);
    expect(html).toMatch(/<button type="submit"[^>]*>Confirm my subscription<\/button>/);
    for (const a of tags(html, 'a')) expect(a.attrs.href).not.toMatch(/confirm|t=/);
  });

  it('escapes a hostile token', () => {
    expect(confirmSubscriptionPage({ token: HOSTILE }).html).not.toContain(HOSTILE);
  });
});

describe('unsubscribedPage, tooManyRequestsPage, notFoundPage, serverErrorPage', () => {
  it('confirms the unsubscribe and offers a way back', () => {
    const { html } = unsubscribedPage();
    expect(visibleText(html)).toContain('You are unsubscribed. You will not receive any more briefings.');
    expect(tags(html, 'a').map((a) => a.attrs.href)).toEqual(['/subscribe']);
  });

  it('asks to try again in an hour, saying nothing about any address', () => {
    const text = visibleText(tooManyRequestsPage().html);
    expect(text).toContain('try again in an hour');
    expect(text).not.toMatch(/@|address|subscribed/i);
  });

  it('keeps the error pages generic', () => {
    expect(h1Of(notFoundPage().html)).toBe('Page not found');
    expect(visibleText(serverErrorPage().html)).not.toMatch(/Error|stack|at \w+ \(/);
  });
});

describe('the partnership, named on every page', () => {
  afterEach(() => configurePages({}));

  it("names the deployment's partnership in the header and the footer, escaped", () => {
    configurePages({ partnershipName: 'Exampleshire & District <Children’s> Partnership' });
    for (const { html } of [subscribePage(), notFoundPage()]) {
      expect(visibleText(html)).toContain('Safeguarding learning briefings from Exampleshire & District <Children’s> Partnership.');
      expect(html).toContain('Exampleshire &amp; District &lt;Children’s&gt; Partnership: safeguarding learning briefings');
    }
  });

  it('says "your local safeguarding children partnership" when none is set', () => {
    expect(visibleText(subscribePage().html)).toContain('Safeguarding learning briefings from your local safeguarding children partnership.');
  });

  it("shows the deployment's https logo in the header and its contact details in the footer, escaped; never an http logo", () => {
    configurePages({ partnershipName: 'Exampleshire Partnership', logoUrl: 'https://www.example.org/logo.png?a=1&b=2', contactDetails: 'learning@example.org <Mon–Fri>' });
    const html = notFoundPage().html;
    const header = /<header[^>]*>([\s\S]*?)<\/header>/.exec(html)![1]!;
    expect(tags(header, 'img').map((img) => [img.attrs.src, img.attrs.alt])).toEqual([['https://www.example.org/logo.png?a=1&b=2', '']]);
    const footer = /<footer[^>]*>([\s\S]*?)<\/footer>/.exec(html)![1]!;
    expect(footer).toContain('learning@example.org &lt;Mon–Fri&gt;');
    configurePages({ logoUrl: 'http://www.example.org/logo.png' });
    expect(tags(notFoundPage().html, 'img')).toEqual([]);
  });
});
