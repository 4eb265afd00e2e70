import type { en as chronoEn } from 'chrono-node';

/**
 * The gate's date rule for dates written with a month's name, read by chrono-node's English parser
 * (about 65 KB in its own file beside a function's bundle, loaded on the first text: only the
 * full gate, anonymisation.ts, uses it). Numeric dates are patterns in
 * identifier-rules.ts.
 */

const MONTH_WORD = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;

let dateParser: InstanceType<typeof chronoEn.Chrono> | undefined;

/**
 * A strict English parser (no "today", "4 days ago" counts only with a month word) reading
 * day-first dates. Built on the first text, not at start-up: require, not import, so the
 * bundle loads chrono-node's English parser from its own file then (infra/bundle.ts, LAZY_MODULES).
 */
function parser(): InstanceType<typeof chronoEn.Chrono> {
  if (!dateParser) {
    // The English locale's own entry: the package's main one bundles every language (350 KB).
    const en = require('chrono-node/en') as typeof chronoEn;
    dateParser = new en.Chrono(en.configuration.createConfiguration(true, true));
  }
  return dateParser;
}

/**
 * Dates written with a month name, in any order people write them ('14 March 2019', '14th
 * March 2019', 'March 14, 2019', '14-Mar-2019', 'Tuesday 22nd of October 2017'), with the
 * day, the month and the year all given. 'May 2022' and '3 May' are not exact.
 */
export function* datesInWords(text: string): Generator<{ index: number; match: string }> {
  for (const result of parser().parse(text)) {
    const { start } = result;
    if (!(start.isCertain('day') && start.isCertain('month') && start.isCertain('year'))) continue;
    if (!MONTH_WORD.test(result.text)) continue; // numeric forms are the patterns' job
    // The parser can run on into a time ('March 3rd, 2021 at 5pm'): the date ends with its year.
    const year = String(start.get('year'));
    const end = Math.max(result.text.lastIndexOf(year) + year.length, result.text.lastIndexOf(year.slice(2)) + 2);
    yield { index: result.index, match: result.text.slice(0, end > 1 ? end : result.text.length) };
  }
}

