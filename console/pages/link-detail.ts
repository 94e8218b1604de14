/**
 * One payment link: what it asks for and its state; sharing (the URL with Copy, WhatsApp, the QR to show or
 * download for a counter sticker); Disable with a confirmation step; the payments made through it, newest first.
 */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ConsoleLinkDetail } from '../../server/console/api-types.js';
import { call } from '../api.js';
import { ConsolePage } from '../base.js';
import { formatIdr, formatTime } from '../format.js';
import { linkAmount } from './links.js';

@customElement('bayar-console-link')
export class LinkDetailPage extends ConsolePage {
  @state() private d: ConsoleLinkDetail | null = null;
  @state() private error = '';
  @state() private message = '';
  @state() private failed = false;
  @state() private confirming = false;
  @state() private busy = false;
  private loadedFor = '';

  private get linkId() {
    return this.route.parts[0] ?? '';
  }

  override willUpdate() {
    if (this.linkId !== this.loadedFor) {
      this.loadedFor = this.linkId;
      this.d = null;
      this.message = this.route.params.get('created') ? this.t.links.created_ok : '';
      // Said once: a reload or a bookmark of this address shows the link without "created".
      if (this.route.params.get('created')) history.replaceState(null, '', `#/links/${encodeURIComponent(this.linkId)}`);
      void this.load();
    }
  }

  private async load() {
    try {
      this.d = await call<ConsoleLinkDetail>('GET', `links/${encodeURIComponent(this.linkId)}`);
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  private say(message: string, failed = false, focus = '#link-status') {
    this.message = message;
    this.failed = failed;
    void this.updateComplete.then(() => (this.renderRoot.querySelector(focus) as HTMLElement | null)?.focus());
  }

  private async copy() {
    const l = this.t.links;
    try {
      await navigator.clipboard.writeText(this.d!.link.url);
      this.say(l.copied);
    } catch {
      // Without clipboard access (an insecure origin, a denied permission) the address is selected for Ctrl+C.
      const input = this.renderRoot.querySelector('#link-url') as HTMLInputElement;
      input.focus();
      input.select();
      this.message = l.copyFailed;
      this.failed = true;
    }
  }

  private async disable() {
    this.busy = true;
    try {
      await call('POST', `links/${encodeURIComponent(this.linkId)}/disable`);
      this.confirming = false;
      await this.load();
      this.say(this.t.links.disabled_ok);
    } catch (err) {
      this.confirming = false;
      this.say((err as Error).message, true);
    } finally {
      this.busy = false;
    }
  }

  private disablePanel() {
    const l = this.t.links;
    const link = this.d!.link;
    const operator = this.me.role === 'operator';
    const why = !operator ? l.viewerOnly : link.status !== 'active' ? l.cannotDisable : '';
    if (this.confirming) {
      return html`<div role="group" aria-labelledby="disable-text">
        <p id="disable-text"><strong>${l.disableConfirm}</strong></p>
        <div class="actions">
          <button id="confirm-disable" class="danger" type="button" @click=${this.disable} ?disabled=${this.busy}>${l.disableYes}</button>
          <button type="button" @click=${() => ((this.confirming = false), this.say('', false, 'button.disable'))}>${this.t.detail.cancel}</button>
        </div>
      </div>`;
    }
    return html`<div class="actions">
      <button type="button" class="disable" ?disabled=${!!why} aria-describedby=${why ? 'disable-why' : nothing}
        @click=${() => ((this.confirming = true), this.updateComplete.then(() => (this.renderRoot.querySelector('#confirm-disable') as HTMLElement | null)?.focus()))}>${l.disable}</button>
      ${why ? html`<span id="disable-why" class="hint">${why}</span>` : nothing}
    </div>`;
  }

  override render() {
    const tx = this.t;
    const l = tx.links;
    if (this.error) return html`<p><a href="#/links">← ${l.back}</a></p><h1 tabindex="-1">${l.heading}</h1><p class="error" role="alert">${this.error}</p>`;
    if (!this.d) return html`<h1 tabindex="-1">${tx.loading}</h1>`;
    const { link, payments } = this.d;
    const c = link.customer ?? {};
    return html`
      <p><a href="#/links">← ${l.back}</a></p>
      <h1 tabindex="-1">${link.description} <span class="badge ln-${link.status}">${l.status[link.status]}</span></h1>
      <p id="link-status" tabindex="-1" role="status" class=${this.failed ? 'error' : 'ok'}>${this.message}</p>
      <div class="grid">
        <section class="panel" aria-labelledby="link-facts-h">
          <h2 id="link-facts-h">${linkAmount(link, l.openRange)}</h2>
          <dl class="facts">
            <dt>${l.uses}</dt><dd>${l.usesOf(link.paidCount, link.maxPayments)}</dd>
            <dt>${l.orderId}</dt><dd class="mono">${link.orderId}</dd>
            <dt>${l.created}</dt><dd>${formatTime(link.createdAt, this.locale)}</dd>
            <dt>${l.expiresAt}</dt><dd>${link.expiresAt ? formatTime(link.expiresAt, this.locale) : l.never}</dd>
            ${link.disabledAt ? html`<dt>${l.status.disabled}</dt><dd>${formatTime(link.disabledAt, this.locale)}</dd>` : nothing}
            ${link.completedAt ? html`<dt>${l.status.completed}</dt><dd>${formatTime(link.completedAt, this.locale)}</dd>` : nothing}
            ${link.items
              ? html`<dt>${l.items}</dt><dd>${link.items.map((i) => html`<div>${i.quantity} × ${i.name} (${formatIdr(i.price)})</div>`)}</dd>`
              : nothing}
            <dt>${tx.detail.customer}</dt><dd>${[c.name, c.email, c.phone].filter(Boolean).join(' · ') || '—'}</dd>
            <dt>ID</dt><dd class="mono">${link.id}</dd>
          </dl>
          ${this.disablePanel()}
        </section>
        <section class="panel share" aria-labelledby="link-share-h">
          <h2 id="link-share-h">${l.share}</h2>
          <div class="field"><label for="link-url">${l.url}</label>
            <input id="link-url" class="mono" readonly .value=${link.url} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></div>
          <div class="actions">
            <button type="button" class="primary copy" @click=${this.copy}>${l.copy}</button>
            <a class="button whatsapp" href=${link.share.whatsapp} target="_blank" rel="noopener noreferrer">${l.whatsapp}</a>
          </div>
          <img class="qr" src="api/links/${encodeURIComponent(link.id)}/qr.svg" width="200" height="200" alt=${l.qr(link.description)} />
          <div class="actions">
            <a class="button" href="api/links/${encodeURIComponent(link.id)}/qr.png" download="${link.id}.png">${l.qrPng}</a>
            <a class="button" href="api/links/${encodeURIComponent(link.id)}/qr.svg" download="${link.id}.svg">${l.qrSvg}</a>
          </div>
        </section>
      </div>
      <section class="panel list link-payments" aria-labelledby="link-payments-h">
        <h2 id="link-payments-h">${l.payments}</h2>
        ${payments.length
          ? html`<ul style="list-style:none;margin:0;padding:0">
              ${payments.map(
                (p) => html`<li class="row" data-id=${p.id}>
                  <a href="#/payments/${encodeURIComponent(p.id)}"><span class="mono">${p.orderId}</span></a>
                  <span><span class="badge st-${p.status}">${tx.status[p.status]}</span></span>
                  <span>${tx.family[p.family]} · ${p.method.split(':')[1]} · ${p.provider}</span>
                  <span class="num">${formatIdr(p.amount)}</span>
                  <span class="hint">${formatTime(p.paidAt ?? p.createdAt, this.locale)}</span>
                </li>`,
              )}
            </ul>`
          : html`<p>${l.noPayments}</p>`}
      </section>
    `;
  }
}
