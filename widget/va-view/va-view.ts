import { html, nothing, type PropertyValues } from 'lit';
import { property } from '../internal/decorators.js';
import type { Payment } from '../../server/api-types.js';
import { CopyController } from '../controllers/copy.js';
import { CountdownController, type CountdownEvents } from '../controllers/countdown.js';
import { BayarElement } from '../internal/base.js';
import { mark } from '../internal/brands.js';
import { formatIdr } from '../internal/format.js';
import { channelName, payStepsFor } from '../internal/view-format.js';
import { codeField, countdownTemplate } from '../internal/templates.js';
import { controls } from '../styles/controls.js';
import { marks } from '../styles/marks.js';
import { tokens } from '../styles/tokens.js';
import { viewStyles } from '../styles/views.js';
import { vaViewStyles } from './va-view.styles.js';

/**
 * @summary Virtual Account instructions: bank, VA number (or Mandiri biller code + bill key) with copy buttons, the
 * exact amount, the deadline with a live countdown, and step-by-step guides for ATM, mobile and internet banking.
 *
 * @attr locale - `id` (default) or `en`.
 *
 * @fires expire - (internal, not bubbling) the local countdown reached the deadline.
 *
 * @csspart va-number - the VA number, biller code and bill key.
 * @csspart copy-button - each copy button.
 * @csspart countdown - deadline and remaining time.
 * @csspart instructions - the how-to-pay guides.
 *
 * @cssprop [--bayar-color-primary=#1d4ed8] - accent (buttons, focus ring).
 * @cssprop [--bayar-color-text=#0f172a] - text.
 * @cssprop [--bayar-color-muted=#475569] - secondary text.
 * @cssprop [--bayar-color-background=#ffffff] - surfaces.
 * @cssprop [--bayar-color-border=#cbd5e1] - borders.
 * @cssprop [--bayar-color-danger=#b91c1c] - expired note.
 * @cssprop [--bayar-radius=12px] - corner radius.
 * @cssprop [--bayar-font-family=system-ui, …] - font.
 * @cssprop [--bayar-space=16px] - spacing unit.
 */
export class BayarVaView extends BayarElement<CountdownEvents> {
  static override styles = [tokens, controls, marks, viewStyles, vaViewStyles];

  /** The pending payment; must carry `va`. */
  @property({ attribute: false }) payment: Payment | null = null;

  private readonly countdown = new CountdownController(this, () => this.notify('expire'));
  private readonly copier = new CopyController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('payment')) this.countdown.expiresAt = this.payment?.expiresAt;
  }

  protected override render() {
    const p = this.payment;
    if (!p?.va) return nothing;
    const t = this.t;
    const { bank, number, billerCode } = p.va;
    const amount = formatIdr(p.amount);
    const name = channelName(bank);
    const steps = payStepsFor(p, t.lang, { name, amount });
    return html`
      <section class="stack" aria-labelledby="title">
        <div class="head">${mark(bank)}<h2 id="title" tabindex="-1">${name} Virtual Account</h2></div>
        ${billerCode ? codeField(t, this.copier, 'biller', t.billerCode, billerCode, 'va-number') : nothing}
        ${codeField(t, this.copier, 'number', billerCode ? t.billKey : t.vaNumber, number, 'va-number')}
        <div>
          <div class="muted">${t.total}</div>
          <div class="amount">${amount}</div>
        </div>
        ${countdownTemplate(t, this.countdown, p.expiresAt, this.locale)}
        ${steps.length
          ? html`<div part="instructions">
              <h3>${t.howToPay}</h3>
              ${steps.map(
                ([channel, ...list], i) => html`
                  <details ?open=${i === 0}>
                    <summary>${t.channels[channel as keyof typeof t.channels]}</summary>
                    <ol>
                      ${list.map((step) => html`<li>${step}</li>`)}
                    </ol>
                  </details>
                `,
              )}
              <p class="muted">${t.menuNote}</p>
            </div>`
          : nothing}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'bayar-va-view': BayarVaView;
  }
}
