/**
 * Two real processes (the planner and the sender) made to take turns at chosen calls, so a race
 * that DynamoDB would otherwise decide by timing happens in one order, every run. Each process
 * runs freely between its gates; a gate is a call to a store or the mailer, wrapped by `gated`.
 */

export class Actor {
  readonly name: string;
  /** Every gate passed by the actors sharing this log, in order: `<actor>: <gate>`. */
  readonly log: string[];
  done = false;
  error: unknown;
  private release?: () => void;
  private signal!: Promise<void>;
  private fire!: () => void;

  constructor(name: string, log: string[] = []) {
    this.name = name;
    this.log = log;
    this.arm();
  }

  private arm() {
    this.signal = new Promise((resolve) => (this.fire = resolve));
  }

  /** Called by the process itself: waits here until the driver gives it a turn. */
  gate = (label: string) =>
    new Promise<void>((resolve) => {
      this.release = () => {
        this.log.push(`${this.name}: ${label}`);
        resolve();
      };
      this.fire();
    });

  /** Starts the process; it runs up to its first gate. */
  start(run: (gate: (label: string) => Promise<void>) => Promise<unknown>) {
    void run(this.gate).then(
      () => this.finish(),
      (error: unknown) => this.finish(error),
    );
  }

  private finish(error?: unknown) {
    this.done = true;
    this.error = error;
    this.fire();
  }

  /** Until it waits at a gate or has finished. */
  parked() {
    return this.signal;
  }

  /** One turn: the call at its gate, then on to its next gate (or its end). A finished process skips its turn. */
  async turn() {
    if (this.done || !this.release) return;
    const go = this.release;
    this.release = undefined;
    this.arm();
    go();
    await this.signal;
  }
}

/** Runs the actors' turns in this order, then lets whichever is left finish. */
export async function interleave(order: readonly Actor[]) {
  const actors = [...new Set(order)];
  for (const actor of actors) await actor.parked();
  for (const actor of order) await actor.turn();
  while (actors.some((a) => !a.done)) for (const actor of actors) await actor.turn();
  for (const actor of actors) if (actor.error) throw actor.error;
}

/** Every order of `a` turns of the first actor and `b` of the second (binomial(a + b, a) of them). */
export function everyOrder<T>(first: T, a: number, second: T, b: number): T[][] {
  if (a === 0) return [Array<T>(b).fill(second)];
  if (b === 0) return [Array<T>(a).fill(first)];
  return [...everyOrder(first, a - 1, second, b).map((rest) => [first, ...rest]), ...everyOrder(first, a, second, b - 1).map((rest) => [second, ...rest])];
}

/**
 * The object, with the chosen methods waiting at `gate` first. `which` names the gate for a call,
 * or returns undefined to let that call through at once.
 */
export function gated<T extends object>(target: T, gate: (label: string) => Promise<void>, which: { [K in keyof T]?: (...args: never[]) => string | undefined }): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const label = which[key as keyof T] as ((...args: unknown[]) => string | undefined) | undefined;
      if (!label) return value.bind(object);
      return async (...args: unknown[]) => {
        const name = label(...args);
        if (name) await gate(name);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
