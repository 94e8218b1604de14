/**
 * `<bayar-console>`: the merchant console's shell. Signs in, then shows one page per hash route (#/overview,
 * #/payments, #/payments/<id>, #/links, #/links/new, #/links/<id>, #/reconciliation, #/notifications, #/providers, #/audit for operators) with a header, a sandbox banner and
 * a language switch. Focus moves to each page's heading on navigation, for keyboard and screen-reader users.
 *
 * @summary The Bayar merchant console.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ConsoleMe } from '../server/console/api-types.js';
import { ApiError, call, setCsrf, setOnSignedOut } from './api.js';
import { TEXTS, initialLang, saveLang, type Lang } from './i18n.js';
import { styles } from './styles.js';
import './pages/sign-in.js';
import './pages/overview.js';
import './pages/payments.js';
import './pages/payment-detail.js';
import './pages/reconciliation.js';
import './pages/notifications.js';
import './pages/providers.js';

const PAGES = ['overview', 'payments', 'links', 'reconciliation', 'notifications', 'providers', 'audit'] as const;
/** Pages a read-only console user does not see in the menu (their API answers 403 for them). */
const OPERATOR_PAGES: ReadonlySet<string> = new Set(['audit']);

/** The Links pages load with their first visit (as Chart.js does with the Overview): the first load stays small. */
let linkPages: Promise<unknown> | null = null;
const loadLinkPages = () => (linkPages ??= Promise.all([import('./pages/links.js'), import('./pages/link-new.js'), import('./pages/link-detail.js')]));
let auditPage: Promise<unknown> | null = null;
const loadAuditPage = () => (auditPage ??= import('./pages/audit.js'));
type Page = (typeof PAGES)[number];

@customElement('bayar-console')
export class BayarConsole extends LitElement {
  static override styles = styles;

  @state() private locale: Lang = initialLang();
  @state() private me: ConsoleMe | null = null;
  @state() private checked = false;
  @state() private hash = location.hash;

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    setOnSignedOut(() => (this.me = null));
    document.documentElement.lang = this.locale;
    void this.load();
  }

  override disconnectedCallback() {
    window.removeEventListener('hashchange', this.onHash);
    super.disconnectedCallback();
  }

  private onHash = () => {
    this.hash = location.hash;
    void this.updateComplete.then(() => (this.renderRoot.querySelector('main h1') as HTMLElement | null)?.focus());
  };

  private async load() {
    try {
      this.signedIn(await call<ConsoleMe>('GET', 'session'));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) console.warn(err);
    }
    this.checked = true;
  }

  private signedIn(me: ConsoleMe) {
    setCsrf(me.csrf);
    this.me = me;
    void this.updateComplete.then(() => (this.renderRoot.querySelector('main h1') as HTMLElement | null)?.focus());
  }

  private async signOut() {
    try {
      await call('POST', 'session/end');
    } finally {
      this.me = null;
      setCsrf('');
      location.hash = '';
    }
  }

  private setLang(l: Lang) {
    this.locale = l;
    saveLang(l);
    document.documentElement.lang = l;
  }

  private route() {
    const [path = '', query = ''] = this.hash.replace(/^#\/?/, '').split('?');
    const [page, ...parts] = path.split('/').filter(Boolean);
    const name: Page = (PAGES as readonly string[]).includes(page ?? '') ? (page as Page) : 'overview';
    return { name, parts: parts.map(decodeURIComponent), params: new URLSearchParams(query) };
  }

  override render() {
    const t = TEXTS[this.locale];
    document.title = t.title;
    const other: Lang = this.locale === 'id' ? 'en' : 'id';
    const langSwitch = html`<button type="button" class="lang" lang=${other} @click=${() => this.setLang(other)}>
      ${other === 'id' ? 'Bahasa Indonesia' : 'English'}
    </button>`;
    if (!this.checked) return html`<main><p role="status">${t.loading}</p></main>`;
    if (!this.me) {
      return html`<header class="top"><p class="brand">${t.title}</p><span class="who">${langSwitch}</span></header>
        <main id="main"><bayar-console-sign-in .locale=${this.locale} @signed-in=${(e: CustomEvent<ConsoleMe>) => this.signedIn(e.detail)}></bayar-console-sign-in></main>`;
    }
    const r = this.route();
    const props = { locale: this.locale, me: this.me, route: { parts: r.parts, params: r.params } };
    const detail = r.name === 'payments' && r.parts[0];
    const link = r.name === 'links' ? (r.parts[0] === 'new' ? 'new' : r.parts[0] ? 'detail' : 'list') : null;
    if (link) void loadLinkPages();
    if (r.name === 'audit') void loadAuditPage();
    return html`
      <a class="skip" href="#main" @click=${(e: Event) => (e.preventDefault(), (this.renderRoot.querySelector('main h1') as HTMLElement | null)?.focus())}>${t.skip}</a>
      <header class="top">
        <p class="brand">${t.title}</p>
        <span class="who">${t.signedInAs(this.me.actor, this.me.role)}</span>
        ${langSwitch}
        <button type="button" class="sign-out" @click=${() => this.signOut()}>${t.signOut}</button>
      </header>
      <nav class="main" aria-label=${t.title}>
        <ul>
          ${PAGES.filter((p) => this.me!.role === 'operator' || !OPERATOR_PAGES.has(p)).map((p) => html`<li><a href="#/${p}" aria-current=${r.name === p ? 'page' : nothing}>${t.nav[p]}</a></li>`)}
        </ul>
      </nav>
      ${this.me.mode === 'sandbox' ? html`<div class="banner" role="note">${t.sandboxBanner}</div>` : nothing}
      <main id="main">
        ${r.name === 'overview' ? html`<bayar-console-overview .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-overview>` : nothing}
        ${r.name === 'payments' && !detail ? html`<bayar-console-payments .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-payments>` : nothing}
        ${detail ? html`<bayar-console-payment .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-payment>` : nothing}
        ${link === 'list' ? html`<bayar-console-links .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-links>` : nothing}
        ${link === 'new' ? html`<bayar-console-link-new .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-link-new>` : nothing}
        ${link === 'detail' ? html`<bayar-console-link .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-link>` : nothing}
        ${r.name === 'reconciliation' ? html`<bayar-console-reconciliation .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-reconciliation>` : nothing}
        ${r.name === 'notifications' ? html`<bayar-console-notifications .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-notifications>` : nothing}
        ${r.name === 'providers' ? html`<bayar-console-providers .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-providers>` : nothing}
        ${r.name === 'audit' ? html`<bayar-console-audit .locale=${props.locale} .me=${props.me} .route=${props.route}></bayar-console-audit>` : nothing}
      </main>
    `;
  }
}
