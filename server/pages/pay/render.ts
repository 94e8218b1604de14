/**
 * The hosted payment-link page, rendered on the server: the order summary is plain HTML that works before (and
 * without) any script; the payment itself is the same <bayar-checkout> element storefronts embed. No inline
 * scripts or styles (the page runs under the strict CSP of docs/csp.md); every URL is relative to the mount
 * path, so the companion works behind a path prefix.
 */
import type { LinkRecord } from '../../domain/link.js';
import type { PaymentRecord } from '../../domain/payment-record.js';
import { escapeHtml as esc, idr } from '../../lib/html.js';
import { OG_HEIGHT, OG_WIDTH } from '../../lib/og-image.js';
import { TEXT, wib, type PageLang, type PageText } from './text.js';

export interface Shop {
  name: string;
  logoUrl: string | null;
  color: string;
}

export interface PageContext {
  shop: Shop;
  /** Mount path of the companion ('' at the root, '/bayar' behind a prefix). */
  base: string;
  lang: PageLang;
  /** Whether the language came from `?lang=` (then links and forms keep it). */
  langFromQuery: boolean;
}

type ClosedKind = 'completed' | 'expired' | 'disabled' | 'not_found' | 'busy';

const attr = (name: string, value: string | null | undefined) => (value ? ` ${name}="${esc(value)}"` : '');

/** The page's own URL with `lang` and optionally `amount` (relative: the path stays the mount's). */
function here(c: PageContext, params: { lang?: PageLang; amount?: number } = {}): string {
  const q = new URLSearchParams();
  const lang = params.lang ?? (c.langFromQuery ? c.lang : undefined);
  if (params.amount !== undefined) q.set('amount', String(params.amount));
  if (lang) q.set('lang', lang);
  const s = q.toString();
  return s ? `?${s}` : '?';
}

function summaryAmount(link: LinkRecord, amount: number | null): number | null {
  return link.amount ?? amount;
}

/** The amount a preview shows: the link's, or its open range. */
export function previewAmount(link: Pick<LinkRecord, 'amount' | 'openAmount'>): string {
  return link.amount !== null ? idr(link.amount) : link.openAmount ? `${idr(link.openAmount.min)} – ${idr(link.openAmount.max)}` : '';
}

/** The preview image's path under a link's page (server/lib/og-image.ts draws it). */
export const OG_IMAGE_PATH = 'og.png';

function head(c: PageContext, o: { title: string; link?: LinkRecord; scripts: boolean }): string {
  const t = TEXT[c.lang];
  const og: string[] = [];
  if (o.link) {
    // Previews (WhatsApp, Instagram, X) show these: the link's own words and the shop, never the customer's data.
    const amount = previewAmount(o.link);
    const desc = t.ogDescription(amount, c.shop.name);
    og.push(
      `<meta name="description" content="${esc(desc)}">`,
      `<meta property="og:type" content="website">`,
      `<meta property="og:site_name" content="${esc(c.shop.name)}">`,
      `<meta property="og:title" content="${esc(o.link.description)}">`,
      `<meta property="og:description" content="${esc(desc)}">`,
      `<meta property="og:url" content="${esc(o.link.url)}">`,
      `<meta property="og:locale" content="${t.ogLocale}">`,
      `<meta name="twitter:card" content="summary_large_image">`,
      `<meta name="twitter:title" content="${esc(o.link.description)}">`,
      `<meta name="twitter:description" content="${esc(desc)}">`,
    );
    if (o.link.amount !== null) og.push(`<meta property="product:price:amount" content="${o.link.amount}">`, `<meta property="product:price:currency" content="IDR">`);
    // Every link has a picture (crawlers want an absolute URL): the shop's colour, name and the amount, nothing else.
    const image = `${o.link.url}/${OG_IMAGE_PATH}`;
    const alt = t.ogImageAlt(amount, c.shop.name);
    og.push(
      `<meta property="og:image" content="${esc(image)}">`,
      `<meta property="og:image:type" content="image/png">`,
      `<meta property="og:image:width" content="${OG_WIDTH}">`,
      `<meta property="og:image:height" content="${OG_HEIGHT}">`,
      `<meta property="og:image:alt" content="${esc(alt)}">`,
      `<meta name="twitter:image" content="${esc(image)}">`,
      `<meta name="twitter:image:alt" content="${esc(alt)}">`,
    );
  }
  return (
    `<!doctype html><html lang="${c.lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow">` +
    `<meta name="referrer" content="no-referrer"><meta name="theme-color" content="${esc(c.shop.color)}">` +
    `<title>${esc(o.title)}</title>${og.join('')}<link rel="icon" href="data:,">` +
    `<link rel="stylesheet" href="${c.base}/pay/assets/page.css">` +
    (o.scripts ? `<script type="module" src="${c.base}/bayar.mjs"></script>` : '') +
    `<script type="module" src="${c.base}/pay/assets/page.js"></script></head>`
  );
}

function header(c: PageContext): string {
  const t = TEXT[c.lang];
  const other: PageLang = c.lang === 'id' ? 'en' : 'id';
  const logo = c.shop.logoUrl ? `<img class="logo" src="${esc(c.shop.logoUrl)}" alt="" width="40" height="40">` : `<span class="logo logo-letter" aria-hidden="true">${esc(c.shop.name.slice(0, 1).toUpperCase())}</span>`;
  return (
    `<header class="top"><div class="brand">${logo}<span class="shop-name">${esc(c.shop.name)}</span></div>` +
    `<nav class="lang" aria-label="${t.languageLabel}"><a href="${esc(here(c, { lang: other }))}" hreflang="${other}" lang="${other}">${TEXT[other].name}</a></nav></header>`
  );
}

function footer(c: PageContext, link?: LinkRecord): string {
  const t = TEXT[c.lang];
  return `<footer class="foot"><p>${t.securedBy}${link ? ` · ${t.orderId}: <span class="mono">${esc(link.orderId)}</span>` : ''}</p></footer>`;
}

function items(link: LinkRecord, amount: number, t: PageText): string {
  if (!link.items) {
    return `<p class="total"><span>${t.total}</span> <strong class="amount">${idr(amount)}</strong></p>`;
  }
  const rows = link.items
    .map((i) => `<tr><td>${esc(i.name)} <span class="qty">${i.quantity} × ${idr(i.price)}</span></td><td class="num">${idr(i.price * i.quantity)}</td></tr>`)
    .join('');
  return (
    `<table class="items"><caption class="sr-only">${t.item}</caption><thead><tr><th scope="col">${t.item}</th><th scope="col" class="num">${t.amount}</th></tr></thead>` +
    `<tbody>${rows}</tbody><tfoot><tr><th scope="row">${t.total}</th><td class="num"><strong class="amount">${idr(amount)}</strong></td></tr></tfoot></table>`
  );
}

/** The checkout: summary, then the open-amount form or the element with a server-minted session. */
export function checkoutPage(
  c: PageContext,
  link: LinkRecord,
  o: { amount: number | null; session: string | null; error?: string; tried?: string },
): string {
  const t = TEXT[c.lang];
  const amount = summaryAmount(link, o.amount);
  let summary = `<h1 id="title">${esc(link.description)}</h1>`;
  let pay = '';
  if (amount === null && link.openAmount) {
    const { min, max } = link.openAmount;
    summary +=
      `<form class="open-amount" method="get" action="">` +
      `<label for="amount">${t.chooseAmount}</label>` +
      `<div class="amount-row"><span class="prefix" aria-hidden="true">Rp</span><input id="amount" name="amount" type="number" inputmode="numeric" min="${min}" max="${max}" step="1" required` +
      `${attr('value', o.tried)} aria-describedby="amount-hint${o.error ? ' amount-error' : ''}"${o.error ? ' aria-invalid="true"' : ''}></div>` +
      `<p class="hint" id="amount-hint">${t.amountRange(min, max)}</p>` +
      (o.error ? `<p class="error" id="amount-error" role="alert">${esc(o.error)}</p>` : '') +
      (c.langFromQuery ? `<input type="hidden" name="lang" value="${c.lang}">` : '') +
      `<button type="submit" class="button">${t.continue}</button></form>`;
  } else if (amount !== null) {
    summary += items(link, amount, t);
    if (link.openAmount) summary += `<p class="change"><a href="${esc(here(c))}">${t.changeAmount}</a></p>`;
    if (o.session) {
      pay =
        `<section class="pay" aria-label="${t.pay}">` +
        `<bayar-checkout server="${esc(c.base || '/')}" session="${esc(o.session)}" locale="${c.lang}"${attr('methods', link.methods?.join(','))}></bayar-checkout>` +
        `<noscript><p class="notice">${t.noscript}</p></noscript></section>`;
    }
  }
  return (
    head(c, { title: `${link.description} · ${c.shop.name}`, link, scripts: !!pay }) +
    `<body>${header(c)}<main class="card"><section class="summary" aria-labelledby="title">${summary}</section>${pay}</main>${footer(c, link)}</body></html>`
  );
}

/** The receipt, on the link's own URL, for the checkout that paid. */
export function receiptPage(c: PageContext, link: LinkRecord, p: PaymentRecord, methodLabel: string): string {
  const t = TEXT[c.lang];
  const ins = p.instructions ?? {};
  const rows: Array<[string, string, boolean?]> = [
    [t.shop, esc(c.shop.name)],
    [t.forWhat, esc(link.description)],
    [t.amount, `<strong class="amount">${idr(p.amount)}</strong>`],
    [t.method, esc(methodLabel)],
  ];
  if (ins.va) rows.push([t.vaNumber, esc(`${ins.va.bank.toUpperCase()} ${ins.va.number}`), true]);
  if (ins.cstore) rows.push([t.paymentCode, esc(`${ins.cstore.store} ${ins.cstore.paymentCode}`), true]);
  rows.push([t.reference, esc(p.reference), true], [t.paidAt, esc(wib(p.paidAt ?? p.updatedAt, c.lang))], [t.orderId, esc(p.orderId), true], [t.paymentId, esc(p.id), true]);
  const dl = rows.map(([k, v, mono]) => `<div class="row"><dt>${k}</dt><dd${mono ? ' class="mono"' : ''}>${v}</dd></div>`).join('');
  const actions =
    `<p class="actions"><button type="button" class="button secondary" data-print hidden>${t.print}</button>` +
    (link.returnUrl ? `<a class="button" href="${esc(link.returnUrl)}" rel="noreferrer">${t.backToShop}</a>` : '') +
    `</p>`;
  return (
    head(c, { title: `${t.receiptTitle} · ${c.shop.name}`, link, scripts: false }) +
    `<body>${header(c)}<main class="card receipt"><section aria-labelledby="title">` +
    `<p class="badge"><span aria-hidden="true">✓</span> ${t.paid}</p><h1 id="title">${t.receiptTitle}</h1><dl class="facts">${dl}</dl>` +
    `<p class="note">${t.keepReceipt}</p>${actions}</section></main>${footer(c)}</body></html>`
  );
}

/** Completed, expired, disabled, unknown, or being paid by someone else: says so, creates nothing. */
export function closedPage(c: PageContext, kind: ClosedKind, link?: LinkRecord): string {
  const t = TEXT[c.lang];
  const retry = kind === 'busy' ? `<p class="actions"><a class="button" href="${esc(here(c))}">${t.tryAgain}</a></p>` : '';
  return (
    head(c, { title: `${t.closedTitle[kind]} · ${c.shop.name}`, link, scripts: false }) +
    `<body>${header(c)}<main class="card closed ${kind}"><section aria-labelledby="title">` +
    (link ? `<p class="what">${esc(link.description)}</p>` : '') +
    `<h1 id="title">${t.closedTitle[kind]}</h1><p>${t.closedBody[kind]}</p>${retry}</section></main>${footer(c)}</body></html>`
  );
}
