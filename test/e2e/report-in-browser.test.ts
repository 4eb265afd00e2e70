/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { contrast } from '../support/contrast';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { computeDissemination, type ReportBriefing, type ReportDelivery, type ReportResponse } from '../../shared/render/report/compute';
import { reportCsv } from '../../shared/render/report/csv';
import { reportHtml } from '../../shared/render/report/html';
import { launchChromium } from '../support/browser';

/**
 * The dissemination report as a scrutineer opens it: the HTML file from disk in Debian's
 * chromium. Both charts are there and accessible, every bar holds the number the CSV has
 * for it, nothing is fetched, and at 320 px nothing scrolls sideways. Made-up data only.
 */

const OUT = join(__dirname, '../../out');
const REPORT_FILE = join(OUT, 'reports/dissemination-test.html');
const SCREENSHOT = join(OUT, 'screenshots/dissemination-report.png');

function seededReport() {
  const briefings: ReportBriefing[] = [
    { briefingId: 'nr-out-of-routine-2020#v1', findingId: 'nr-out-of-routine-2020', version: 1, title: 'Out of routine', plannedAt: '2024-03-04T09:00:00.000Z' },
    { briefingId: 'jtai-mash-2022#v1', findingId: 'jtai-mash-2022', version: 1, title: 'The front door under pressure', plannedAt: '2024-03-05T12:00:00.000Z' },
    { briefingId: 'nr-out-of-routine-2020#v2', findingId: 'nr-out-of-routine-2020', version: 2, title: 'Out of routine (re-issued)', plannedAt: '2024-03-10T09:00:00.000Z' },
  ];
  const ids = briefings.map((b) => b.briefingId);
  const agencies = ['csc', 'police', 'health', 'education'] as const;
  const roles = ['frontline', 'manager', 'dsl', 'mash'] as const;
  const events = ['delivered', 'delivered', 'delivered', 'bounced', 'delivered', 'soft-bounced', undefined, 'complained'];
  const statuses = ['SENT', 'SENT', 'SENT', 'SENT', 'SENT', 'FAILED', 'SENT', 'CANCELLED', 'PENDING'] as const;
  const deliveries: ReportDelivery[] = [];
  // A fixed pattern, so the figures differ by agency and acknowledgements spread over days.
  for (let i = 0; i < 60; i++) {
    const briefingId = ids[i % ids.length]!;
    const planned = Date.parse(briefings[i % ids.length]!.plannedAt);
    const status = statuses[i % statuses.length]!;
    const agency = agencies[(i * 7) % agencies.length]!;
    const sent = status === 'SENT';
    const acked = sent && (i % 3 !== 0 || agency === 'health');
    deliveries.push({
      briefingId,
      kind: 'briefing',
      agency,
      role: roles[i % roles.length]!,
      status,
      ...(sent ? { sentAt: new Date(planned + 60_000).toISOString(), mailEvent: events[i % events.length] } : {}),
      ...(acked ? { acknowledgedAt: new Date(planned + ((i * 13) % 90) * 3_600_000).toISOString() } : {}),
    });
  }
  // A late reader leaves days with no acknowledgement in between.
  deliveries.push({ briefingId: ids[2]!, kind: 'briefing', agency: 'education', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-18T10:00:00.000Z' });
  deliveries.push({ briefingId: ids[0]!, kind: 'correction', agency: 'police', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-20T10:00:00.000Z' });
  deliveries.push({ briefingId: ids[0]!, kind: 'withdrawal', agency: 'housing', role: 'manager', status: 'SENT', mailEvent: 'delivered' });
  const responses: ReportResponse[] = [
    { briefingId: ids[0]!, agency: 'police', role: 'frontline', answer: 'We now check who else lives in the home at every visit.', at: '2024-03-05T09:00:00.000Z' },
    { briefingId: ids[1]!, agency: 'health', role: 'dsl', answer: '<script>alert(1)</script>', at: '2024-03-06T09:00:00.000Z' },
    { briefingId: ids[2]!, agency: 'csc', role: 'mash', answer: `A very long answer ${'without-any-spaces-'.repeat(10)} to test wrapping.`, at: '2024-03-11T09:00:00.000Z' },
  ];
  return computeDissemination({ briefings, deliveries, responses, description: 'Briefings issued in March 2024', from: '2024-03-01', to: '2024-03-31', now: new Date('2024-04-02T10:15:00.000Z') });
}

const WHITE = [255, 255, 255];

const report = seededReport();
const csvRows: Record<string, string>[] = parse(reportCsv(report), { columns: true });
const agencyRows = csvRows.filter((r) => r.section === 'agency');

let browser: Browser;
let page: Page;
const requests: string[] = [];
let url: string;

beforeAll(async () => {
  mkdirSync(join(OUT, 'reports'), { recursive: true });
  mkdirSync(join(OUT, 'screenshots'), { recursive: true });
  writeFileSync(REPORT_FILE, reportHtml(report));
  url = pathToFileURL(REPORT_FILE).href;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  page.on('request', (request) => {
    requests.push(request.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

test('the seed reaches at least three agencies and spreads acknowledgements over several days', () => {
  expect(agencyRows.length).toBeGreaterThanOrEqual(3);
  expect(report.ackTimeline.length).toBeGreaterThan(3);
  expect(report.ackTimeline.some((d) => d.count === 0)).toBe(true);
});

test('both charts are images with their titles and descriptions', async () => {
  const charts = await page.evaluate(() =>
    [...document.querySelectorAll('svg[role="img"]')].map((svg) => ({
      title: svg.querySelector(':scope > title')?.textContent,
      desc: svg.querySelector(':scope > desc')?.textContent ?? '',
      width: svg.getBoundingClientRect().width,
    })),
  );
  expect(charts.map((c) => c.title)).toEqual(['Reach and acknowledgement by agency', 'Acknowledgements over time']);
  for (const c of charts) {
    expect(c.desc.length).toBeGreaterThan(40);
    expect(c.width).toBeGreaterThan(200);
  }
  expect(await page.getByRole('img', { name: 'Reach and acknowledgement by agency' }).count()).toBe(1);
  expect(await page.getByRole('img', { name: 'Acknowledgements over time' }).count()).toBe(1);
  expect(await page.getByRole('table', { name: 'Reach and acknowledgement by agency' }).count()).toBe(1);
  expect(await page.getByRole('table', { name: 'Reach and acknowledgement by role' }).count()).toBe(1);
});

test('every agency bar holds the number the CSV has for that agency', async () => {
  const bars = await page.evaluate(() =>
    [...document.querySelectorAll('rect[data-series]')].map((r) => ({
      agency: r.getAttribute('data-agency') ?? '',
      series: r.getAttribute('data-series') ?? '',
      value: Number(r.getAttribute('data-value')),
      width: r.getBoundingClientRect().width,
    })),
  );
  for (const series of ['sent', 'acknowledged']) {
    const these = bars.filter((b) => b.series === series);
    expect(these).toHaveLength(agencyRows.length);
    expect(these.map((b) => b.agency)).toEqual(agencyRows.map((r) => r.key));
    for (const bar of these) {
      const csv = agencyRows.find((r) => r.key === bar.agency)!;
      expect(bar.value).toBe(Number(csv[series]));
    }
  }
  // Longer bars for bigger numbers.
  const sent = bars.filter((b) => b.series === 'sent').sort((a, b) => a.value - b.value);
  for (let i = 1; i < sent.length; i++) expect(sent[i]!.width).toBeGreaterThanOrEqual(sent[i - 1]!.width);
  // The numbers are written beside the bars, not only held in attributes.
  const labels = await page.evaluate(() => [...document.querySelectorAll('svg text')].map((t) => t.textContent ?? ''));
  for (const row of agencyRows) {
    expect(labels).toContain(`${row.sent} sent`);
    expect(labels).toContain(`${row.acknowledged} acknowledged`);
  }
  expect(labels).toEqual(expect.arrayContaining(['Sent', 'Acknowledged']));
});

test('the timeline has one bar per day, consecutive, adding up to the acknowledgements', async () => {
  const days = await page.evaluate(() =>
    [...document.querySelectorAll('rect[data-date]')].map((r) => ({ date: r.getAttribute('data-date') ?? '', value: Number(r.getAttribute('data-value')) })),
  );
  expect(days).toEqual(report.ackTimeline.map((d) => ({ date: d.date, value: d.count })));
  for (let i = 1; i < days.length; i++) expect(Date.parse(days[i]!.date) - Date.parse(days[i - 1]!.date)).toBe(86_400_000);
  const total = csvRows.find((r) => r.section === 'total')!;
  expect(days.reduce((n, d) => n + d.value, 0)).toBe(Number(total.acknowledged));
});

test('no network: nothing is requested but the document itself, and there is no script', async () => {
  expect(requests.length).toBeGreaterThanOrEqual(1);
  expect(requests.filter((u) => u !== url && !u.startsWith('data:'))).toEqual([]);
  expect(await page.evaluate(() => document.scripts.length)).toBe(0);
  // The hostile answer is text on the page, not markup.
  expect(await page.getByText('<script>alert(1)</script>').count()).toBe(1);
});

test('bars and text meet contrast against white', async () => {
  const colours = await page.evaluate(() => {
    const parse = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    return {
      bars: [...document.querySelectorAll('rect[data-value]')].map((r) => parse(getComputedStyle(r).fill)),
      svgText: [...document.querySelectorAll('svg text')].map((t) => parse(getComputedStyle(t).fill)),
      text: [...document.querySelectorAll('h1, h2, p, li, th, td, caption, figcaption, blockquote')]
        .filter((el) => (el.textContent ?? '').trim())
        .map((el) => parse(getComputedStyle(el).color)),
    };
  });
  expect(colours.bars.length).toBeGreaterThan(0);
  expect(colours.bars.filter((c) => contrast(c, WHITE) < 3)).toEqual([]);
  expect(colours.svgText.filter((c) => contrast(c, WHITE) < 4.5)).toEqual([]);
  expect(colours.text.filter((c) => contrast(c, WHITE) < 4.5)).toEqual([]);
});

test('at 320 px nothing scrolls sideways and the charts fit the screen', async () => {
  const narrow = await browser.newPage({ viewport: { width: 320, height: 640 } });
  await narrow.goto(url);
  const sizes = await narrow.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    charts: [...document.querySelectorAll('svg')].map((s) => s.getBoundingClientRect().right),
    tables: [...document.querySelectorAll('table')].map((t) => t.getBoundingClientRect().right),
    font: parseFloat(getComputedStyle(document.querySelector('p')!).fontSize),
  }));
  expect(sizes.doc).toBeLessThanOrEqual(320);
  expect(sizes.body).toBeLessThanOrEqual(320);
  for (const right of [...sizes.charts, ...sizes.tables]) expect(right).toBeLessThanOrEqual(320);
  expect(sizes.font).toBeGreaterThanOrEqual(16);
  // Each table cell says which figure it is once the table reflows into one card per row.
  const label = await narrow.evaluate(() => getComputedStyle(document.querySelector('#by-agency td')!, '::before').content);
  expect(label).toBe('"Recipients"');
  await narrow.screenshot({ path: join(OUT, 'screenshots/dissemination-report-320.png'), fullPage: true });
  await narrow.close();
});

test('it prints', async () => {
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  writeFileSync(join(OUT, 'reports/dissemination-test.pdf'), pdf);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
});
