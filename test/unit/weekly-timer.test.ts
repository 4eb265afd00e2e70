import { FUNCTIONS, type WeeklyScheduleTrigger } from '../../shared/contract/functions';
import { nextRun, zonedTime } from '../../infra/local/weekly-timer';

const digest: WeeklyScheduleTrigger = FUNCTIONS.digest.trigger;
const WEEK_MS = 7 * 24 * 3600 * 1000;
const next = (iso: string) => nextRun(digest, new Date(iso)).toISOString();

/** What a London wall clock shows at an instant, e.g. "Mon 08:00". */
const londonFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const londonClock = (instant: Date) => londonFormat.format(instant);

describe('the digest trigger', () => {
  it('is Monday 08:00 Europe/London', () => {
    expect(digest).toEqual({ kind: 'schedule', weekday: 'MON', hour: 8, minute: 0, timeZone: 'Europe/London' });
  });
});

describe('zonedTime (Europe/London)', () => {
  it('08:00 on a winter Monday is 08:00 UTC', () => {
    expect(zonedTime(2026, 11, 30, 8, 0, 'Europe/London').toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it('08:00 on a summer Monday is 07:00 UTC', () => {
    expect(zonedTime(2026, 7, 6, 8, 0, 'Europe/London').toISOString()).toBe('2026-07-06T07:00:00.000Z');
  });

  it('08:00 on the Sundays the clocks change is 07:00 UTC after spring-forward and 08:00 UTC after fall-back', () => {
    expect(zonedTime(2027, 3, 28, 8, 0, 'Europe/London').toISOString()).toBe('2027-03-28T07:00:00.000Z');
    expect(zonedTime(2026, 10, 25, 8, 0, 'Europe/London').toISOString()).toBe('2026-10-25T08:00:00.000Z');
  });

  it('works for another zone too', () => {
    expect(zonedTime(2026, 11, 30, 8, 0, 'UTC').toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(zonedTime(2026, 11, 30, 8, 0, 'America/New_York').toISOString()).toBe('2026-11-30T13:00:00.000Z');
  });
});

describe('nextRun for the digest', () => {
  it('from Thursday 2026-11-26 at noon, the next run is Monday 2026-11-30 08:00 GMT', () => {
    expect(next('2026-11-26T12:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
  });

  it('in summer, Monday 08:00 London is 07:00 UTC', () => {
    expect(next('2026-07-01T12:00:00Z')).toBe('2026-07-06T07:00:00.000Z');
    expect(londonClock(new Date('2026-07-06T07:00:00Z'))).toBe('Mon 08:00');
  });

  it('from exactly a run instant, the next run is a week later', () => {
    expect(next('2026-11-30T08:00:00.000Z')).toBe('2026-12-07T08:00:00.000Z');
    expect(next('2026-07-06T07:00:00.000Z')).toBe('2026-07-13T07:00:00.000Z');
  });

  it('one millisecond before a run, the next run is that run', () => {
    expect(next('2026-11-30T07:59:59.999Z')).toBe('2026-11-30T08:00:00.000Z');
  });

  it('a Monday before 08:00 London gives the same day', () => {
    expect(next('2026-11-30T00:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
    // 06:30 UTC in July is 07:30 BST: still before the run.
    expect(next('2026-07-06T06:30:00Z')).toBe('2026-07-06T07:00:00.000Z');
  });

  it('a Monday after 08:00 London gives the next Monday', () => {
    // 07:30 UTC in July is 08:30 BST: today's run has gone.
    expect(next('2026-07-06T07:30:00Z')).toBe('2026-07-13T07:00:00.000Z');
    expect(next('2026-11-30T23:59:59Z')).toBe('2026-12-07T08:00:00.000Z');
  });

  it('late on Sunday night in summer (already Monday in London), the run is that Monday', () => {
    // 23:30 UTC on Sunday 5 July is 00:30 BST on Monday 6 July.
    expect(next('2026-07-05T23:30:00Z')).toBe('2026-07-06T07:00:00.000Z');
  });

  it('across the clocks going forward (Sunday 28 March 2027), the run stays at 08:00 London', () => {
    expect(next('2027-03-22T08:00:00Z')).toBe('2027-03-29T07:00:00.000Z');
    expect(next('2027-03-27T23:30:00Z')).toBe('2027-03-29T07:00:00.000Z');
    expect(next('2027-03-28T00:59:59Z')).toBe('2027-03-29T07:00:00.000Z');
    expect(next('2027-03-28T01:00:00Z')).toBe('2027-03-29T07:00:00.000Z');
    const before = new Date('2027-03-22T08:00:00Z');
    const after = nextRun(digest, before);
    expect(after.getTime() - before.getTime()).toBe(WEEK_MS - 3600_000);
    expect(londonClock(before)).toBe('Mon 08:00');
    expect(londonClock(after)).toBe('Mon 08:00');
  });

  it('across the clocks going back (Sunday 25 October 2026), the run stays at 08:00 London', () => {
    expect(next('2026-10-19T07:00:00Z')).toBe('2026-10-26T08:00:00.000Z');
    expect(next('2026-10-24T23:30:00Z')).toBe('2026-10-26T08:00:00.000Z');
    expect(next('2026-10-25T00:30:00Z')).toBe('2026-10-26T08:00:00.000Z');
    expect(next('2026-10-25T01:30:00Z')).toBe('2026-10-26T08:00:00.000Z');
    const before = new Date('2026-10-19T07:00:00Z');
    const after = nextRun(digest, before);
    expect(after.getTime() - before.getTime()).toBe(WEEK_MS + 3600_000);
    expect(londonClock(after)).toBe('Mon 08:00');
  });

  it('every run over two years is a Monday at 08:00 London, a week (±1 hour) after the one before', () => {
    let at = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < 104; i++) {
      const run = nextRun(digest, at);
      expect(londonClock(run)).toBe('Mon 08:00');
      if (i > 0) expect([WEEK_MS - 3600_000, WEEK_MS, WEEK_MS + 3600_000]).toContain(run.getTime() - at.getTime());
      at = run;
    }
  });

  it('the next run is always strictly later and at most a week away, from every other hour of a fortnight across the clocks change', () => {
    const start = Date.parse('2027-03-20T00:00:00Z');
    for (let h = 0; h < 14 * 24; h += 2) {
      const now = new Date(start + h * 3600_000 + 17 * 60_000);
      const run = nextRun(digest, now);
      expect(run.getTime()).toBeGreaterThan(now.getTime());
      expect(run.getTime() - now.getTime()).toBeLessThanOrEqual(WEEK_MS);
      expect(londonClock(run)).toBe('Mon 08:00');
    }
  });
});

describe('nextRun for other weekdays', () => {
  it('finds a Sunday 08:00 London run in an ordinary week', () => {
    const sunday: WeeklyScheduleTrigger = { ...digest, weekday: 'SUN' };
    expect(nextRun(sunday, new Date('2026-11-26T12:00:00Z')).toISOString()).toBe('2026-11-29T08:00:00.000Z');
  });

  // SOURCE BUG (infra/local/weekly-timer.ts, nextRun, the `now + days * 86_400_000` loop): it steps through days by
  // adding 24 hours in UTC, but the Sunday the clocks go forward is only 23 hours long in London, so from late on the
  // Saturday before (23:00–23:59 GMT) the next step lands on Monday 00:xx BST and that Sunday is never looked at.
  // Not reachable with the digest's MON schedule; reachable with a SUN schedule.
  // Input: { weekday: 'SUN', hour: 8, minute: 0, timeZone: 'Europe/London' }, now = 2027-03-27T23:30:00Z.
  // Expected: 2027-03-28T07:00:00.000Z (the next morning). Actual: 2027-04-04T07:00:00.000Z (a week late).
  test('finds the Sunday run the morning after a Saturday night before the clocks go forward', () => {
    const sunday: WeeklyScheduleTrigger = { ...digest, weekday: 'SUN' };
    expect(nextRun(sunday, new Date('2027-03-27T23:30:00Z')).toISOString()).toBe('2027-03-28T07:00:00.000Z');
  });
});
