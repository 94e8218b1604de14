import { html } from 'lit';
import { property, state } from '../internal/decorators.js';
import { BayarElement } from '../internal/base.js';
import { controls } from '../styles/controls.js';
import { tokens } from '../styles/tokens.js';
import { walletPhoneStyles } from './wallet-phone.styles.js';

/** `0812-3456-7890`, `+62 812…`, `62812…` → `+62812…`, or '' (the companion checks the same way: server/lib/phone.ts). */
export const indonesianMobile = (value: string): string => {
  const m = /^(?:\+?62|0)?(8\d{7,12})$/.exec(value.replace(/[\s\-().]/g, ''));
  return m ? `+62${m[1]}` : '';
};

/**
 * @summary The OVO phone number, asked before an OVO payment is created: OVO sends the payment request to the app
 * registered on this number. Checked as the customer types; the number is only sent with the payment.
 *
 * @attr locale - `id` (default) or `en`.
 * @attr wallet - the wallet's name shown in the label, e.g. `OVO`.
 * @attr value - the number as typed (prefilled from `customer-phone`).
 *
 * @fires change - (internal) detail is the number in `+62…` form, or '' while it is not a valid Indonesian mobile number.
 */
/** What the phone field tells the checkout: the number in `+62…` form, or '' while it is not valid. */
export interface WalletPhoneEvents {
  change: string;
}

export class BayarWalletPhone extends BayarElement<WalletPhoneEvents> {
  static override styles = [tokens, controls, walletPhoneStyles];

  @property() wallet = 'OVO';
  @property() value = '';

  /** Shown once the customer has left the field (or tried to pay) with a wrong number. */
  @state() private touched = false;

  override connectedCallback(): void {
    super.connectedCallback();
    // A prefilled valid number is usable at once.
    queueMicrotask(() => this.notify('change', indonesianMobile(this.value)));
  }

  private onInput(e: Event): void {
    this.value = (e.target as HTMLInputElement).value;
    this.notify('change', indonesianMobile(this.value));
  }

  protected override render() {
    const t = this.t;
    const bad = this.touched && !indonesianMobile(this.value);
    return html`
      <label for="phone">${t.wallet.phoneLabel(this.wallet)}</label>
      <input
        id="phone"
        type="tel"
        inputmode="tel"
        autocomplete="tel"
        placeholder="0812 3456 7890"
        .value=${this.value}
        aria-invalid=${bad ? 'true' : 'false'}
        aria-describedby="hint"
        @input=${this.onInput}
        @blur=${() => (this.touched = this.value !== '')}
      />
      <p id="hint" class=${bad ? 'error' : 'muted'}>${bad ? t.errorCodes.invalid_phone : t.wallet.phoneHint(this.wallet)}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-wallet-phone': BayarWalletPhone;
  }
}
