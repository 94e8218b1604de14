import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { systemClock, type ClockHost } from '../internal/clock.js';

/** How long a copy button says "Copied". */
const CONFIRM_MS = 2500;

/**
 * Copies text to the clipboard and remembers which field was copied for a moment, so its button can confirm
 * ("Disalin" / "Copied"). Where the clipboard is unavailable (insecure context, denied) the text is selected instead
 * so the customer can copy it by hand.
 */
export class CopyController implements ReactiveController {
  /** Key of the field whose button currently confirms, or ''. */
  copied = '';
  private timer: unknown;

  constructor(private readonly host: ReactiveControllerHost & ClockHost) {
    host.addController(this);
  }

  private get clock() {
    return this.host.clock ?? systemClock;
  }

  async copy(key: string, text: string, fallbackTarget?: Element | null): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      if (fallbackTarget) getSelection()?.selectAllChildren(fallbackTarget);
      return;
    }
    this.copied = key;
    this.host.requestUpdate();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.copied = '';
      this.timer = undefined;
      this.host.requestUpdate();
    }, CONFIRM_MS);
  }

  hostDisconnected(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.copied = '';
  }
}
