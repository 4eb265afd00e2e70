/** The report as one self-contained, printable HTML file with inline SVG charts. */
import { html, raw, type Html } from '../html';
import { type Figures, type DisseminationReport, COUNTING_NOTES, TOTAL_LABEL, reportAgencyLabel, reportRoleLabel } from './compute';
import { formatRate, formatHours, formatDay, shortDay, formatGenerated, periodText, versionsText, summaryText, wrap } from './format';

/** The briefing email's look. Bars ≥3:1 against white, text ≥4.5:1. */
export const REPORT_COLOURS = {
  text: '#1b1b1b', // 17.2:1
  muted: '#4a4a4a', // 8.9:1
  rule: '#767676', // 4.5:1
  sent: '#1d4f91', // 8.1:1
  acknowledged: '#c25e00', // 4.3:1, and told apart from 'sent' by its text label, not only its colour
  timeline: '#1d4f91',
} as const;
const C = REPORT_COLOURS;

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#ffffff;color:${C.text};font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5}
main{max-width:52rem;margin:0 auto;padding:16px;overflow-wrap:anywhere;word-wrap:break-word}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.3rem;line-height:1.3;margin:2rem 0 .5rem;break-after:avoid;page-break-after:avoid}
p,ul,ol{margin:0 0 .75rem}
li{margin:0 0 .35rem}
.meta{color:${C.muted}}
.summary{font-size:1.1rem;border-left:4px solid ${C.sent};padding:.25rem 0 .25rem .75rem}
table{border-collapse:collapse;width:100%;margin:0 0 1.5rem;font-size:.95rem;break-inside:avoid;page-break-inside:avoid}
caption{caption-side:top;text-align:left;font-weight:bold;font-size:1.05rem;padding:0 0 .35rem}
th,td{border:1px solid ${C.rule};padding:.3rem .5rem;text-align:right;vertical-align:top}
thead th{background:#f2f2f2}
th[scope=row]{text-align:left;font-weight:normal}
thead th:first-child{text-align:left}
tr.total th,tr.total td{font-weight:bold;border-top:2px solid ${C.text}}
figure{margin:0 0 1.5rem;break-inside:avoid;page-break-inside:avoid}
figcaption{font-weight:bold;margin:0 0 .35rem}
svg{display:block;width:100%;max-width:28rem;height:auto}
.answers{padding-left:1.25rem}
.answers li{margin:0 0 1rem}
blockquote{margin:.25rem 0 0;padding:0 0 0 .75rem;border-left:3px solid ${C.rule}}
.generated{margin-top:2rem;color:${C.muted}}
@media (max-width:40rem){
  table.figures,table.figures tbody,table.figures tr,table.figures th,table.figures td,table.figures caption{display:block;width:auto}
  table.figures thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
  table.figures tr{border:1px solid ${C.rule};margin:0 0 .75rem;padding:.35rem .6rem}
  table.figures th[scope=row]{border:0;padding:0 0 .25rem;font-weight:bold}
  table.figures td{border:0;padding:.1rem 0;display:flex;justify-content:space-between;gap:1rem}
  table.figures td::before{content:attr(data-label);text-align:left}
  table.figures tr.total{border-width:2px;border-color:${C.text}}
}
@page{margin:16mm}
@media print{
  body{font-size:11pt}
  main{max-width:none;padding:0}
  svg{max-width:12cm}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  li,blockquote{break-inside:avoid;page-break-inside:avoid}
}`;

const SVG_FONT = 'Arial, Helvetica, sans-serif';

/** The axis maximum: the first of 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120… at or above n. */
function niceMax(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (Math.round(m * p) >= n) return Math.round(m * p);
  return 10 * p;
}
/** 0, the middle when it is a whole number, and the maximum. */
const ticksFor = (max: number) => (max >= 2 && max % 2 === 0 ? [0, max / 2, max] : [0, max]);
const fmt = (n: number) => String(Math.round(n * 100) / 100);

/** A bold label of one or more lines. */
function svgLabel(lines: string[], x: number, y: number, lineHeight: number): Html {
  const open = html`<text x="${x}" y="${y}" font-size="15" font-weight="bold" fill="${C.text}">`;
  if (lines.length === 1) return html`${open}${lines[0]}</text>`;
  return html`${open}${lines.map((l, i) => html`<tspan x="${x}" dy="${i === 0 ? 0 : lineHeight}">${l}</tspan>`)}</text>`;
}

const WIDTH = 340;

function agencyChart(report: DisseminationReport): Html {
  const title = 'Reach and acknowledgement by agency';
  const rows = report.byAgency;
  const desc = rows.length === 0
    ? 'Bar chart of briefing emails sent and acknowledged, by agency. No briefing emails are in scope.'
    : `Bar chart with two bars for each agency: briefing emails sent, and acknowledged. ` +
      rows.map((f) => `${f.label}: ${f.sent} sent, ${f.acknowledged} acknowledged (${formatRate(f.ackRate)}).`).join(' ');
  const max = niceMax(Math.max(0, ...rows.map((f) => Math.max(f.sent, f.acknowledged))));
  const x0 = 2;
  const plot = WIDTH - x0 - 132; // room for "1234 acknowledged" after the longest bar
  const scale = (n: number) => (n / max) * plot;
  const out: Html[] = [];
  // Legend.
  out.push(html`<g aria-hidden="true"><rect x="${x0}" y="4" width="14" height="14" fill="${C.sent}"/><text x="${x0 + 20}" y="16" font-size="15" fill="${C.text}">Sent</text><rect x="${x0 + 80}" y="4" width="14" height="14" fill="${C.acknowledged}"/><text x="${x0 + 100}" y="16" font-size="15" fill="${C.text}">Acknowledged</text></g>`);
  let y = 36;
  const top = y;
  if (rows.length === 0) {
    out.push(html`<text x="${x0}" y="${y + 14}" font-size="15" fill="${C.text}">No briefing emails in scope.</text>`);
    y += 28;
  }
  for (const f of rows) {
    const lines = wrap(f.label, 36);
    out.push(svgLabel(lines, x0, y + 14, 18));
    y += lines.length * 18 + 3;
    for (const [series, value, colour, word] of [
      ['sent', f.sent, C.sent, 'sent'],
      ['acknowledged', f.acknowledged, C.acknowledged, 'acknowledged'],
    ] as const) {
      const w = scale(value);
      out.push(
        html`<rect x="${x0}" y="${y}" width="${fmt(w)}" height="18" fill="${colour}" data-agency="${f.key}" data-series="${series}" data-value="${value}"><title>${`${f.label}: ${value} ${word}`}</title></rect>`,
      );
      out.push(html`<text x="${fmt(x0 + w + 5)}" y="${y + 14}" font-size="14" fill="${C.text}">${value} ${word}</text>`);
      y += 22;
    }
    y += 14;
  }
  // Axis: a baseline, ticks at 0, half and the scale's maximum, and its name.
  const axisY = y;
  out.push(html`<g aria-hidden="true"><line x1="${x0}" y1="${top - 4}" x2="${x0}" y2="${axisY}" stroke="${C.text}" stroke-width="1"/>`);
  out.push(html`<line x1="${x0}" y1="${axisY}" x2="${x0 + plot}" y2="${axisY}" stroke="${C.text}" stroke-width="1"/>`);
  for (const t of ticksFor(max)) {
    const tx = x0 + scale(t);
    const anchor = t === 0 ? 'start' : t === max ? 'end' : 'middle';
    out.push(html`<line x1="${fmt(tx)}" y1="${axisY}" x2="${fmt(tx)}" y2="${axisY + 4}" stroke="${C.text}" stroke-width="1"/>`);
    out.push(html`<text x="${fmt(t === 0 ? x0 : tx)}" y="${axisY + 19}" font-size="14" text-anchor="${anchor}" fill="${C.text}">${t}</text>`);
  }
  out.push(html`<text x="${x0}" y="${axisY + 40}" font-size="14" fill="${C.text}">Number of practitioners (briefing emails)</text></g>`);
  const height = axisY + 48;
  return svg('chart-agency', title, desc, height, out);
}

function timelineChart(report: DisseminationReport): Html {
  const title = 'Acknowledgements over time';
  const days = report.ackTimeline;
  const totalAcks = days.reduce((n, d) => n + d.count, 0);
  let busiest = days[0];
  for (const d of days) if (busiest && d.count > busiest.count) busiest = d;
  const desc = days.length === 0 || !busiest
    ? 'Bar chart of acknowledgements per day. No acknowledgements have been recorded.'
    : `Bar chart of acknowledgements per day (UTC), one bar a day from ${formatDay(days[0]!.date)} to ${formatDay(days[days.length - 1]!.date)}: ` +
      `${totalAcks} acknowledgement${totalAcks === 1 ? '' : 's'} over ${days.length} day${days.length === 1 ? '' : 's'}; ` +
      `the most, ${busiest.count}, on ${formatDay(busiest.date)}.`;
  const x0 = 34;
  const plotW = WIDTH - x0 - 6;
  const top = 22;
  const plotH = 140;
  const base = top + plotH;
  const max = niceMax(Math.max(0, ...days.map((d) => d.count)));
  const out: Html[] = [];
  out.push(html`<g aria-hidden="true">`);
  for (const t of ticksFor(max)) {
    const ty = base - (t / max) * plotH;
    out.push(html`<line x1="${x0}" y1="${fmt(ty)}" x2="${x0 + plotW}" y2="${fmt(ty)}" stroke="${t === 0 ? C.text : '#d0d0d0'}" stroke-width="1"/>`);
    out.push(html`<text x="${x0 - 5}" y="${fmt(ty + 5)}" font-size="14" text-anchor="end" fill="${C.text}">${t}</text>`);
  }
  out.push(html`</g>`);
  if (days.length === 0) {
    out.push(html`<text x="${x0 + 8}" y="${top + plotH / 2}" font-size="15" fill="${C.text}">No acknowledgements yet.</text>`);
  }
  const slot = days.length > 0 ? plotW / days.length : plotW;
  const gap = Math.min(4, slot * 0.2);
  const labelled = new Set<number>(days.length <= 7 ? days.map((_, i) => i) : [0, Math.floor((days.length - 1) / 2), days.length - 1]);
  days.forEach((d, i) => {
    const h = d.count === 0 ? 0 : Math.max(2, (d.count / max) * plotH);
    const x = x0 + i * slot + gap / 2;
    out.push(
      html`<rect x="${fmt(x)}" y="${fmt(base - h)}" width="${fmt(slot - gap)}" height="${fmt(h)}" fill="${C.timeline}" data-date="${d.date}" data-value="${d.count}"><title>${`${formatDay(d.date)}: ${d.count}`}</title></rect>`,
    );
    if (slot >= 16 && d.count > 0) {
      out.push(html`<text x="${fmt(x + (slot - gap) / 2)}" y="${fmt(base - h - 4)}" font-size="13" text-anchor="middle" fill="${C.text}">${d.count}</text>`);
    }
    if (labelled.has(i)) {
      const cx = x + (slot - gap) / 2;
      const anchor = days.length > 7 ? (i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle') : 'middle';
      const lx = anchor === 'start' ? x : anchor === 'end' ? x + slot - gap : cx;
      out.push(html`<text x="${fmt(lx)}" y="${base + 18}" font-size="13" text-anchor="${anchor}" fill="${C.text}" aria-hidden="true">${shortDay(d.date)}</text>`);
    }
  });
  out.push(html`<text x="${x0}" y="${base + 40}" font-size="14" fill="${C.text}" aria-hidden="true">Acknowledgements per day (UTC)</text>`);
  return svg('chart-timeline', title, desc, base + 48, out);
}

function svg(id: string, title: string, desc: string, height: number, body: Html[]): Html {
  return html`<svg viewBox="0 0 ${WIDTH} ${fmt(height)}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${SVG_FONT}" preserveAspectRatio="xMinYMin meet"><title id="${id}-title">${title}</title><desc id="${id}-desc">${desc}</desc>${body}</svg>`;
}

function htmlTable(id: string, caption: string, firstHead: string, rows: Figures[], total: Figures, totalLabel: string): Html {
  const heads = ['Recipients', 'Sent', 'Delivered', 'Bounced', 'Acknowledged', 'Acknowledgement rate', 'Median hours to acknowledge'];
  const cells = (f: Figures) => [
    String(f.recipients), String(f.sent), String(f.delivered), String(f.bounced), String(f.acknowledged), formatRate(f.ackRate), formatHours(f.medianHoursToAck),
  ];
  const row = (label: string, f: Figures, cls = '') =>
    html`<tr role="row"${cls && html` class="${cls}"`}><th scope="row" role="rowheader">${label}</th>${cells(f).map((c, i) => html`<td role="cell" data-label="${heads[i]}">${c}</td>`)}</tr>`;
  return html`<table class="figures" id="${id}" role="table"><caption>${caption}</caption><thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">${firstHead}</th>${heads.map(
    (h) => html`<th scope="col" role="columnheader">${h}</th>`,
  )}</tr></thead><tbody role="rowgroup">${rows.map((f) => row(f.label, f))}${row(totalLabel, total, 'total')}</tbody></table>`;
}

/**
 * One self-contained HTML file for a scrutiny paper: no scripts, no fetches (a Content
 * Security Policy forbids both, and the icon is an empty data URL), inline CSS and SVG,
 * printable, and readable at 320 px (tables reflow into one card per row on narrow screens).
 */
export function reportHtml(report: DisseminationReport): string {
  const { scope, total } = report;
  const heading = `Dissemination report: ${scope.description}`;
  const findings =
    scope.findings.length === 0
      ? html`<p>No findings in scope.</p>`
      : html`<ul>${scope.findings.map((f) => html`<li>${f.title} <span class="meta">(${f.findingId}, ${versionsText(f.versions)})</span></li>`)}</ul>`;
  const answers =
    report.answers.length === 0
      ? html`<p>No answers were given.</p>`
      : html`<ol class="answers">${report.answers.map(
          (a) =>
            html`<li><p class="meta"><time datetime="${a.date}">${formatDay(a.date)}</time> · ${reportAgencyLabel(a.agency)}, ${reportRoleLabel(a.role)} · on <cite>${a.findingTitle}</cite></p><blockquote><p>${a.answer}</p></blockquote></li>`,
        )}</ol>`;
  return `${html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${heading}</title><style>${
    // The named exception: this module's own style sheet.
    raw(STYLE)
  }</style></head><body><main><h1>${heading}</h1><p>${periodText(scope)}.</p><h2>Findings in scope</h2>${findings}<p class="summary"><strong>Summary:</strong> ${summaryText(total)}</p><h2>Figures</h2>${htmlTable(
    'by-agency',
    'Reach and acknowledgement by agency',
    'Agency',
    report.byAgency,
    total,
    TOTAL_LABEL,
  )}${htmlTable('by-role', 'Reach and acknowledgement by role', 'Role', report.byRole, total, 'All roles')}${
    report.byBriefing.length > 1 && htmlTable('by-briefing', 'Reach and acknowledgement by briefing', 'Briefing', report.byBriefing, total, 'All briefings')
  }<h2>Charts</h2><figure><figcaption>Reach and acknowledgement by agency</figcaption>${agencyChart(report)}</figure><figure><figcaption>Acknowledgements over time</figcaption>${timelineChart(
    report,
  )}</figure><h2>What practitioners said</h2>${answers}<h2>How these figures are counted</h2><ul>${COUNTING_NOTES.map((n) => html`<li>${n}</li>`)}</ul><p class="generated">Generated <time datetime="${
    report.generatedAt
  }">${formatGenerated(report.generatedAt)}</time>.</p></main></body></html>`}\n`;
}
