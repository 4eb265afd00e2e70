/**
 * Paces sends to a rate: each take() reserves the next free slot, so callers that
 * arrive together (the records of one batch, sent in parallel) go out evenly spaced,
 * in arrival order. No burst beyond one: SES counts its quota per second, and a
 * batch of 25 released at once would spend it in the first instant.
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
  /** When the next send may go (ms on the clock). */
  private nextSlot = -Infinity;

  constructor(readonly ratePerSecond: number, private readonly clock: Clock = realClock) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`A send rate must be a number of emails per second above 0, not ${ratePerSecond}.`);
    }
    this.intervalMs = 1000 / ratePerSecond;
  }

  async take(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.clock.sleep(slot - now);
  }
}
