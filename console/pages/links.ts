/** Payment links: newest first, a status filter kept in the URL hash, keyset pages, and the way to make one. */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LINK_STATUSES, type PaymentLink } from '../../server/api-types.js';
import type { ConsoleLinkList } from '../../server/console/api-types.js';
import { call, qs } from '../api.js';
import { ConsolePage } from '../base.js';
import { formatIdr, formatTime } from '../format.js';

/** The amount a link asks for, as the lists and the link's page show it. */
export function linkAmount(l: Pick<PaymentLink, 'amount' | 'openAmount'>, range: (min: string, max: string) => string): string {
  if (l.amount !== null) return formatIdr(l.amount);
  return l.openAmount ? range(formatIdr(l.openAmount.min), formatIdr(l.openAmount.max)) : '—';
}

@customElement('bayar-console-links')
export class LinksPage extends ConsolePage {
  @state() private rows: PaymentLink[] = [];
  @state() private next: string | null = null;
  @state() private error = '';
  @state() private loading = false;
  private loadedFor: string | null = null;

  private get status() {
    return this.route.params.get('status') ?? undefined;
  }

  override willUpdate() {
    const key = qs({ status: this.status });
    if (key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load(false);
    }
  }

  private async load(more: boolean) {
    this.loading = true;
    this.error = '';
    try {
      const page = await call<ConsoleLinkList>('GET', `links${qs({ status: this.status, cursor: more ? (this.next ?? undefined) : undefined })}`);
      this.rows = more ? [...this.rows, ...page.links] : page.links;
      this.next = page.next;
    } catch (err) {
      this.error = (err as Error).message;
      if (!more) this.rows = [];
    } finally {
      this.loading = false;
    }
  }

  private apply(e: SubmitEvent) {
    e.preventDefault();
    const status = String(new FormData(e.target as HTMLFormElement).get('status') ?? '') || undefined;
    this.go(`#/links${qs({ status })}`);
  }

  override render() {
    const t = this.t;
    const l = t.links;
    const operator = this.me.role === 'operator';
    return html`
      <h1 tabindex="-1">${l.heading}</h1>
      <p class="hint">${l.intro}</p>
      <div class="actions" style="margin-bottom:16px">
        ${operator
          ? html`<a class="button primary new-link" href="#/links/new">${l.create}</a>`
          : html`<span class="hint" id="links-viewer">${l.viewerOnly}</span>`}
      </div>
      <form class="panel filters" role="search" @submit=${this.apply}>
        <div><label for="f-link-status">${t.payments.status}</label>
          <select id="f-link-status" name="status">
            <option value="">${t.payments.any}</option>
            ${LINK_STATUSES.map((s) => html`<option value=${s} ?selected=${s === this.status}>${l.status[s]}</option>`)}
          </select></div>
        <div class="actions"><button class="primary" type="submit">${t.payments.apply}</button></div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <section class="panel list links" aria-labelledby="links-list-h" aria-busy=${this.loading ? 'true' : 'false'}>
        <h2 id="links-list-h" class="sr-only">${l.heading}</h2>
        <div class="row head" aria-hidden="true"><span>${l.description}</span><span>${t.payments.status}</span><span>${l.uses}</span><span class="num">${l.amount}</span><span>${l.created}</span></div>
        <ul style="list-style:none;margin:0;padding:0">
          ${this.rows.map(
            (k) => html`<li class="row" data-id=${k.id}>
              <a href="#/links/${encodeURIComponent(k.id)}">${k.description}</a>
              <span><span class="badge ln-${k.status}">${l.status[k.status]}</span></span>
              <span>${l.uses}: ${l.usesOf(k.paidCount, k.maxPayments)}</span>
              <span class="num">${linkAmount(k, l.openRange)}</span>
              <span class="hint">${formatTime(k.createdAt, this.locale)}</span>
            </li>`,
          )}
        </ul>
        ${!this.loading && this.rows.length === 0 ? html`<p>${t.none}</p>` : nothing}
        <p class="hint" role="status">${this.loading ? t.loading : l.count(this.rows.length)}</p>
        ${this.next ? html`<button type="button" @click=${() => this.load(true)} ?disabled=${this.loading}>${l.more}</button>` : nothing}
      </section>
    `;
  }
}
