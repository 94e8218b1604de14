import { html, nothing } from 'lit';
import { property, state } from '../internal/decorators.js';
import type { MethodFamily, PaymentMethod } from '../../server/api-types.js';
import { BayarElement } from '../internal/base.js';
import { mark } from '../internal/brands.js';
import { formatIdr } from '../internal/format.js';
import { controls } from '../styles/controls.js';
import { marks } from '../styles/marks.js';
import { tokens } from '../styles/tokens.js';
import { methodPickerStyles } from './method-picker.styles.js';

const FAMILIES: MethodFamily[] = ['va', 'qris', 'ewallet', 'cstore', 'paylater', 'card'];

/**
 * @summary The payment methods as one radio group, grouped by family (Virtual Account, QRIS, e-wallet, convenience
 * store, PayLater, card), the customer's last used method first with a badge. A method the amount cannot use is shown
 * greyed with its limit (`aria-disabled`): the arrow keys still reach it, so its reason is read out, but it cannot be
 * selected. Keyboard: Tab reaches the group once (roving tabindex), arrow keys move, Home/End jump, Space or
 * Enter selects; a click selects too.
 *
 * @attr locale - `id` (default) or `en`.
 * @attr value - the selected method id, e.g. `va:bca`.
 * @attr last-used - the method id to show first with a "last used" badge (when it is in the list and available).
 *
 * @fires change - (internal, not bubbling) the customer selected a method; detail is the `PaymentMethod`.
 *
 * @csspart method - each method (a radio).
 *
 * @cssprop [--bayar-color-primary=#1d4ed8] - selected border and focus ring.
 * @cssprop [--bayar-color-text=#0f172a] - text.
 * @cssprop [--bayar-color-muted=#475569] - family headings.
 * @cssprop [--bayar-color-background=#ffffff] - surfaces.
 * @cssprop [--bayar-color-border=#cbd5e1] - borders.
 * @cssprop [--bayar-radius=12px] - corner radius.
 * @cssprop [--bayar-font-family=system-ui, …] - font.
 * @cssprop [--bayar-space=16px] - spacing unit.
 */
/** What the picker tells the checkout: the method the customer selected. */
export interface MethodPickerEvents {
  change: PaymentMethod;
}

export class BayarMethodPicker extends BayarElement<MethodPickerEvents> {
  static override styles = [tokens, controls, marks, methodPickerStyles];

  /** Methods to offer, already filtered. */
  @property({ attribute: false }) methods: PaymentMethod[] = [];

  /** Selected method id. */
  @property() value = '';

  /** Method id shown first with a "last used" badge. */
  @property({ attribute: 'last-used' }) lastUsed = '';

  /** The method holding the group's single tab stop (moves with the arrow keys). */
  @state() private focusId = '';

  private radios(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="radio"]')];
  }

  private select(method: PaymentMethod): void {
    this.focusId = method.id;
    if (method.id === this.value || method.available === false) return;
    this.value = method.id;
    this.notify('change', method);
  }

  private onKeydown(event: KeyboardEvent): void {
    const radios = this.radios();
    const index = radios.indexOf(event.target as HTMLElement);
    const key = event.key;
    if (index < 0) return;
    if (key === ' ' || key === 'Enter') {
      event.preventDefault();
      const method = this.methods.find((m) => m.id === radios[index]!.dataset.id);
      if (method) this.select(method);
      return;
    }
    // Arrows move round the group (the last wraps to the first), Home and End jump.
    const step = ({ ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 } as Record<string, number>)[key];
    const n = radios.length;
    const target = radios[key === 'Home' ? 0 : key === 'End' ? n - 1 : step ? (index + step + n) % n : -1];
    if (!target) return;
    event.preventDefault();
    this.focusId = target.dataset.id ?? '';
    target.tabIndex = 0;
    target.focus();
  }

  protected override render() {
    const t = this.t;
    const last = this.methods.find((m) => m.id === this.lastUsed && m.available !== false);
    const rest = this.methods.filter((m) => m !== last);
    const ids = this.methods.map((m) => m.id);
    const tabStop = ids.includes(this.focusId) ? this.focusId : ids.includes(this.value) ? this.value : (last ?? rest[0])?.id;
    const groups = [
      ...(last ? [['last', [last]] as const] : []),
      ...FAMILIES.map((family) => [family, rest.filter((m) => m.family === family)] as const),
    ].filter(([, list]) => list.length);
    if (!groups.length) return nothing;
    return html`
      <h2 id="title" tabindex="-1">${t.methodsTitle}</h2>
      <div role="radiogroup" aria-labelledby="title" class="groups" @keydown=${this.onKeydown}>
        ${groups.map(
          ([family, list]) => html`
            <div role="group" aria-labelledby=${`family-${family}`} class="group">
              <div id=${`family-${family}`} class="family">${family === 'last' ? t.lastUsed : t.families[family]}</div>
              ${list.map((m) => {
                const why = m.available === false && m.unavailableReason;
                return html`
                  <div
                    role="radio"
                    part="method"
                    class="method"
                    data-id=${m.id}
                    aria-checked=${m.id === this.value ? 'true' : 'false'}
                    aria-disabled=${why ? 'true' : nothing}
                    tabindex=${m.id === tabStop ? 0 : -1}
                    @click=${() => this.select(m)}
                  >
                    ${mark(m.channel)}
                    <span class="label"
                      >${m.channel === m.family ? t.families[m.family] : m.label}${why
                        ? html`<span class="why">${t.limit[why](formatIdr(why === 'below_minimum' ? m.minAmount : m.maxAmount))}</span>`
                        : nothing}</span
                    >
                    <span class="check" aria-hidden="true"></span>
                  </div>
                `;
              })}
            </div>
          `,
        )}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-method-picker': BayarMethodPicker;
  }
}
