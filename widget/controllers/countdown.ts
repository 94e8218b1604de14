import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { systemClock, type ClockHost } from '../internal/clock.js';

/** What a view with a countdown tells its parent: its local countdown reached the deadline. */
export interface CountdownEvents {
  expire: void;
}

/** Minutes at which the polite live region speaks; in between it stays quiet. */
const STEPS = [1, 2, 5, 10, 15, 30, 60];

/**
 * Counts down to an absolute deadline (the server's `expiresAt`). Every tick recomputes `expiresAt - now` from the
 * host's clock instead of decrementing a counter, so a tab that slept or was throttled jumps straight to the right
 * value (or straight to expiry). It re-renders the host once a second and says when the time is up.
 */
export class CountdownController implements ReactiveController {
  /** Milliseconds left, never negative. */
  remaining = 0;
  /** True once the deadline has passed (until a new deadline is set). */
  expired = false;
  /**
   * Coarse remaining time for the live region: whole minutes at the STEPS above (or whole hours beyond an hour), so
   * assistive technology hears a few updates, not one per second. 0 when expired or unknown.
   */
  step = 0;

  private target = NaN;
  private timer: unknown;

  constructor(
    private readonly host: ReactiveControllerHost & ClockHost,
    private readonly onExpire?: () => void,
  ) {
    host.addController(this);
  }

  private get clock() {
    return this.host.clock ?? systemClock;
  }

  /** Sets the deadline (ISO 8601 with offset). Setting the same one again changes nothing. */
  set expiresAt(iso: string | undefined) {
    const target = iso ? Date.parse(iso) : NaN;
    if (target === this.target || (Number.isNaN(target) && Number.isNaN(this.target))) return;
    this.target = target;
    this.expired = false;
    this.tick();
  }

  hostConnected(): void {
    this.tick();
  }

  hostDisconnected(): void {
    this.clear();
  }

  private clear(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly tick = (): void => {
    this.clear();
    if (Number.isNaN(this.target)) return;
    const left = this.target - this.clock.now();
    this.remaining = Math.max(0, left);
    if (left <= 0) {
      this.step = 0;
      if (!this.expired) {
        this.expired = true;
        this.host.requestUpdate();
        this.onExpire?.();
      }
      return;
    }
    const minutes = Math.ceil(left / 60000);
    this.step = minutes > 60 ? Math.ceil(minutes / 60) * 60 : STEPS.find((s) => minutes <= s) ?? 60;
    this.host.requestUpdate();
    // Wake at the next whole second of the remaining time; the value itself always comes from the clock.
    this.timer = this.clock.setTimeout(this.tick, left % 1000 || 1000);
  };
}
