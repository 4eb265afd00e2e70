import type { WeeklyScheduleTrigger } from '../../shared/contract/functions';
import type { PollerLog } from './stream-poller';

/**
 * The local stand-in for EventBridge Scheduler: runs a job at the definition's weekday
 * and time in its time zone (Monday 08:00 Europe/London for the digest), daylight saving
 * included. A run missed while the machine was off is not caught up; `digest run --now` is.
 */

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** Wall-clock parts of an instant in a time zone. */
function partsIn(instant: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', 
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
    hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second),
  };
}

/** The instant at which the clock in `timeZone` shows this date and time. */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wanted;
  // Two corrections settle the zone's offset, even on the days the clocks change.
  for (let i = 0; i < 2; i++) {
    const p = partsIn(new Date(guess), timeZone);
    guess += wanted - Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  }
  return new Date(guess);
}

/** The next run strictly after `now`. */
export function nextRun(schedule: Pick<WeeklyScheduleTrigger, 'weekday' | 'hour' | 'minute' | 'timeZone'>, now: Date): Date {
  const today = partsIn(now, schedule.timeZone);
  // Step through calendar days, not 24-hour spans: the day the clocks change is 23 or 25 hours long.
  for (let days = 0; days <= 7; days++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
    if (WEEKDAYS[day.getUTCDay()] !== schedule.weekday) continue;
    const at = zonedTime(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), schedule.hour, schedule.minute, schedule.timeZone);
    if (at.getTime() > now.getTime()) return at;
  }
  return zonedTime(0, 1, 1, 0, 0, schedule.timeZone); // unreachable: a weekday recurs within 8 days
}

export class WeeklyTimer {
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly schedule: WeeklyScheduleTrigger,
    private readonly job: () => Promise<unknown>,
    private readonly log?: PollerLog,
  ) {}

  get next(): Date {
    return nextRun(this.schedule, new Date());
  }

  start(): void {
    this.stopped = false;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.stopped) return;
    // setTimeout caps at ~24.8 days; waking at most hourly also survives a suspended laptop.
    const wait = Math.min(this.next.getTime() - Date.now(), 3_600_000);
    const due = this.next;
    this.timer = setTimeout(() => {
      if (Date.now() >= due.getTime() - 1000) {
        this.job().then(
          () => this.log?.info(`Weekly run done (${this.schedule.weekday} ${this.schedule.hour}:${String(this.schedule.minute).padStart(2, '0')} ${this.schedule.timeZone}).`),
          (error: unknown) => this.log?.error(`Weekly run failed: ${(error as Error).name}. Run it by hand: npm run cli -- digest run --now`),
        );
      }
      this.arm();
    }, Math.max(wait, 1000));
    this.timer.unref();
  }
}
