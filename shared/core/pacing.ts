/**
 * Paces sends to a rate: callers that arrive together (the rows of one batch, sent in
 * parallel) go out evenly spaced, in arrival order. No burst beyond one: SES counts its
 * quota per second, and a batch released at once would spend it in the first instant.
 * Each caller's slot is set when the one before it has gone, from when it really went: a
 * busy event loop that wakes several late never lets them out together (slots reserved in
 * advance did, and a second then held more than the rate).
 */
export interface Pacer {
  take(): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket implements Pacer {
  private readonly intervalMs: number;
  /** When the last caller went (ms on the clock). */
  private lastRelease = -Infinity;
  /** The callers in line: each takes its turn after the one before. */
  private line: Promise<void> = Promise.resolve();

  constructor(readonly ratePerSecond: number, private readonly clock: Clock = realClock) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`A send rate must be a number of emails per second above 0, not ${ratePerSecond}.`);
    }
    this.intervalMs = 1000 / ratePerSecond;
  }

  take(): Promise<void> {
    const turn = this.line.then(async () => {
      const slot = Math.max(this.clock.now(), this.lastRelease + this.intervalMs);
      // A timer may fire a fraction of a millisecond early (whole-millisecond timers): wait out the rest.
      for (let now = this.clock.now(); now < slot; now = this.clock.now()) await this.clock.sleep(slot - now);
      // When it really went: a late wake-up moves the next slot on with it.
      this.lastRelease = Math.max(slot, this.clock.now());
    });
    this.line = turn;
    return turn;
  }
}
