/** Notifications: the outbox backlog, the oldest undelivered notification's age, failing deliveries, resend. */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ConsoleNotifications } from '../../server/console/api-types.js';
import { call } from '../api.js';
import { ConsolePage } from '../base.js';
import { formatAge, formatTime } from '../format.js';

@customElement('bayar-console-notifications')
export class NotificationsPage extends ConsolePage {
  @state() private n: ConsoleNotifications | null = null;
  @state() private error = '';
  @state() private message = '';

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.n = await call<ConsoleNotifications>('GET', 'notifications');
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  private async resend(id: number) {
    try {
      await call('POST', `notifications/${id}/resend`);
      this.message = this.t.notif.resent;
      await this.load();
    } catch (err) {
      this.message = (err as Error).message;
    }
  }

  override render() {
    const t = this.t;
    const n = this.n;
    const operator = this.me.role === 'operator';
    return html`
      <h1 tabindex="-1">${t.notif.heading}</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p role="status">${this.message}</p>
      ${!n
        ? html`<p>${t.loading}</p>`
        : html`
            ${n.enabled ? nothing : html`<p class="banner" role="note">${t.notif.off}</p>`}
            <div class="grid">
              <section class="panel"><h2>${t.notif.backlog}</h2><p class="kpi">${n.backlog}</p></section>
              <section class="panel"><h2>${t.notif.oldest}</h2><p class="kpi">${n.oldestUndeliveredAt ? formatAge(n.oldestUndeliveredAt) : '—'}</p></section>
            </div>
            <section class="panel" aria-labelledby="failing-h">
              <h2 id="failing-h">${t.notif.failing}</h2>
              ${n.failing.length
                ? html`<div class="scroll" tabindex="0"><table>
                    <thead><tr><th scope="col">#</th><th scope="col">${t.payments.heading}</th><th scope="col">${t.notif.lastAnswer}</th><th scope="col">${t.detail.attempts}</th><th scope="col">${t.notif.next}</th><th scope="col"><span class="sr-only">${t.notif.resend}</span></th></tr></thead>
                    <tbody>${n.failing.map(
                      (f) => html`<tr>
                        <td>${f.id}</td>
                        <td><a class="mono" href="#/payments/${encodeURIComponent(f.paymentId)}">${f.paymentId}</a><div class="hint">${f.type}</div></td>
                        <td class="error">${f.lastError}</td>
                        <td>${f.attempts.length}</td>
                        <td>${formatTime(f.nextAttemptAt, this.locale)}</td>
                        <td><button type="button" @click=${() => this.resend(f.id)} ?disabled=${!operator} aria-label="${t.notif.resend} #${f.id}">${t.notif.resend}</button></td>
                      </tr>`,
                    )}</tbody>
                  </table></div>`
                : html`<p>${t.none}</p>`}
            </section>
          `}
    `;
  }
}
