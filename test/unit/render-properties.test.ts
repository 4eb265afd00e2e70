import fc from 'fast-check';
import { escapeHtml } from '../../shared/render/html';
import { renderBriefing } from '../../shared/render/email/briefing';
import { singleLine } from '../../shared/render/words';
import { parseFinding, type Finding } from '../../shared/core/finding/finding';
import { base } from '../fixtures/bad-input/corpus';
import { findingArb, HTML_FRAGMENTS, rawFindingArb, readerArb, textArb } from '../support/finding-arbitrary';

/**
 * Properties of the schema and the renderer over generated input: parseFinding answers
 * anything with ok or field-level errors and never throws; any valid finding renders for
 * any reader, and text from the admin (full of < > & " ' and markup) reaches the HTML only
 * escaped. Runs are kept modest so the file takes a few seconds.
 */

const RUNS = { numRuns: 150 };
const links = { unsubscribeUrl: 'https://www.example.org/unsubscribe?token=abc&x=1', manageUrl: 'https://www.example.org/manage' };

/** Anything the JSON view of the console, an unmarshalled stream image or a file could hold. */
const jsonish = fc.anything({ withBigInt: true, withSet: true, withMap: true, withDate: true, withSparseArray: true, maxDepth: 3 });

function expectFieldLevelAnswer(input: unknown) {
  const result = parseFinding(input);
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(typeof error.field).toBe('string');
    expect(error.field.length).toBeGreaterThan(0);
    expect(typeof error.message).toBe('string');
    expect(error.message.trim().length).toBeGreaterThan(0);
  }
}

describe('parseFinding answers any input without throwing', () => {
  test('anything at all', () => {
    fc.assert(fc.property(jsonish, expectFieldLevelAnswer), RUNS);
  });

  test('any object', () => {
    fc.assert(fc.property(fc.object({ maxDepth: 3, withNullPrototype: true }), expectFieldLevelAnswer), RUNS);
  });

  test('a valid item with any one attribute replaced by anything', () => {
    const keys = Object.keys(base);
    fc.assert(
      fc.property(
        rawFindingArb,
        fc.constantFrom(...keys, 'source.type', 'source.url', 'topics[0]', 'actions.all', 'actions.police[0]'),
        jsonish,
        (raw, key, value) => {
          const item = structuredClone(raw) as Record<string, any>;
          if (key === 'source.type') item.source.type = value;
          else if (key === 'source.url') item.source.url = value;
          else if (key === 'topics[0]') item.topics = [value, ...(Array.isArray(item.topics) ? item.topics : [])];
          else if (key === 'actions.all') item.actions.all = value;
          else if (key === 'actions.police[0]') item.actions.police = [value];
          else item[key] = value;
          expectFieldLevelAnswer(item);
        },
      ),
      RUNS,
    );
  });

  // A console item with topics: [{ "M": { "toString": ... } }] unmarshalls to exactly this; it once threw.
  test('a map with an attribute named toString where an id or the status is expected gets a field-level error, never a throw', () => {
    const trap = { toString: 'neglect' };
    for (const item of [
      { ...base, topics: [trap] },
      { ...base, agencies: [trap] },
      { ...base, source: { ...(base.source as object), type: trap } },
      { ...base, status: trap },
    ]) {
      expect(() => parseFinding(item)).not.toThrow();
      expectFieldLevelAnswer(item);
    }
  });
});

/** The renderer's own tags: any other '<' in the HTML came from someone's text, unescaped. */
// The renderer's own tags, and Outlook's conditional comments with the table inside them.
const RENDERER_TAG = /^<(?:!DOCTYPE html>|!--\[if mso\]>|!\[endif\]-->|\/?(?:html|head|meta|title|body|div|h[1-3]|p|br|ul|li|a|table|tr|td)(?=[\s>/]))/;

describe('a valid finding renders for any reader, with the admin’s text escaped', () => {
  test('the generated findings carry HTML-ish text often', () => {
    const samples = fc.sample(findingArb, { numRuns: 200, seed: 1 });
    const withMarkup = samples.filter((f) => /[<>&"']/.test(JSON.stringify(f)));
    expect(withMarkup.length).toBeGreaterThan(150);
  });

  test('it never throws; every < in the HTML begins one of the renderer’s own tags', () => {
    fc.assert(
      fc.property(findingArb, readerArb, (finding, reader) => {
        const { html } = renderBriefing(finding, reader, links);
        for (const chunk of html.match(/<[^<]*/g) ?? []) expect(chunk).toMatch(RENDERER_TAG);
        // Outlook's conditional comments are the renderer's own, fixed strings; no other comment may appear.
        expect(html.replace(/<!--\[if mso\]>|<!\[endif\]-->/g, '')).not.toMatch(/<script|<img|<iframe|<x|<!--(?!DOCTYPE)/i);
      }),
      RUNS,
    );
  });

  test('the title and every listed item appear in the HTML escaped, exactly', () => {
    fc.assert(
      fc.property(findingArb, readerArb, (finding, reader) => {
        const { html } = renderBriefing(finding, reader, links);
        expect(html).toContain(`>${escapeHtml(finding.title)}</h1>`);
        for (const item of [...finding.findings, ...finding.learning, ...finding.questions, ...(finding.goodPractice ?? [])]) {
          expect(html).toContain(`>${escapeHtml(item)}</li>`);
        }
      }),
      RUNS,
    );
  });

  test('a title containing <x shows as &lt;x, never as a tag', () => {
    const withX = fc
      .tuple(findingArb, textArb(80), textArb(80))
      .map(([finding, before, after]) => parseFinding({ ...finding, title: `${before}<x ${after}` }))
      .filter((parsed): parsed is { ok: true; finding: Finding } => parsed.ok)
      .map((parsed) => parsed.finding);
    fc.assert(
      fc.property(withX, readerArb, (finding, reader) => {
        const { html, text } = renderBriefing(finding, reader, links);
        expect(html).toContain('&lt;x');
        expect(html).not.toContain('<x');
        expect(text).toContain('<x');
      }),
      RUNS,
    );
  });

  test('the subject is one line, and the text part carries the title as typed', () => {
    fc.assert(
      fc.property(findingArb, readerArb, (finding, reader) => {
        const { subject, text } = renderBriefing(finding, reader, links);
        expect(subject).not.toMatch(/[\r\n]/);
        expect(subject).toContain(singleLine(finding.title));
        expect(text).toContain(singleLine(finding.title));
      }),
      RUNS,
    );
  });

  test('the fragments themselves, as a whole title, are escaped', () => {
    for (const fragment of HTML_FRAGMENTS) {
      const parsed = parseFinding({ ...base, title: `Title ${fragment}` });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const { html } = renderBriefing(parsed.finding, { name: 'Reader Example', agency: 'police', role: 'frontline' }, links);
      expect(html).toContain(`>Title ${escapeHtml(fragment)}</h1>`);
    }
  });
});
