/** Payments: search, filters (kept in the URL hash, so a view can be bookmarked and shared), keyset pages, CSV. */
import { html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { METHOD_FAMILIES, PAYMENT_STATUSES, PROVIDER_IDS } from '../../server/api-types.js';
import type { ConsolePaymentList } from '../../server/console/api-types.js';
import { qs } from '../api.js';
import { ConsolePage } from '../base.js';
import { KeysetList } from '../keyset-list.js';
import { formatIdr, formatTime } from '../format.js';

const FILTERS = ['q', 'status', 'family', 'provider', 'flag', 'from', 'to'] as const;
const FLAGS = ['amount_mismatch', 'late_payment', 'duplicate_payment', 'external_refund'];

@customElement('bayar-console-payments')
export class PaymentsPage extends ConsolePage {
  private list = new KeysetList(this, 'payments', FILTERS, (p: ConsolePaymentList) => ({ items: p.payments, next: p.next }));

  private select(name: string, label: string, options: readonly string[], words: (o: string) => string) {
    const current = this.route.params.get(name) ?? '';
    return html`<div><label for="f-${name}">${label}</label>
      <select id="f-${name}" name=${name} aria-invalid=${this.list.invalid(name)}>
        <option value="">${this.t.payments.any}</option>
        ${options.map((o) => html`<option value=${o} ?selected=${o === current}>${words(o)}</option>`)}
      </select></div>`;
  }

  override render() {
    const t = this.t;
    const l = this.list;
    const f = l.filters();
    const invalid = (n: string) => l.invalid(n);
    return html`
      <h1 tabindex="-1">${t.payments.heading}</h1>
      <form class="panel filters" role="search" @submit=${l.apply}>
        <div class="wide">
          <label for="f-q">${t.payments.search}</label>
          <input id="f-q" name="q" type="search" .value=${f.q ?? ''} aria-describedby="f-q-hint" aria-invalid=${invalid('q')} autocomplete="off" />
          <span id="f-q-hint" class="hint">${t.payments.searchHint}</span>
        </div>
        ${this.select('status', t.payments.status, PAYMENT_STATUSES, (s) => t.status[s] ?? s)}
        ${this.select('family', t.payments.method, METHOD_FAMILIES, (s) => t.family[s] ?? s)}
        ${this.select('provider', t.payments.provider, PROVIDER_IDS, (s) => s)}
        ${this.select('flag', t.payments.flag, FLAGS, (s) => t.flags[s] ?? s)}
        <div><label for="f-from">${t.payments.from}</label><input id="f-from" name="from" type="date" .value=${f.from ?? ''} aria-invalid=${invalid('from')} /></div>
        <div><label for="f-to">${t.payments.to}</label><input id="f-to" name="to" type="date" .value=${f.to ?? ''} aria-invalid=${invalid('to')} /></div>
        <div class="actions wide">
          <button class="primary" type="submit">${t.payments.apply}</button>
          <a class="button" href="#/payments">${t.payments.reset}</a>
          <a class="button" href="api/payments.csv${qs(f)}" download>${t.payments.csv}</a>
        </div>
      </form>
      ${l.error ? html`<p class="error" role="alert">${l.error.message}</p>` : nothing}
      <section class="panel list" aria-labelledby="list-h" aria-busy=${l.loading ? 'true' : 'false'}>
        <h2 id="list-h" class="sr-only">${t.payments.heading}</h2>
        <div class="row head" aria-hidden="true"><span>${t.payments.order}</span><span>${t.payments.status}</span><span>${t.payments.method}</span><span class="num">${t.payments.amount}</span><span>${t.payments.created}</span></div>
        <ul style="list-style:none;margin:0;padding:0">
          ${l.rows.map(
            (p) => html`<li class="row" data-id=${p.id}>
              <a href="#/payments/${encodeURIComponent(p.id)}"><span class="mono">${p.orderId}</span></a>
              <span><span class="badge st-${p.status}">${t.status[p.status]}</span>${p.flags.map((fl) => html` <span class="badge flag">${t.flags[fl] ?? fl}</span>`)}</span>
              <span>${t.family[p.family]} · ${p.method.split(':')[1]} · ${p.provider}</span>
              <span class="num">${formatIdr(p.amount)}</span>
              <span class="hint">${formatTime(p.createdAt, this.locale)}</span>
            </li>`,
          )}
        </ul>
        ${!l.loading && l.rows.length === 0 ? html`<p>${t.none}</p>` : nothing}
        <p class="hint" role="status">${l.loading ? t.loading : t.payments.count(l.rows.length)}</p>
        ${l.next ? html`<button type="button" @click=${() => l.load(true)} ?disabled=${l.loading}>${t.payments.more}</button>` : nothing}
      </section>
    `;
  }
}
