/**
 * The one source of time for the widget. Controllers take it from their host (`host.clock`) so tests can drive
 * countdowns and polling with a fake clock; production code uses the system clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What a controller needs from its host besides the reactive-controller API. */
export interface ClockHost {
  clock?: Clock;
}
