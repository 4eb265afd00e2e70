import { en as chronoEn } from 'chrono-node';

/**
 * The gate's date rule for dates written with a month's name, read by chrono-node (about 48 KB
 * in a bundle: only the full gate, anonymisation.ts, carries it). Numeric dates are patterns in
 * identifier-rules.ts.
 */

const MONTH_WORD = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;

/** A strict English parser (no "today", "4 days ago" counts only with a month word) reading day-first dates. */
const dateParser = new chronoEn.Chrono(chronoEn.configuration.createConfiguration(true, true));

/**
 * Dates written with a month name, in any order people write them ('14 March 2019', '14th
 * March 2019', 'March 14, 2019', '14-Mar-2019', 'Tuesday 22nd of October 2017'), with the
 * day, the month and the year all given. 'May 2022' and '3 May' are not exact.
 */
export function* datesInWords(text: string): Generator<{ index: number; match: string }> {
  for (const result of dateParser.parse(text)) {
    const { start } = result;
    if (!(start.isCertain('day') && start.isCertain('month') && start.isCertain('year'))) continue;
    if (!MONTH_WORD.test(result.text)) continue; // numeric forms are the patterns' job
    // The parser can run on into a time ('March 3rd, 2021 at 5pm'): the date ends with its year.
    const year = String(start.get('year'));
    const end = Math.max(result.text.lastIndexOf(year) + year.length, result.text.lastIndexOf(year.slice(2)) + 2);
    yield { index: result.index, match: result.text.slice(0, end > 1 ? end : result.text.length) };
  }
}

