import { simpleParser } from 'mailparser';
import { escapeHtml } from '../../shared/render/html';
import { readersPhrase, withSourceKind } from '../../shared/render/words';
import { renderBriefing, type BriefingLinks } from '../../shared/render/email/briefing';
import { parseFinding, type Finding } from '../../shared/core/finding/finding';
import { sample, validFinding } from '../support/findings';
import { composeBriefingMime } from '../../shared/render/email/mime';
import { AGENCY_IDS, ROLE_IDS, ROLE_PROMPTS } from '../../shared/core/taxonomy';

const links: BriefingLinks = {
  unsubscribeUrl: 'https://briefings.example.org/unsubscribe?t=signed-token',
  manageUrl: 'https://briefings.example.org/preferences?t=signed-token',
};
const police = { name: 'Alex Example', agency: 'police', role: 'frontline' } as const;
const health = { name: 'Jo Sample', agency: 'health', role: 'dsl' } as const;

const h2s = (html: string) => [...html.matchAll(/<h2[^>]*>(.*?)<\/h2>/g)].map((m) => m[1]);

describe('renderBriefing: structure', () => {
  const { html } = renderBriefing(validFinding(), police, links);

  it('has the seven sections as h2 headings, in the 7-minute briefing order', () => {
    expect(h2s(html)).toEqual([
      '1. Background',
      '2. Why it matters',
      '3. What was found',
      '4. Learning',
      '5. What good looks like',
      '6. Reflect: questions for your team',
      '7. What should I do?',
      'Further reading',
    ]);
  });

  it('omits "What good looks like" when there is no good practice, keeping the numbering continuous', () => {
    const { goodPractice: _omit, ...withoutGoodPractice } = sample;
    const result = parseFinding(withoutGoodPractice);
    if (!result.ok) throw new Error('fixture invalid');
    const headings = h2s(renderBriefing(result.finding, police, links).html);
    expect(headings).not.toContain(expect.stringContaining('What good looks like'));
    expect(headings.slice(0, 6)).toEqual([
      '1. Background',
      '2. Why it matters',
      '3. What was found',
      '4. Learning',
      '5. Reflect: questions for your team',
      '6. What should I do?',
    ]);
  });

  it('has one h1, the finding title, before every h2', () => {
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toMatch(/<h1[^>]*>Child Protection in England<\/h1>/);
    expect(html.indexOf('<h1')).toBeLessThan(html.indexOf('<h2'));
  });

  it('puts every finding, learning point and question in the body', () => {
    for (const text of [...sample.findings, ...sample.learning, ...sample.questions, ...sample.goodPractice]) {
      expect(html).toContain(escapeHtml(text));
    }
  });

  it('cites the source with its label, name, date and link', () => {
    // The name says it is a national review: the kind is not put in front of it again.
    expect(html).toContain('Child Protection in England: national review, published May 2022');
    expect(html).not.toContain('National review: Child Protection in England: national review');
    expect(html).toContain('href="https://www.example.org/reviews/child-protection-in-england"');
  });

  it('writes a full date as "3 May 2022"', () => {
    const finding = validFinding({ source: { ...sample.source, published: '2022-05-03' } });
    expect(renderBriefing(finding, police, links).html).toContain('published 3 May 2022');
  });

  it('greets the reader and says, as a person would, whom it is written for', () => {
    expect(html).toContain('Dear Alex Example,');
    expect(html).toContain('This 7-minute learning briefing is written for frontline practitioners in the police.');
  });

  it.each(AGENCY_IDS.flatMap((agency) => ROLE_IDS.map((role) => [agency, role] as const)))('names %s / %s readers in plain words', (agency, role) => {
    const phrase = readersPhrase({ agency, role });
    expect(phrase).toMatch(/^[A-Za-z][A-Za-z ’'/-]+ in [a-z][A-Za-z ’']+$/);
    expect(phrase).not.toMatch(/,|\/ |MASH \/ front door/);
    const { text } = renderBriefing(validFinding(), { ...police, agency, role }, links);
    expect(text).toContain(`written for ${phrase}.`);
  });

  it('puts the kind of source in front of a name that does not say it, and leaves it out where the name does', () => {
    expect(withSourceKind('jtai', 'Joint targeted area inspection of the multi-agency response to children at risk')).toBe(
      'Joint targeted area inspection of the multi-agency response to children at risk',
    );
    expect(withSourceKind('rapid_review', 'Bruising in a non-mobile infant')).toBe('Rapid review: Bruising in a non-mobile infant');
    expect(withSourceKind('lcspr', 'Local Child Safeguarding Practice Review: Child T')).toBe('Local Child Safeguarding Practice Review: Child T');
    expect(withSourceKind('other', 'Working Together to Safeguard Children 2023')).toBe('Working Together to Safeguard Children 2023');
    const jtai = validFinding({ title: 'Joint targeted area inspection of Exampleshire', source: { ...sample.source, type: 'jtai', name: 'Joint targeted area inspection of Exampleshire' } });
    const rendered = renderBriefing(jtai, police, links);
    expect(rendered.subject).toBe('Joint targeted area inspection of Exampleshire');
    expect(rendered.text).not.toMatch(/Joint targeted area inspection: Joint targeted area inspection/);
  });

  it('says when it was issued, and by which partnership', () => {
    const issued = renderBriefing(validFinding(), police, links, { issuedAt: '2026-12-03T09:15:00Z', partnershipName: 'Exampleshire Safeguarding Children Partnership' });
    for (const body of [issued.html, issued.text]) {
      expect(body).toContain('Issued 3 December 2026');
      expect(body).toContain('You receive learning briefings from Exampleshire Safeguarding Children Partnership.');
    }
    const v2 = renderBriefing(validFinding({ version: 2 }), police, links, { issuedAt: '2026-06-30T23:30:00Z' });
    expect(v2.text).toContain('Issued 1 July 2026 (version 2)'); // UK time: 00:30 on 1 July
  });

  it("carries the deployment's branding: its https logo above the briefing, its contact details in the footer, both escaped", () => {
    const branded = renderBriefing(validFinding(), police, links, {
      partnershipName: 'Exampleshire "Safeguarding" Partnership',
      logoUrl: 'https://www.example.org/logo.png?a=1&b=2',
      contactDetails: 'learning@example.org · 01632 960000 <office hours>',
    });
    expect(branded.html).toMatch(/^[\s\S]*<img src="https:\/\/www\.example\.org\/logo\.png\?a=1&amp;b=2" alt="Exampleshire &quot;Safeguarding&quot; Partnership"[^>]*>\s*<h1/);
    expect(branded.html).toContain('learning@example.org · 01632 960000 &lt;office hours&gt;');
    expect(branded.text).toContain('learning@example.org · 01632 960000 <office hours>');
    // A logo that is not https (mail clients warn about or block it) is left out; so is no branding at all.
    expect(renderBriefing(validFinding(), police, links, { logoUrl: 'http://www.example.org/logo.png' }).html).not.toContain('<img');
    expect(renderBriefing(validFinding(), police, links).html).not.toContain('<img');
  });
});

describe('renderBriefing: actions are tailored to the agency', () => {
  const policeAction = sample.actions.police[0]!;
  const healthAction = escapeHtml(sample.actions.health[0]!);
  const everyoneAction = sample.actions.all[0]!;

  it('shows a police reader the police and shared actions, never health’s', () => {
    const { html, text } = renderBriefing(validFinding(), police, links);
    expect(html).toContain(policeAction);
    expect(html).toContain(everyoneAction);
    expect(html).not.toContain(healthAction);
    expect(text).not.toContain(sample.actions.health[0]!);
    // The agency's own actions come first, under the agency's name.
    expect(html.indexOf('>Police</h3>')).toBeLessThan(html.indexOf(policeAction));
    expect(html.indexOf(policeAction)).toBeLessThan(html.indexOf('>Everyone</h3>'));
    expect(html.indexOf('>Everyone</h3>')).toBeLessThan(html.indexOf(everyoneAction));
  });

  it('shows a health reader the health and shared actions, never the police’s', () => {
    const { html, text } = renderBriefing(validFinding(), health, links);
    expect(html).toContain(healthAction);
    expect(html).toContain(everyoneAction);
    expect(html).not.toContain(policeAction);
    expect(text).not.toContain(policeAction);
    expect(html).toContain('>Health</h3>');
  });

  it('shows only the shared actions to an agency that has none of its own', () => {
    const { html } = renderBriefing(validFinding(), { name: 'Sam', agency: 'education', role: 'dsl' }, links);
    expect(html).toContain(everyoneAction);
    expect(html).not.toContain(policeAction);
    expect(html).not.toContain(healthAction);
    expect(html).not.toContain('>Education</h3>');
  });

  it('points to the questions when there are no actions for the reader at all', () => {
    const finding = validFinding({ actions: { police: sample.actions.police } });
    const { html, text } = renderBriefing(finding, { name: 'Sam', agency: 'housing', role: 'manager' }, links);
    expect(html).toContain('no agency-specific actions for Housing');
    expect(html).toContain('reflection questions');
    expect(html).not.toContain(policeAction);
    expect(text).toContain('no agency-specific actions for Housing');
  });
});

describe('renderBriefing: subject', () => {
  it('is the source label and the title', () => {
    expect(renderBriefing(validFinding(), police, links).subject).toBe('National review: Child Protection in England');
  });

  it('says when a finding is re-issued', () => {
    expect(renderBriefing(validFinding({ version: 3 }), police, links).subject).toBe(
      'Re-issued (version 3): National review: Child Protection in England',
    );
  });

  it('is a single line whatever the title holds', () => {
    const subject = renderBriefing(validFinding({ title: 'Child Protection\r\n in   England\nBcc: x@example.org' }), police, links).subject;
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toBe('National review: Child Protection in England Bcc: x@example.org');
  });
});

describe('renderBriefing: escaping', () => {
  const hostile = '<script>alert(1)</script> "quotes" & <b>';
  const finding = validFinding({
    title: `Review ${hostile}`,
    background: `Background ${hostile}`,
    actions: { police: [`Act ${hostile}`], all: ['Everyone acts'] },
  });

  it('escapes finding text in the HTML and lets no script through', () => {
    const { html } = renderBriefing(finding, police, links);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>');
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &lt;b&gt;';
    expect(html).toContain(`<h1 style="${html.match(/<h1 style="([^"]*)"/)![1]}">Review ${escaped}</h1>`);
    expect(html).toContain(`Background ${escaped}`);
    expect(html).toContain(`Act ${escaped}`);
  });

  it('escapes the recipient name', () => {
    const { html } = renderBriefing(validFinding(), { ...police, name: '<img src=x onerror=alert(1)> "O\'Neil" & co' }, links);
    expect(html).not.toContain('<img');
    expect(html).toContain('Dear &lt;img src=x onerror=alert(1)&gt; &quot;O&#39;Neil&quot; &amp; co,');
  });

  it('escapes all five special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml('plain text')).toBe('plain text');
  });

  it('never puts a non-web URL in an href, even if one gets past the schema', () => {
    const finding = validFinding();
    const tampered: Finding = {
      ...finding,
      source: { ...finding.source, url: 'javascript:alert(1)' },
      furtherReading: [{ title: 'Bad link', url: 'javascript:alert(2)' }],
    };
    const { html, text } = renderBriefing(tampered, police, { ...links, acknowledgeUrl: 'data:text/html,hi' });
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('data:text');
    expect(html).toContain('Bad link');
    expect(text).not.toContain('javascript:');
  });

  it('escapes URLs inside href', () => {
    const { html } = renderBriefing(validFinding(), police, { unsubscribeUrl: 'https://b.example.org/u?d=1&x="y"' });
    expect(html).toContain('href="https://b.example.org/u?d=1&amp;x=&quot;y&quot;"');
  });
});

describe('renderBriefing: accessible, responsive HTML', () => {
  const { html } = renderBriefing(validFinding(), police, links);

  it('is a complete British English document with charset and viewport', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en-GB"');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('is a single 600px column that still fits 320px', () => {
    expect(html).toContain('max-width:600px');
    expect(html).toContain('overflow-wrap:anywhere');
    // Only classic Outlook on the desktop reads what is inside [if mso] comments (its 600 px table); every phone client skips it.
    const phones = html.replace(/<!--\[if mso\]>[\s\S]*?<!\[endif\]-->/g, '');
    const fixedWidths = [...phones.matchAll(/(?<![-\w])width:\s*(\d+)px/g)].map((m) => Number(m[1]));
    expect(fixedWidths.filter((w) => w > 320)).toEqual([]);
    expect(phones).not.toMatch(/\swidth="\d{4,}|\swidth="([4-9]\d\d)"/);
  });

  it('uses readable text: at least 16px, AA colours', () => {
    const sizes = [...html.matchAll(/font-size:\s*(\d+)px/g)].map((m) => Number(m[1]));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(16);
    expect(html).toContain('color:#1b1b1b');
    expect(html).toContain('background-color:#ffffff');
    expect(html).toContain('color:#1d4f91');
  });

  it('has no external resources or style blocks that mail clients strip', () => {
    expect(html).not.toMatch(/<link|<img|<script|<style/i);
  });
});

describe('renderBriefing: footer', () => {
  it('links to preferences and unsubscribe, and the further reading', () => {
    const { html } = renderBriefing(validFinding(), police, links);
    expect(html).toContain(`href="${escapeHtml(links.unsubscribeUrl)}"`);
    expect(html).toContain(`href="${escapeHtml(links.manageUrl!)}"`);
    expect(html).toContain('>Unsubscribe</a>');
    expect(html).toContain('>Manage your preferences</a>');
    expect(html).toContain('href="https://www.example.org/working-together"');
  });

  it('shows the acknowledge link only when there is one', () => {
    expect(renderBriefing(validFinding(), police, links).html).not.toContain('I have read this');
    const { html, text } = renderBriefing(validFinding(), police, { ...links, acknowledgeUrl: 'https://briefings.example.org/ack?d=1' });
    expect(html).toContain('href="https://briefings.example.org/ack?d=1"');
    expect(html).toContain('I have read this briefing');
    expect(text).toContain('I have read this briefing: https://briefings.example.org/ack?d=1');
  });

  it('leaves out further reading when there is none', () => {
    const { furtherReading: _omit, ...rest } = sample;
    const result = parseFinding(rest);
    if (!result.ok) throw new Error('fixture invalid');
    const { html, text } = renderBriefing(result.finding, police, links);
    expect(html).not.toContain('Further reading');
    expect(text).not.toContain('FURTHER READING');
  });
});

describe('renderBriefing: text alternative', () => {
  const { text } = renderBriefing(validFinding(), police, links);

  it('has the same sections, in order, as uppercase headings', () => {
    const headings = [
      '1. BACKGROUND',
      '2. WHY IT MATTERS',
      '3. WHAT WAS FOUND',
      '4. LEARNING',
      '5. WHAT GOOD LOOKS LIKE',
      '6. REFLECT: QUESTIONS FOR YOUR TEAM',
      '7. WHAT SHOULD I DO?',
    ];
    const positions = headings.map((h) => text.indexOf(`\n${h}\n`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('writes bullets and links in full, with no HTML', () => {
    expect(text).toContain(`- ${sample.findings[0]}`);
    expect(text).toContain(`Unsubscribe: ${links.unsubscribeUrl}`);
    expect(text).toContain(`Manage your preferences: ${links.manageUrl}`);
    expect(text).toContain('https://www.example.org/reviews/child-protection-in-england');
    expect(text).toContain('- Working together to safeguard children: https://www.example.org/working-together');
    expect(text).toContain('Dear Alex Example,');
    expect(text).not.toMatch(/<\/?[a-z][^>]*>/i);
    expect(text).not.toContain('&amp;');
  });
});

describe('renderBriefing: robust and fast', () => {
  it('opens "What should I do" with a prompt for the reader\'s role, and only theirs', () => {
    const asFrontline = renderBriefing(validFinding(), police, links);
    const asDsl = renderBriefing(validFinding(), health, links);
    expect(asFrontline.text).toContain(ROLE_PROMPTS.frontline);
    expect(asFrontline.text).not.toContain(ROLE_PROMPTS.dsl);
    expect(asDsl.html).toContain(escapeHtml(ROLE_PROMPTS.dsl));
    expect(asDsl.html).not.toContain(escapeHtml(ROLE_PROMPTS.frontline));
  });

  it('renders for every agency and role without throwing', () => {
    const finding = validFinding();
    for (const agency of AGENCY_IDS) {
      for (const role of ROLE_IDS) {
        const out = renderBriefing(finding, { name: 'Sam', agency, role }, links);
        expect(out.html.length).toBeGreaterThan(0);
      }
    }
  });

  it('renders a minimal finding (only required fields) without throwing', () => {
    const minimal = validFinding({ goodPractice: undefined, furtherReading: undefined, source: { type: 'audit', name: 'Made-up audit (demo data)', published: '2023-11' }, actions: { all: ['Read it.'] } });
    const { html, text } = renderBriefing(minimal, police, { unsubscribeUrl: 'https://b.example.org/u?d=1' });
    expect(html).toContain('Multi-agency audit: Made-up audit (demo data), published November 2023');
    expect(text).toContain('Unsubscribe: https://b.example.org/u?d=1');
  });

  it('renders in well under a millisecond on average', () => {
    const finding = validFinding();
    renderBriefing(finding, police, links);
    const runs = 500;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) renderBriefing(finding, police, links);
    const perRenderMs = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    // Generous bound so a busy CI machine does not flake; a typical render is ~30 µs.
    expect(perRenderMs).toBeLessThan(1);
  });
});

describe('composeBriefingMime', () => {
  const rendered = renderBriefing(validFinding({ version: 2 }), police, links);
  const build = (headers?: Record<string, string>) =>
    composeBriefingMime({
      from: 'Safeguarding briefings <briefings@example.org>',
      to: { name: 'Alex Example', email: 'alex.taylor@example.org' },
      rendered,
      unsubscribeUrl: links.unsubscribeUrl,
      headers,
    });
  /** Header section with folded lines joined back up. */
  const headerBlock = (raw: Buffer) => raw.toString('utf8').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');

  it('sets the one-click unsubscribe headers', async () => {
    const head = headerBlock(await build());
    expect(head).toMatch(new RegExp(`^List-Unsubscribe: <${links.unsubscribeUrl.replace(/[.?#]/g, '\\$&')}>$`, 'm'));
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  });

  it('is multipart/alternative with the text and HTML parts and the subject', async () => {
    const raw = await build();
    expect(headerBlock(raw)).toMatch(/^Content-Type: multipart\/alternative;/m);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Re-issued (version 2): National review: Child Protection in England');
    expect(parsed.text?.trim()).toBe(rendered.text.trim());
    expect(parsed.html).toContain('<h1');
    expect(parsed.html).toContain('Child Protection in England');
    const lines = new Map(parsed.headerLines.map((h) => [h.key, h.line]));
    expect(lines.get('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(lines.get('list-unsubscribe')?.replace(/\r?\n[ \t]+/g, ' ')).toBe(`List-Unsubscribe: <${links.unsubscribeUrl}>`);
  });

  it('adds extra headers on one line, and never lets them replace the unsubscribe headers', async () => {
    const head = headerBlock(
      await build({ 'X-Briefing-Id': 'cpie-2022\r\nBcc: someone@example.org', 'List-Unsubscribe': '<https://evil.example.org>' }),
    );
    expect(head).toMatch(/^X-Briefing-Id: cpie-2022 Bcc: someone@example.org$/im);
    expect(head).not.toMatch(/^Bcc:/im);
    expect(head).not.toContain('evil.example.org');
    expect(head.match(/^List-Unsubscribe:/gm)).toHaveLength(1);
  });

  it('rejects an unsubscribe URL that is not a web address', async () => {
    await expect(
      composeBriefingMime({ from: 'a@example.org', to: { name: 'A', email: 'b@example.org' }, rendered, unsubscribeUrl: 'mailto:x' }),
    ).rejects.toMatchObject({ name: 'BriefingMimeError' });
  });
});

describe('the sender', () => {
  it.each([
    ['Exampleshire Safeguarding Children Partnership'],
    ["Ynys Môn's Children's Partnership, North"],
  ])('is shown by the partnership name %p, quoted or encoded as the RFC says', async (name) => {
    const raw = await composeBriefingMime({ from: 'briefings@example.org', fromName: name, to: { name: 'Alex Example', email: 'alex@example.org' }, rendered: renderBriefing(validFinding(), police, links) });
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ name, address: 'briefings@example.org' }]);
    // Header lines stay ASCII: a name with an accent is RFC 2047-encoded.
    const fromLine = raw.toString('latin1').split('\r\n').find((line) => line.startsWith('From:'))!;
    expect(fromLine).toMatch(/^[\x20-\x7e]+$/);
  });

  it('is the bare address when no name is given', async () => {
    const raw = await composeBriefingMime({ from: 'briefings@example.org', to: { name: '', email: 'alex@example.org' }, rendered: renderBriefing(validFinding(), police, links) });
    expect((await simpleParser(raw)).from?.value).toEqual([{ name: '', address: 'briefings@example.org' }]);
  });
});

describe('the layout in classic Outlook', () => {
  it('holds the 600 px column in a table only Outlook reads, around the whole content (conditional comments)', () => {
    const { html } = renderBriefing(validFinding(), police, links);
    const open = html.indexOf('<!--[if mso]><table role="presentation" width="600"');
    const close = html.indexOf('<!--[if mso]></td></tr></table><![endif]-->');
    expect(open).toBeGreaterThan(html.indexOf('<body'));
    expect(open).toBeLessThan(html.indexOf('<h1'));
    expect(close).toBeGreaterThan(html.lastIndexOf('Unsubscribe'));
    expect(close).toBeLessThan(html.indexOf('</body>'));
    // Every other client sees no table: outside the comments the layout is the fluid 600 px max-width column.
    const withoutComments = html.replace(/<!--\[if mso\]>[\s\S]*?<!\[endif\]-->/g, '');
    expect(withoutComments).not.toMatch(/<table/);
    expect(withoutComments).toMatch(/max-width:600px/);
  });
});
