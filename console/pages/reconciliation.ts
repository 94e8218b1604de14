/** Reconciliation: one Jakarta day's statement (the merchant API's), mismatches highlighted and explained, totals, CSV. */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Statement } from '../../server/console/api-types.js';
import { call } from '../api.js';
import { ConsolePage } from '../base.js';
import { formatIdr, formatTime, jakartaToday } from '../format.js';

@customElement('bayar-console-reconciliation')
export class ReconciliationPage extends ConsolePage {
  @state() private s: Statement | null = null;
  @state() private error = '';
  @state() private loading = false;
  private loadedFor = '';

  private get date() {
    const d = this.route.params.get('date');
    return d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : jakartaToday();
  }

  override willUpdate() {
    if (this.date !== this.loadedFor) {
      this.loadedFor = this.date;
      this.loading = true;
      call<Statement>('GET', `reconciliation?date=${this.date}`).then(
        (s) => ((this.s = s), (this.error = ''), (this.loading = false)),
        (err: Error) => ((this.error = err.message), (this.loading = false)),
      );
    }
  }

  override render() {
    const t = this.t;
    const s = this.s;
    return html`
      <h1 tabindex="-1">${t.recon.heading}</h1>
      <form class="panel filters" @submit=${(e: SubmitEvent) => (e.preventDefault(), this.go(`#/reconciliation?date=${new FormData(e.target as HTMLFormElement).get('date')}`))}>
        <div><label for="r-date">${t.recon.date}</label><input id="r-date" name="date" type="date" required .value=${this.date} /></div>
        <div class="actions">
          <button class="primary" type="submit">${t.recon.show}</button>
          <a class="button csv" href="api/reconciliation?date=${this.date}&format=csv" download>${t.recon.csv}</a>
        </div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.loading || !s
        ? html`<p role="status">${t.loading}</p>`
        : html`
            <p role="status" class=${s.mismatches ? 'error' : 'ok'}>${t.recon.mismatches(s.mismatches)}</p>
            <section class="panel" aria-labelledby="rows-h">
              <h2 id="rows-h">${t.payments.heading} · ${s.date}</h2>
              <div class="scroll" tabindex="0"><table>
                <thead><tr><th scope="col">${t.payments.order}</th><th scope="col">${t.payments.method}</th><th scope="col" class="num">${t.payments.amount}</th><th scope="col">${t.recon.ledger}</th><th scope="col">${t.recon.providerSays}</th><th scope="col">${t.payments.created}</th></tr></thead>
                <tbody>${s.rows.map(
                  (r) => html`<tr class=${r.mismatch ? 'mismatch' : ''}>
                    <td><a href="#/payments/${encodeURIComponent(r.paymentId)}" class="mono">${r.orderId}</a>${r.type === 'refund' ? html` <span class="badge">refund</span>` : nothing}</td>
                    <td>${r.method} · ${r.provider}</td>
                    <td class="num">${formatIdr(r.amount)}</td>
                    <td>${r.ledgerStatus}${r.flags.map((f) => html` <span class="badge flag">${t.flags[f] ?? f}</span>`)}</td>
                    <td>${r.providerStatus ?? '—'}${r.mismatch ? html`<div class="error">${t.recon.explain(r.ledgerStatus, String(r.providerStatus ?? r.providerDetail ?? '—'))}${r.providerDetail ? ` (${r.providerDetail})` : ''}</div>` : nothing}</td>
                    <td class="hint">${formatTime(r.createdAt, this.locale)}</td>
                  </tr>`,
                )}</tbody>
              </table></div>
              ${s.rows.length ? nothing : html`<p>${t.none}</p>`}
            </section>
            <section class="panel" aria-labelledby="totals-h">
              <h2 id="totals-h">${t.recon.totals}</h2>
              <div class="scroll" tabindex="0"><table>
                <thead><tr><th scope="col">${t.payments.provider}</th><th scope="col">${t.payments.method}</th><th scope="col" class="num">${t.recon.payments}</th><th scope="col" class="num">${t.recon.paid}</th><th scope="col" class="num">${t.recon.refunded}</th></tr></thead>
                <tbody>${s.totals.map((x) => html`<tr><th scope="row">${x.provider}</th><td>${x.method}</td><td class="num">${x.payments}</td><td class="num">${x.paidCount} · ${formatIdr(x.paidAmount)}</td><td class="num">${formatIdr(x.refundedAmount)}</td></tr>`)}</tbody>
              </table></div>
            </section>
          `}
    `;
  }
}
