import { html } from 'lit';
import { property } from '../internal/decorators.js';
import type { InstallmentOption } from '../../server/api-types.js';
import { BayarElement } from '../internal/base.js';
import { formatIdr } from '../internal/format.js';
import { controls } from '../styles/controls.js';
import { tokens } from '../styles/tokens.js';
import { installmentOptionsStyles } from './installment-options.styles.js';

/**
 * @summary PayLater instalment plans (tenure, monthly instalment, total, interest) as native radio buttons in a
 * fieldset; the chosen option's id is sent as `installment` when the payment is created.
 *
 * @attr locale - `id` (default) or `en`.
 * @attr value - the chosen option id.
 *
 * @fires change - (internal, not bubbling) an option was chosen; detail is its id.
 *
 * @csspart installment - each option.
 *
 * @cssprop [--bayar-color-primary=#1d4ed8] - selected border, radio accent.
 * @cssprop [--bayar-color-text=#0f172a] - text.
 * @cssprop [--bayar-color-muted=#475569] - details.
 * @cssprop [--bayar-color-background=#ffffff] - surfaces.
 * @cssprop [--bayar-color-border=#cbd5e1] - borders.
 * @cssprop [--bayar-radius=12px] - corner radius.
 * @cssprop [--bayar-font-family=system-ui, …] - font.
 * @cssprop [--bayar-space=16px] - spacing unit.
 */
/** What the plans tell the checkout: the chosen option's id. */
export interface InstallmentOptionsEvents {
  change: string;
}

export class BayarInstallmentOptions extends BayarElement<InstallmentOptionsEvents> {
  static override styles = [tokens, controls, installmentOptionsStyles];

  /** The plans; `null` while they load. */
  @property({ attribute: false }) options: InstallmentOption[] | null = null;

  /** Chosen option id. */
  @property() value = '';

  private choose(id: string): void {
    this.value = id;
    this.notify('change', id);
  }

  protected override render() {
    const t = this.t;
    const number = new Intl.NumberFormat(t.lang, { maximumFractionDigits: 2 });
    const options = this.options;
    return html`
      <fieldset aria-busy=${options ? 'false' : 'true'}>
        <legend>${t.installmentsTitle}</legend>
        ${!options
          ? html`<p class="muted">${t.installmentsLoading}</p>`
          : !options.length
            ? html`<p class="muted">${t.noInstallments}</p>`
            : options.map(
                (o) => html`
                  <label part="installment" class="option">
                    <input
                      type="radio"
                      name="installment"
                      .value=${o.id}
                      .checked=${o.id === this.value}
                      @change=${() => this.choose(o.id)}
                    />
                    <span>
                      <strong>${t.tenure(o.tenure, o.tenureUnit)}</strong> ·
                      ${o.tenureUnit === 'days' ? formatIdr(o.installmentAmount) : t.perMonth(formatIdr(o.monthlyInstallment))}
                      <span class="muted detail"
                        >${t.installmentDetail(formatIdr(o.installmentAmount), formatIdr(o.totalInterest), number.format(o.rate))}</span
                      >
                    </span>
                  </label>
                `,
              )}
      </fieldset>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-installment-options': BayarInstallmentOptions;
  }
}
