import fc from 'fast-check';
import { TokenBucket, type Clock } from '../../shared/core/pacing';
import { SENDS_PER_SECOND_PER_INSTANCE, sendingPlan } from '../../shared/contract/sending';

/** A clock that only moves when told: every wait is recorded, nothing real is slept. */
function fakeClock() {
  let now = 0;
  const clock: Clock & { advance(ms: number): void; readonly at: number } = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
    get at() {
      return now;
    },
  };
  return clock;
}

describe('TokenBucket: pacing sends to the configured rate', () => {
  test('a batch of 25 arriving together at 14/s goes out one every 1/14 s, the first at once', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(14, clock);
    const grants: number[] = [];
    for (let i = 0; i < 25; i++) {
      await bucket.take();
      grants.push(clock.at);
    }
    expect(grants[0]).toBe(0);
    for (let i = 1; i < grants.length; i++) expect(grants[i]! - grants[i - 1]!).toBeCloseTo(1000 / 14, 6);
  });

  test('parallel callers are served in arrival order, each at its own slot', async () => {
    // Real clock, but only the order is checked, never elapsed time. 100/s puts the slots 10 ms
    // apart, so each later caller's timer is due later (at 1,000,000/s the slots were a microsecond
    // apart, a later caller's slot could already have passed, and it went first).
    const bucket = new TokenBucket(100);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map(async (i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  test('an idle bucket does not save up a burst: after a pause, sends are still spaced', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, clock);
    await bucket.take();
    clock.advance(60_000);
    const start = clock.at;
    await bucket.take();
    await bucket.take();
    expect(clock.at - start).toBeCloseTo(100, 6);
  });

  test('a caller woken late (a busy event loop) moves the next slot on: late callers never go out together', async () => {
    // A clock whose sleeps overrun: the first wait of 100 ms takes 350 ms, as when the event loop is busy.
    const clock = fakeClock();
    let overrun = 250;
    const late: Clock = { now: clock.now, sleep: async (ms) => { clock.advance(ms + overrun); overrun = 0; } };
    const bucket = new TokenBucket(10, late);
    const grants: number[] = [];
    await Promise.all([0, 1, 2, 3].map(() => bucket.take().then(() => grants.push(clock.at))));
    expect(grants).toEqual([0, 350, 450, 550]);
  });

  test('property: for any rate and arrivals, no two sends are closer than 1/rate, and none waits longer than it must', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0.5, max: 500, noNaN: true }), fc.array(fc.nat({ max: 2_000 }), { maxLength: 60 }), async (rate, gaps) => {
        const clock = fakeClock();
        const bucket = new TokenBucket(rate, clock);
        const interval = 1000 / rate;
        let previous = -Infinity;
        for (const gap of gaps) {
          clock.advance(gap);
          const arrived = clock.at;
          await bucket.take();
          const granted = clock.at;
          expect(granted - previous).toBeGreaterThanOrEqual(interval - 1e-6);
          expect(granted).toBeCloseTo(Math.max(arrived, previous + interval), 6);
          previous = granted;
        }
      }),
      { numRuns: 200 },
    );
  });

  test.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('a rate of %p is refused with what to use instead', (rate) => {
    expect(() => new TokenBucket(rate)).toThrow(/emails per second above 0/);
  });
});

describe('sendingPlan: send-briefing concurrency from MAX_SEND_RATE', () => {
  test('the default SES quota, 14/s, is one sender at 14/s, in batches of 56 (4 s of sending)', () => {
    expect(sendingPlan(14)).toEqual({ concurrency: 1, parallelizationFactor: 1, perInstanceRate: 14, batchSize: 56 });
  });

  test('property: the senders together never exceed the rate, and none is asked for more than one instance can do', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 10_000, noNaN: true }), (rate) => {
        const plan = sendingPlan(rate);
        expect(plan.concurrency).toBeGreaterThanOrEqual(1);
        expect(plan.concurrency * plan.perInstanceRate).toBeCloseTo(rate, 6);
        expect(plan.perInstanceRate).toBeLessThanOrEqual(SENDS_PER_SECOND_PER_INSTANCE + 1e-9);
        expect(plan.parallelizationFactor).toBe(Math.min(10, plan.concurrency));
      }),
    );
  });
});
