/** Providers: per provider and family — circuit, success rate, create latency, webhooks; routing in words; mode. */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { METHOD_FAMILIES } from '../../server/api-types.js';
import type { ConsoleProviders } from '../../server/console/api-types.js';
import { call } from '../api.js';
import { ConsolePage } from '../base.js';
import { percent } from '../format.js';

@customElement('bayar-console-providers')
export class ProvidersPage extends ConsolePage {
  @state() private p: ConsoleProviders | null = null;
  @state() private error = '';

  override connectedCallback() {
    super.connectedCallback();
    call<ConsoleProviders>('GET', 'providers').then(
      (p) => (this.p = p),
      (err: Error) => (this.error = err.message),
    );
  }

  private counts(c: Record<string, number>) {
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    return total ? `${total} (${Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')})` : '0';
  }

  override render() {
    const t = this.t;
    const p = this.p;
    const ms = (x: number | null) => (x === null ? '—' : `${x} ms`);
    return html`
      <h1 tabindex="-1">${t.prov.heading}</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!p
        ? html`<p role="status">${t.loading}</p>`
        : html`
            <section class="panel" aria-labelledby="routing-h">
              <h2 id="routing-h">${t.prov.routing} (${p.mode})</h2>
              <ul>${METHOD_FAMILIES.map((f) => html`<li>${t.prov.route(t.family[f] ?? f, p.routes[f])}</li>`)}</ul>
            </section>
            <div class="grid cards">
              ${p.providers.map(
                (x) => html`<section class="panel" aria-labelledby="p-${x.provider}" data-provider=${x.provider}>
                  <h2 id="p-${x.provider}">${x.provider}</h2>
                  <dl class="facts stack">
                    <dt>${t.prov.circuit}</dt><dd class=${x.circuit === 'closed' ? 'ok' : 'error'}>${t.prov.circuitState[x.circuit]}</dd>
                    <dt>${t.prov.latency} · ${t.prov.hour}</dt><dd>${ms(x.createLatency.hour.p50Ms)} / ${ms(x.createLatency.hour.p95Ms)} · ${t.prov.calls(x.createLatency.hour.calls)}</dd>
                    <dt>${t.prov.latency} · ${t.prov.dayL}</dt><dd>${ms(x.createLatency.day.p50Ms)} / ${ms(x.createLatency.day.p95Ms)} · ${t.prov.calls(x.createLatency.day.calls)}</dd>
                    <dt>${t.prov.webhooks} · ${t.prov.hour}</dt><dd>${this.counts(x.webhooks.hour)}</dd>
                    <dt>${t.prov.webhooks} · ${t.prov.dayL}</dt><dd>${this.counts(x.webhooks.day)}</dd>
                  </dl>
                  <table style="margin-top:12px">
                    <caption class="sr-only">${t.prov.success}</caption>
                    <thead><tr><th scope="col">${t.payments.method}</th><th scope="col" class="num">${t.prov.success}</th></tr></thead>
                    <tbody>${x.families.map((f) => html`<tr><th scope="row">${t.family[f.family]} (#${x.routes.find((r) => r.family === f.family)?.position})</th><td class="num">${percent(f.successRate)} <span class="hint">(${f.created - f.failed}/${f.created})</span></td></tr>`)}</tbody>
                  </table>
                  ${x.channels?.length
                    ? html`<table style="margin-top:12px">
                        <caption class="sr-only">${t.prov.health}</caption>
                        <thead><tr><th scope="col">${t.prov.health}</th><th scope="col">${t.prov.state}</th><th scope="col" class="num">p95</th></tr></thead>
                        <tbody>${x.channels.map(
                          (ch) => html`<tr data-channel=${ch.method}><th scope="row">${ch.method}</th>
                            <td class=${ch.state === 'healthy' ? 'ok' : 'error'}>${t.prov.channelState[ch.state]}${ch.reason ? html`<div class="hint">${ch.reason}</div>` : nothing}</td>
                            <td class="num nowrap">${ms(ch.p95Ms)}</td></tr>`,
                        )}</tbody>
                      </table>`
                    : nothing}
                </section>`,
              )}
            </div>
            <p class="hint">${t.prov.latencyNote}</p>
          `}
    `;
  }
}
