import { LitElement } from 'lit';
import { property } from './decorators.js';
import { LocalizeController } from '../i18n/localize.js';
import type { Clock } from './clock.js';

/**
 * Shared base of every Bayar element: the `locale` input, translations, the injectable clock, and `notify` typed by
 * `Events`, the internal events the element tells its parent (name → detail; `void`: none). The parent types its
 * listener from the same map (`CustomEvent<MethodPickerEvents['change']>`), so a wrong name or detail on either side
 * is a type error.
 */
export class BayarElement<Events extends object = Record<never, never>> extends LitElement {
  /** `id` (default) or `en`; switches every text live. */
  @property() locale = 'id';

  /**
   * The clock controllers use (countdown, polling, the "Copied" timeout). Not an attribute: tests set a fake one
   * before the element connects; `<bayar-checkout>` hands its own to the views it renders.
   * @internal
   */
  clock?: Clock;

  protected readonly i18n = new LocalizeController(this);

  protected get t() {
    return this.i18n.t;
  }

  /** Tells the parent element something (not bubbling, not composed: these events are not public API). */
  protected notify<K extends keyof Events & string>(type: K, ...detail: Events[K] extends void ? [] : [Events[K]]): void;
  protected notify(type: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
