/**
 * A new payment link: description; a fixed amount, products from the catalog (BAYAR_CATALOG) or an amount the
 * customer chooses within a range; single payment or reusable; an optional end (a Jakarta date and time); an
 * optional customer. The server checks everything again with the merchant API's rules and names the field it
 * refuses, which gets the focus.
 */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { LinkItem } from '../../server/api-types.js';
import type { ConsoleCatalog } from '../../server/console/api-types.js';
import { ApiError, call } from '../api.js';
import { ConsolePage } from '../base.js';
import { formatIdr } from '../format.js';

type Kind = 'amount' | 'items' | 'open';

/** Digits of a rupiah amount as people type it (150.000, 150 000); null when it is not a whole number. */
const rupiah = (v: FormDataEntryValue | null): number | null => {
  const s = String(v ?? '').replace(/[.\s]/g, '');
  return /^\d{1,12}$/.test(s) ? Number(s) : null;
};

@customElement('bayar-console-link-new')
export class LinkNewPage extends ConsolePage {
  @state() private kind: Kind = 'amount';
  @state() private reusable = false;
  @state() private catalog: ConsoleCatalog['items'] = [];
  @state() private quantities: Record<string, number> = {};
  @state() private error: { message: string; field?: string } | null = null;
  @state() private busy = false;

  override connectedCallback() {
    super.connectedCallback();
    void call<ConsoleCatalog>('GET', 'catalog').then((c) => (this.catalog = c.items)).catch(() => (this.catalog = []));
  }

  private fail(message: string, field?: string) {
    this.error = { message, field };
    void this.updateComplete.then(() => {
      const target = field ? (this.renderRoot.querySelector(`[data-field="${field}"]`) as HTMLElement | null) : null;
      (target ?? (this.renderRoot.querySelector('#link-error') as HTMLElement | null))?.focus();
    });
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const l = this.t.links;
    const data = new FormData(e.target as HTMLFormElement);
    const body: Record<string, unknown> = {};
    const description = String(data.get('description') ?? '').trim();
    if (!description) return this.fail(l.required(l.description), 'description');
    body.description = description;
    if (this.kind === 'amount') {
      const amount = rupiah(data.get('amount'));
      if (amount === null || amount <= 0) return this.fail(l.wholeRupiah(l.amountLabel), 'amount');
      body.amount = amount;
    } else if (this.kind === 'items') {
      const items: LinkItem[] = this.catalog
        .filter((c) => (this.quantities[c.sku] ?? 0) > 0)
        .map((c) => ({ sku: c.sku, name: c.name, price: c.price, quantity: this.quantities[c.sku]! }));
      if (!items.length) return this.fail(l.chooseItem, 'items');
      body.items = items;
    } else {
      const min = rupiah(data.get('min'));
      const max = rupiah(data.get('max'));
      if (min === null || min <= 0) return this.fail(l.wholeRupiah(l.min), 'openAmount');
      if (max === null || max <= 0) return this.fail(l.wholeRupiah(l.max), 'openAmountMax');
      body.openAmount = { min, max };
    }
    if (this.reusable) {
      const n = rupiah(data.get('maxPayments'));
      if (n === null || n < 1) return this.fail(l.wholeRupiah(l.maxPayments), 'maxPayments');
      body.maxPayments = n;
    }
    const until = String(data.get('expiresAt') ?? '');
    // datetime-local has no zone: the shop means Jakarta time, whatever the browser's zone.
    if (until) body.expiresAt = `${until.length === 16 ? `${until}:00` : until}+07:00`;
    const customer = Object.fromEntries(['name', 'email', 'phone'].map((k) => [k, String(data.get(`customer-${k}`) ?? '').trim()]).filter(([, v]) => v));
    if (Object.keys(customer).length) body.customer = customer;

    this.busy = true;
    try {
      const r = await call<{ link: { id: string } }>('POST', 'links', body);
      this.go(`#/links/${encodeURIComponent(r.link.id)}?created=1`);
    } catch (err) {
      const field = err instanceof ApiError ? (err.details as { field?: string } | undefined)?.field : undefined;
      this.fail((err as Error).message, field);
    } finally {
      this.busy = false;
    }
  }

  private invalid(field: string) {
    return this.error?.field === field ? 'true' : 'false';
  }

  private itemsTable() {
    const l = this.t.links;
    const total = this.catalog.reduce((s, c) => s + c.price * (this.quantities[c.sku] ?? 0), 0);
    return html`<div class="scroll" tabindex="-1" data-field="items" aria-invalid=${this.invalid('items')}><table>
      <thead><tr><th scope="col">${l.items}</th><th scope="col" class="num">${l.price}</th><th scope="col">${this.locale === 'id' ? 'Jumlah' : 'Quantity'}</th></tr></thead>
      <tbody>${this.catalog.map(
        (c) => html`<tr><td>${c.name}</td><td class="num">${formatIdr(c.price)}</td>
          <td><input class="qty" type="number" min="0" max="10000" step="1" inputmode="numeric" aria-label=${l.quantity(c.name)} data-sku=${c.sku}
            .value=${String(this.quantities[c.sku] ?? 0)}
            @input=${(e: Event) => (this.quantities = { ...this.quantities, [c.sku]: Math.max(0, Math.floor(Number((e.target as HTMLInputElement).value) || 0)) })} /></td></tr>`,
      )}</tbody>
      <tfoot><tr><th scope="row">${l.total}</th><td class="num" id="items-total">${formatIdr(total)}</td><td></td></tr></tfoot>
    </table></div>`;
  }

  override render() {
    const t = this.t;
    const l = t.links;
    if (this.me.role !== 'operator') {
      return html`<p><a href="#/links">← ${l.back}</a></p><h1 tabindex="-1">${l.newHeading}</h1><p class="hint">${l.viewerOnly}</p>`;
    }
    const kind = (k: Kind, label: string, disabled = false) =>
      html`<label><input type="radio" name="kind" value=${k} .checked=${this.kind === k} ?disabled=${disabled} aria-describedby=${disabled ? 'no-catalog' : nothing}
        @change=${() => ((this.kind = k), (this.error = null))} /> ${label}</label>`;
    return html`
      <p><a href="#/links">← ${l.back}</a></p>
      <h1 tabindex="-1">${l.newHeading}</h1>
      <form class="panel link-form" @submit=${this.submit} novalidate aria-describedby=${this.error ? 'link-error' : nothing}>
        ${this.error ? html`<p id="link-error" tabindex="-1" role="alert" class="error">${this.error.message}</p>` : nothing}
        <div class="field"><label for="link-description">${l.description}</label>
          <input id="link-description" name="description" maxlength="200" required data-field="description" aria-invalid=${this.invalid('description')} aria-describedby="link-description-hint" />
          <span id="link-description-hint" class="hint">${l.descriptionHint}</span></div>
        <fieldset class="radios wrap"><legend>${l.kind}</legend>
          ${kind('amount', l.kindAmount)} ${kind('items', l.kindItems, !this.catalog.length)} ${kind('open', l.kindOpen)}
          ${this.catalog.length ? nothing : html`<p class="hint" id="no-catalog">${l.noCatalog}</p>`}
        </fieldset>
        ${this.kind === 'amount'
          ? html`<div class="field"><label for="link-amount">${l.amountLabel}</label>
              <input id="link-amount" name="amount" inputmode="numeric" autocomplete="off" data-field="amount" aria-invalid=${this.invalid('amount')} /></div>`
          : nothing}
        ${this.kind === 'items' ? this.itemsTable() : nothing}
        ${this.kind === 'open'
          ? html`<div class="grid two">
              <div class="field"><label for="link-min">${l.min}</label><input id="link-min" name="min" inputmode="numeric" autocomplete="off" data-field="openAmount" aria-invalid=${this.invalid('openAmount')} /></div>
              <div class="field"><label for="link-max">${l.max}</label><input id="link-max" name="max" inputmode="numeric" autocomplete="off" data-field="openAmountMax" aria-invalid=${this.invalid('openAmountMax')} /></div>
            </div>`
          : nothing}
        <fieldset class="radios wrap"><legend>${l.usage}</legend>
          <label><input type="radio" name="usage" value="single" .checked=${!this.reusable} @change=${() => (this.reusable = false)} /> ${l.single}</label>
          <label><input type="radio" name="usage" value="reusable" .checked=${this.reusable} @change=${() => (this.reusable = true)} /> ${l.reusable}</label>
        </fieldset>
        ${this.reusable
          ? html`<div class="field"><label for="link-max-payments">${l.maxPayments}</label>
              <input id="link-max-payments" name="maxPayments" inputmode="numeric" value="100" autocomplete="off" data-field="maxPayments" aria-invalid=${this.invalid('maxPayments')} /></div>`
          : nothing}
        <div class="field"><label for="link-expires">${l.expires}</label>
          <input id="link-expires" name="expiresAt" type="datetime-local" data-field="expiresAt" aria-invalid=${this.invalid('expiresAt')} aria-describedby="link-expires-hint" />
          <span id="link-expires-hint" class="hint">${l.expiresHint}</span></div>
        <fieldset class="plain" data-field="customer" tabindex="-1"><legend>${l.customer}</legend>
          <p class="hint" id="link-customer-hint">${l.customerHint}</p>
          <div class="grid three">
            <div class="field"><label for="link-customer-name">${l.name}</label><input id="link-customer-name" name="customer-name" maxlength="100" autocomplete="off" aria-describedby="link-customer-hint" /></div>
            <div class="field"><label for="link-customer-email">${l.email}</label><input id="link-customer-email" name="customer-email" type="email" maxlength="200" autocomplete="off" aria-invalid=${this.invalid('customer')} /></div>
            <div class="field"><label for="link-customer-phone">${l.phone}</label><input id="link-customer-phone" name="customer-phone" type="tel" inputmode="tel" maxlength="16" autocomplete="off" aria-invalid=${this.invalid('customer')} /></div>
          </div>
        </fieldset>
        <button class="primary" type="submit" ?disabled=${this.busy}>${l.submit}</button>
      </form>
    `;
  }
}
