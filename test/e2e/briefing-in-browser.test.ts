/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { contrast } from '../support/contrast';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { renderBriefing } from '../../shared/render/email/briefing';
import { parseFinding, type Finding } from '../../shared/core/finding/finding';
import { launchChromium } from '../support/browser';

/**
 * The briefing as a practitioner sees it on a phone: rendered by Debian's chromium at
 * 320 px wide. Nothing may scroll sideways, headings run in order, and the text
 * colours meet WCAG AA contrast against their background.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

function seedFinding(): Finding {
  const raw = JSON.parse(readFileSync(join(__dirname, '../../infra/local/seed/findings/jtai-mash-solihull-2022.json'), 'utf8'));
  // A very long word and URL are what usually push an email sideways on a phone.
  raw.learning.push(`Escalate${'-without-delay'.repeat(12)} when a plan drifts.`);
  raw.furtherReading = [{ title: 'A long address', url: `https://www.example.org/${'very-long-path-segment/'.repeat(8)}` }];
  const parsed = parseFinding(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.finding;
}


test('at 320 px nothing scrolls sideways, headings are in order, and text contrast passes WCAG AA', async () => {
  const { html } = renderBriefing(seedFinding(), { name: 'Phone Reader', agency: 'police', role: 'frontline' }, { unsubscribeUrl: 'https://briefings.example.org/unsubscribe?t=x', manageUrl: 'https://briefings.example.org/preferences?t=x' });
  const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
  await page.setContent(html);

  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(320);

  const headings = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3')].map((h) => h.tagName));
  expect(headings[0]).toBe('H1');
  expect(headings.filter((h) => h === 'H1')).toHaveLength(1);
  expect(await page.getAttribute('html', 'lang')).toBe('en-GB');

  const pairs = await page.evaluate(() => {
    const parse = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    const backgroundOf = (el: Element | null): string => {
      for (let node = el; node; node = node.parentElement) {
        const bg = getComputedStyle(node).backgroundColor;
        if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    return [...document.querySelectorAll('p, li, h1, h2, h3, a')]
      .filter((el) => (el.textContent ?? '').trim())
      .map((el) => ({ tag: el.tagName, fg: parse(getComputedStyle(el).color), bg: parse(backgroundOf(el)) }));
  });
  expect(pairs.length).toBeGreaterThan(20);
  const failing = pairs.filter(({ fg, bg }) => contrast(fg, bg) < 4.5);
  expect(failing).toEqual([]);
  const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('p')!).fontSize));
  expect(fontSize).toBeGreaterThanOrEqual(16);
  await page.close();
});
