/** The weekly digest's ledger keys: the ISO week it belongs to, and the ids built from it. */

/** ISO week of a wall-clock date: the ledger's key, so a re-run in the same week sends nothing twice. */
export function isoWeekId(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const firstOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - firstOfYear) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The ISO week of an instant, as the clock reads in `timeZone`. */
export function weekIdAt(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant).map((p) => [p.type, p.value]),
  );
  return isoWeekId(Number(parts.year), Number(parts.month), Number(parts.day));
}

/** A week's digests share one ledger briefing id, `digest#<ISO week>`; each person's row is `digest#<week>#<recipient key>`. */
export const digestBriefingIdOf = (weekId: string) => `digest#${weekId}`;
export const digestIdOf = (weekId: string, subscriberId: string) => `${digestBriefingIdOf(weekId)}#${subscriberId}`;
