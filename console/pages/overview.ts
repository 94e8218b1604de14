/** Overview: today / 7 / 30 Jakarta days — paid volume and count, conversion, refunds, shares; charts with tables. */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ConsoleOverview } from '../../server/console/api-types.js';
import { call } from '../api.js';
import { ConsolePage } from '../base.js';
import { drawChart } from '../charts.js';
import { formatIdr, percent } from '../format.js';

const RANGES = ['today', '7d', '30d'] as const;

@customElement('bayar-console-overview')
export class OverviewPage extends ConsolePage {
  @state() private o: ConsoleOverview | null = null;
  @state() private error = '';
  private loadedFor = '';

  private get range() {
    const r = this.route.params.get('range');
    return (RANGES as readonly string[]).includes(r ?? '') ? (r as (typeof RANGES)[number]) : '7d';
  }

  override willUpdate() {
    if (this.range !== this.loadedFor) {
      this.loadedFor = this.range;
      call<ConsoleOverview>('GET', `overview?range=${this.range}`).then(
        (o) => ((this.o = o), (this.error = '')),
        (err: Error) => (this.error = err.message),
      );
    }
  }

  override updated() {
    if (!this.o) return;
    const t = this.t;
    const c = (id: string) => this.renderRoot.querySelector(`#${id}`) as HTMLCanvasElement | null;
    const perDay = c('chart-days');
    if (perDay) void drawChart(perDay, 'bar', this.o.days.map((d) => d.day.slice(5)), this.o.days.map((d) => d.paidAmount), t.overview.paidVolume);
    const fam = c('chart-family');
    if (fam) void drawChart(fam, 'doughnut', this.o.byFamily.map((f) => t.family[f.family] ?? f.family), this.o.byFamily.map((f) => f.amount), t.overview.byFamily);
    const prov = c('chart-provider');
    if (prov) void drawChart(prov, 'doughnut', this.o.byProvider.map((p) => p.provider), this.o.byProvider.map((p) => p.amount), t.overview.byProvider);
  }

  private shareTable(caption: string, rows: Array<{ name: string; count: number; amount: number }>, total: number) {
    const t = this.t;
    return html`<table>
      <caption class="sr-only">${caption}</caption>
      <thead><tr><th scope="col">${caption}</th><th scope="col" class="num">${t.overview.paidCount}</th><th scope="col" class="num">${t.payments.amount}</th><th scope="col" class="num">${t.overview.share}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><th scope="row">${r.name}</th><td class="num">${r.count}</td><td class="num">${formatIdr(r.amount)}</td><td class="num">${percent(total ? r.amount / total : null)}</td></tr>`)}</tbody>
    </table>`;
  }

  override render() {
    const t = this.t;
    const o = this.o;
    return html`
      <h1 tabindex="-1">${t.overview.heading}</h1>
      <nav class="actions" aria-label=${t.overview.heading} style="margin-bottom:16px">
        ${RANGES.map((r) => html`<a class="button ${r === this.range ? 'primary' : ''}" href="#/overview?range=${r}" aria-current=${r === this.range ? 'true' : nothing}>${t.overview.range[r]}</a>`)}
      </nav>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!o
        ? html`<p role="status">${t.loading}</p>`
        : html`
            <div class="grid">
              <section class="panel"><h2>${t.overview.paidVolume}</h2><p class="kpi">${formatIdr(o.paid.amount)}</p></section>
              <section class="panel"><h2>${t.overview.paidCount}</h2><p class="kpi">${o.paid.count}</p></section>
              <section class="panel"><h2>${t.overview.conversion}</h2><p class="kpi">${percent(o.conversion.created ? o.conversion.paid / o.conversion.created : null)}</p><p class="hint">${t.overview.funnel(o.conversion.sessions, o.conversion.created, o.conversion.paid)}</p></section>
              <section class="panel"><h2>${t.overview.refunds}</h2><p class="kpi">${formatIdr(o.refunds.amount)}</p><p class="hint">${o.refunds.count}×</p></section>
            </div>
            <section class="panel" aria-labelledby="days-h">
              <h2 id="days-h">${t.overview.perDay}</h2>
              <div class="chart" aria-hidden="true"><canvas id="chart-days"></canvas></div>
              <div class="scroll" tabindex="0"><table>
                <caption class="sr-only">${t.overview.perDay}</caption>
                <thead><tr><th scope="col">${t.overview.day}</th><th scope="col" class="num">${t.overview.paidCount}</th><th scope="col" class="num">${t.overview.paidVolume}</th></tr></thead>
                <tbody>${o.days.map((d) => html`<tr><th scope="row">${d.day}</th><td class="num">${d.paidCount}</td><td class="num">${formatIdr(d.paidAmount)}</td></tr>`)}</tbody>
              </table></div>
            </section>
            <div class="grid">
              <section class="panel" aria-labelledby="fam-h">
                <h2 id="fam-h">${t.overview.byFamily}</h2>
                ${o.byFamily.length ? html`<div class="chart" aria-hidden="true"><canvas id="chart-family"></canvas></div>` : nothing}
                ${this.shareTable(t.payments.method, o.byFamily.map((f) => ({ name: t.family[f.family] ?? f.family, count: f.count, amount: f.amount })), o.paid.amount)}
              </section>
              <section class="panel" aria-labelledby="prov-h">
                <h2 id="prov-h">${t.overview.byProvider}</h2>
                ${o.byProvider.length ? html`<div class="chart" aria-hidden="true"><canvas id="chart-provider"></canvas></div>` : nothing}
                ${this.shareTable(t.payments.provider, o.byProvider.map((p) => ({ name: p.provider, count: p.count, amount: p.amount })), o.paid.amount)}
              </section>
            </div>
          `}
    `;
  }
}
