/** Injected everywhere time matters so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests drive by hand. */
export class ManualClock implements Clock {
  constructor(private t = new Date('2026-01-01T00:00:00Z').getTime()) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
  set(d: Date) {
    this.t = d.getTime();
  }
}

/** Waits `ms` of the clock's time: a ManualClock is moved on at once (tests), any other clock is waited for. */
export function pause(clock: Clock, ms: number): Promise<void> {
  if (clock instanceof ManualClock) {
    clock.advance(ms);
    return Promise.resolve();
  }
  return new Promise((resolve) => setTimeout(resolve, ms));
}
