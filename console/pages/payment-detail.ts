/**
 * One payment: facts, codes, customer, the whole timeline (status changes with their source, provider events,
 * notification attempts, refunds, console actions), provider events, notifications, Resend and the Refund form
 * (full or partial, reason, a confirmation step; only the reason when it cannot be done).
 */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ConsolePaymentDetail } from '../../server/console/api-types.js';
import { ApiError, call } from '../api.js';
import { ConsolePage } from '../base.js';
import { formatIdr, formatTime, groupDigits } from '../format.js';

@customElement('bayar-console-payment')
export class PaymentDetailPage extends ConsolePage {
  @state() private d: ConsolePaymentDetail | null = null;
  @state() private error = '';
  @state() private mode: 'full' | 'partial' = 'partial';
  @state() private pending: { amount: number; reason: string } | null = null;
  @state() private message = '';
  @state() private formError = '';
  @state() private busy = false;
  private loadedFor = '';

  private get paymentId() {
    return this.route.parts[0] ?? '';
  }

  override willUpdate() {
    if (this.paymentId !== this.loadedFor) {
      this.loadedFor = this.paymentId;
      this.d = null;
      void this.load();
    }
  }

  private async load() {
    try {
      this.d = await call<ConsolePaymentDetail>('GET', `payments/${encodeURIComponent(this.paymentId)}`);
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  private review(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const max = this.d!.refundable.max;
    const amount = this.mode === 'full' ? max : Number(String(data.get('amount') ?? '').replace(/[.\s]/g, ''));
    const reason = String(data.get('reason') ?? '').trim();
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > max) {
      this.formError = this.t.detail.max(formatIdr(max));
      (this.renderRoot.querySelector('#refund-amount') as HTMLInputElement | null)?.focus();
      return;
    }
    if (!reason) {
      this.formError = `${this.t.detail.reason}: ${this.locale === 'id' ? 'wajib diisi' : 'required'}`;
      (this.renderRoot.querySelector('#refund-reason') as HTMLInputElement | null)?.focus();
      return;
    }
    this.formError = '';
    this.pending = { amount, reason };
    void this.updateComplete.then(() => (this.renderRoot.querySelector('#confirm-refund') as HTMLElement | null)?.focus());
  }

  private async confirm() {
    if (!this.pending) return;
    this.busy = true;
    try {
      await call('POST', `payments/${encodeURIComponent(this.paymentId)}/refund`, this.pending);
      this.message = this.t.detail.refundDone(formatIdr(this.pending.amount));
      this.pending = null;
      await this.load();
    } catch (err) {
      this.formError = (err as Error).message;
      this.pending = null;
    } finally {
      this.busy = false;
      void this.updateComplete.then(() => (this.renderRoot.querySelector('#refund-status') as HTMLElement | null)?.focus());
    }
  }

  private async resend() {
    this.busy = true;
    try {
      await call('POST', `payments/${encodeURIComponent(this.paymentId)}/resend-notification`);
      this.message = this.t.detail.resent;
      // Give the worker a moment, then show the new attempt.
      setTimeout(() => void this.load(), 600);
      await this.load();
    } catch (err) {
      this.message = err instanceof ApiError ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  private refundForm() {
    const t = this.t.detail;
    const r = this.d!.refundable;
    const operator = this.me.role === 'operator';
    const why = !operator ? t.viewerOnly : !r.ok ? `${t.blocked[r.block ?? 'not_paid']}${r.message ? ` ${r.message}` : ''}` : '';
    if (this.pending) {
      return html`<div role="group" aria-labelledby="confirm-text">
        <p id="confirm-text"><strong>${t.confirmText(formatIdr(this.pending.amount), this.d!.payment.orderId)}</strong></p>
        <p class="hint">${t.reason}: ${this.pending.reason}</p>
        <div class="actions">
          <button id="confirm-refund" class="danger" type="button" @click=${this.confirm} ?disabled=${this.busy}>${t.confirm}</button>
          <button type="button" @click=${() => (this.pending = null)}>${t.cancel}</button>
        </div>
      </div>`;
    }
    // A form nobody can submit (a viewer, an unpaid or fully refunded payment) only invites clicks: say why instead.
    if (why) return html`<p id="refund-why" class="hint">${why}</p>`;
    return html`<form @submit=${this.review} novalidate>
      <fieldset class="radios">
        <legend class="sr-only">${t.refund}</legend>
        <label><input type="radio" name="mode" value="full" .checked=${this.mode === 'full'} @change=${() => (this.mode = 'full')} /> ${t.full} (${formatIdr(r.max)})</label>
        <label><input type="radio" name="mode" value="partial" .checked=${this.mode === 'partial'} @change=${() => (this.mode = 'partial')} /> ${t.partial}</label>
      </fieldset>
      ${this.mode === 'partial'
        ? html`<div class="field"><label for="refund-amount">${t.refundAmount}</label>
            <input id="refund-amount" name="amount" inputmode="numeric" autocomplete="off" aria-describedby="refund-max" /><span id="refund-max" class="hint">${t.max(formatIdr(r.max))}</span></div>`
        : nothing}
      <div class="field"><label for="refund-reason">${t.reason}</label><input id="refund-reason" name="reason" maxlength="200" /></div>
      <button class="primary" type="submit">${t.review}</button>
    </form>`;
  }

  override render() {
    const t = this.t;
    if (this.error) return html`<h1 tabindex="-1">${t.detail.back}</h1><p class="error" role="alert">${this.error}</p><a href="#/payments">${t.detail.back}</a>`;
    if (!this.d) return html`<h1 tabindex="-1">${t.loading}</h1>`;
    const { payment: p, timeline, events, notifications } = this.d;
    const operator = this.me.role === 'operator';
    return html`
      <p><a href="#/payments">← ${t.detail.back}</a></p>
      <h1 tabindex="-1">${t.detail.heading(p.orderId)} <span class="badge st-${p.status}">${t.status[p.status]}</span></h1>
      <div class="grid">
        <section class="panel" aria-labelledby="facts-h">
          <h2 id="facts-h">${formatIdr(p.amount)}</h2>
          <dl class="facts">
            <dt>${t.detail.paymentId}</dt><dd class="mono">${p.id}</dd>
            <dt>${t.detail.refunded}</dt><dd>${formatIdr(p.refundedAmount)}</dd>
            <dt>${t.detail.method}</dt><dd>${t.family[p.family]} · ${p.method}</dd>
            <dt>${t.detail.provider}</dt><dd>${p.provider}</dd>
            <dt>${t.detail.reference}</dt><dd class="mono">${p.reference}</dd>
            <dt>${t.detail.providerRef}</dt><dd class="mono">${p.providerRef ?? '—'}</dd>
            ${p.failureReason ? html`<dt>${t.detail.failureReason}</dt><dd data-failure=${p.failureReason}>${t.detail.failureReasons[p.failureReason]}</dd>` : nothing}
            <dt>${t.detail.expectedFee}</dt><dd>${p.expectedFee !== undefined ? formatIdr(p.expectedFee) : '—'}</dd>
            ${p.codes.va ? html`<dt>${t.detail.va}</dt><dd class="mono">${p.codes.va.bank.toUpperCase()} ${groupDigits(p.codes.va.number)}</dd>` : nothing}
            ${p.codes.cstore ? html`<dt>${t.detail.code}</dt><dd class="mono">${p.codes.cstore.store} ${p.codes.cstore.paymentCode}</dd>` : nothing}
            ${p.codes.qris ? html`<dt>QRIS</dt><dd>${t.detail.qris}</dd>` : nothing}
            <dt>${t.detail.created}</dt><dd>${formatTime(p.createdAt, this.locale)}</dd>
            <dt>${t.detail.paidAt}</dt><dd>${formatTime(p.paidAt, this.locale)}</dd>
            <dt>${t.detail.expires}</dt><dd>${formatTime(p.expiresAt, this.locale)}</dd>
            <dt>${t.detail.customer}</dt><dd>${[p.customer.name, p.customer.email, p.customer.phone].filter(Boolean).join(' · ') || '—'}</dd>
            ${p.flags.length ? html`<dt>${t.payments.flag}</dt><dd>${p.flags.map((f) => html`<span class="badge flag">${t.flags[f] ?? f}</span> `)}</dd>` : nothing}
          </dl>
        </section>
        <section class="panel" aria-labelledby="refund-h">
          <h2 id="refund-h">${t.detail.refund}</h2>
          <p id="refund-status" tabindex="-1" role="status" class=${this.formError ? 'error' : 'ok'}>${this.formError || this.message}</p>
          ${this.refundForm()}
        </section>
      </div>
      <section class="panel" aria-labelledby="timeline-h">
        <h2 id="timeline-h">${t.detail.timeline}</h2>
        <ol class="timeline">
          ${timeline.map(
            (e) => html`<li class="${e.ok === false ? 'bad' : ''} ${e.kind === 'console' ? 'console' : ''}" data-kind=${e.kind}>
              <div class="when">${formatTime(e.at, this.locale)} · ${t.detail.kinds[e.kind]}</div>
              <div><strong>${e.kind === 'status' ? (t.status[e.title] ?? e.title) : e.title}</strong>${e.amount !== undefined ? ` ${formatIdr(e.amount)}` : ''} — ${t.detail.source(e.source)}</div>
              ${e.detail ? html`<div class="hint mono">${e.detail}</div>` : nothing}
            </li>`,
          )}
        </ol>
      </section>
      <section class="panel" aria-labelledby="events-h">
        <h2 id="events-h">${t.detail.events}</h2>
        ${events.length
          ? html`<div class="scroll" tabindex="0"><table>
              <thead><tr><th scope="col">${t.detail.created}</th><th scope="col">${t.detail.provider}</th><th scope="col">${t.detail.eventId}</th><th scope="col">${t.detail.verification}</th></tr></thead>
              <tbody>${events.map(
                (e) => html`<tr><td>${formatTime(e.receivedAt, this.locale)}</td><td>${e.provider}</td><td class="mono" title=${e.eventId}>${e.eventId.length > 16 ? `${e.eventId.slice(0, 16)}…` : e.eventId}</td>
                  <td><span class="ok">${t.detail.verified}</span> · ${e.outcome}</td></tr>`,
              )}</tbody>
            </table></div>`
          : html`<p>${t.none}</p>`}
      </section>
      <section class="panel" aria-labelledby="notif-h">
        <h2 id="notif-h">${t.detail.notifications}</h2>
        ${notifications.length
          ? html`<div class="scroll" tabindex="0"><table>
              <thead><tr><th scope="col">#</th><th scope="col">Type</th><th scope="col">${t.detail.attempts}</th></tr></thead>
              <tbody>${notifications.map(
                (n) => html`<tr data-notification=${n.id}><td>${n.id}${n.resendOf ? html` <span class="hint">(↻ ${n.resendOf})</span>` : nothing}</td><td>${n.type}</td>
                  <td>${n.attempts.length ? n.attempts.map((a) => html`<div class=${a.ok ? 'ok' : 'error'}>${formatTime(a.at, this.locale)}: ${a.answer}</div>`) : html`<span class="hint">${t.loading}</span>`}</td></tr>`,
              )}</tbody>
            </table></div>`
          : html`<p>${t.detail.noNotifications}</p>`}
        <div class="actions" style="margin-top:12px">
          <button type="button" class="resend" @click=${this.resend} ?disabled=${!operator || this.busy || !notifications.length} aria-describedby=${!operator ? 'resend-why' : nothing}>${t.detail.resend}</button>
          ${!operator ? html`<span id="resend-why" class="hint">${t.detail.viewerOnly}</span>` : nothing}
        </div>
      </section>
    `;
  }
}
