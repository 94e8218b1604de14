/**
 * Audit log (operators only): who signed in, refunded, resent, exported, created or disabled a link — and every
 * refusal — newest first, with filters kept in the URL hash and keyset pages.
 */
import { html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { AUDIT_ACTIONS, type ConsoleAuditPage } from '../../server/console/api-types.js';
import { ConsolePage } from '../base.js';
import { KeysetList } from '../keyset-list.js';
import { formatIdr, formatTime } from '../format.js';

const FILTERS = ['action', 'actor', 'payment', 'refused'] as const;

/** A detail object as short "key: value" pairs; amounts read as rupiah, nested filters as their own pairs. */
function describe(d: Record<string, unknown>): string {
  return Object.entries(d)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}: ${k === 'amount' && typeof v === 'number' ? formatIdr(v) : typeof v === 'object' ? describe(v as Record<string, unknown>) : String(v)}`)
    .join(' · ');
}

@customElement('bayar-console-audit')
export class AuditPage extends ConsolePage {
  private list = new KeysetList(this, 'audit', FILTERS, (p: ConsoleAuditPage) => ({ items: p.entries, next: p.next }));

  override render() {
    const t = this.t;
    const a = t.audit;
    const l = this.list;
    const f = l.filters();
    const invalid = (n: string) => l.invalid(n);
    return html`
      <h1 tabindex="-1">${a.heading}</h1>
      <p class="hint">${a.intro}</p>
      <form class="panel filters" role="search" @submit=${l.apply}>
        <div><label for="a-action">${a.action}</label>
          <select id="a-action" name="action" aria-invalid=${invalid('action')}>
            <option value="">${t.payments.any}</option>
            ${AUDIT_ACTIONS.map((x) => html`<option value=${x} ?selected=${x === f.action}>${a.actions[x]}</option>`)}
          </select></div>
        <div><label for="a-actor">${a.actor}</label><input id="a-actor" name="actor" .value=${f.actor ?? ''} aria-invalid=${invalid('actor')} autocomplete="off" autocapitalize="none" spellcheck="false" /></div>
        <div><label for="a-payment">${a.payment}</label><input id="a-payment" name="payment" class="mono" .value=${f.payment ?? ''} aria-invalid=${invalid('payment')} autocomplete="off" spellcheck="false" /></div>
        <div class="check"><input id="a-refused" name="refused" type="checkbox" value="true" .checked=${f.refused === 'true'} /><label for="a-refused">${a.refusedOnly}</label></div>
        <div class="actions wide">
          <button class="primary" type="submit">${t.payments.apply}</button>
          <a class="button" href="#/audit">${t.payments.reset}</a>
        </div>
      </form>
      ${l.error ? html`<p class="error" role="alert">${l.error.message}</p>` : nothing}
      <section class="panel" aria-labelledby="audit-h" aria-busy=${l.loading ? 'true' : 'false'}>
        <h2 id="audit-h" class="sr-only">${a.heading}</h2>
        ${l.rows.length
          ? html`<div class="scroll" tabindex="0" role="region" aria-label=${a.heading}><table class="audit">
              <thead><tr><th scope="col">${a.when}</th><th scope="col">${a.actor}</th><th scope="col">${a.action}</th><th scope="col">${a.outcome}</th><th scope="col">${a.payment}</th><th scope="col">${a.ip}</th><th scope="col">${a.detail}</th></tr></thead>
              <tbody>${l.rows.map(
                (e) => html`<tr data-id=${e.id} data-action=${e.action} class=${e.outcome === 'ok' ? '' : 'bad'}>
                  <td>${formatTime(e.at, this.locale)}</td>
                  <td>${e.actor}<div class="hint">${e.role}</div></td>
                  <td>${(a.actions as Record<string, string>)[e.action] ?? e.action}</td>
                  <td class=${e.outcome === 'ok' ? 'ok' : 'error'}>${e.outcome === 'ok' ? a.ok : e.outcome}</td>
                  <td>${e.paymentId ? html`<a class="mono" href="#/payments/${encodeURIComponent(e.paymentId)}">${e.paymentId}</a>` : '—'}</td>
                  <td class="mono">${e.ip}</td>
                  <td class="hint detail">${describe(e.detail)}</td>
                </tr>`,
              )}</tbody>
            </table></div>`
          : !l.loading
            ? html`<p>${t.none}</p>`
            : nothing}
        <p class="hint" role="status">${l.loading ? t.loading : a.count(l.rows.length)}</p>
        ${l.next ? html`<button type="button" @click=${() => l.load(true)} ?disabled=${l.loading}>${t.payments.more}</button>` : nothing}
      </section>
    `;
  }
}
