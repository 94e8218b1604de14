/**
 * The e-wallet approval page two emulators open for a redirect flow (Midtrans's GoPay deeplink, Xendit's
 * e-wallet checkout): the amount, a few details, and Pay / Cancel as plain POST forms. Only the brand colour and
 * the words differ between them.
 */
import { escapeHtml, htmlPage, idr } from './html.js';

export interface WalletBrand {
  accent: string;
  background: string;
}

export interface WalletApproval {
  title: string;
  heading: string;
  amount: number;
  details: Array<[string, string]>;
  /** Where the Pay and Cancel forms post (`<actionBase>/pay`), relative to the page; null once there is nothing to approve. */
  actionBase: string | null;
  /** What is being approved ("transaction", "charge") and where it stands, shown instead of the forms. */
  subject: string;
  status: string;
  note: string;
}

export function walletPages(brand: WalletBrand) {
  const style = `
body{font-family:system-ui,sans-serif;background:${brand.background};color:#1b1f24;margin:0;display:flex;justify-content:center}
main{background:#fff;margin:3rem 1rem;padding:2rem;border-radius:12px;max-width:24rem;width:100%;box-shadow:0 2px 12px #0002}
h1{font-size:1.1rem;margin:0 0 1rem}.amount{font-size:1.8rem;font-weight:700;margin:.5rem 0 1.5rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;font-size:.9rem}dt{color:#5b6672}
form{display:inline}button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:1px solid ${brand.accent};margin:1rem .5rem 0 0;cursor:pointer}
.pay{background:${brand.accent};color:#fff}.cancel{background:#fff;color:${brand.accent}}.note{color:#5b6672;font-size:.8rem;margin-top:1.5rem}
`;
  const page = (title: string, body: string) => htmlPage({ title, style, body });

  return {
    approval(v: WalletApproval): string {
      const actions =
        v.actionBase === null
          ? `<p>This ${escapeHtml(v.subject)} is <strong>${escapeHtml(v.status)}</strong>; there is nothing left to approve.</p>`
          : `<form method="post" action="${escapeHtml(v.actionBase)}/pay"><button class="pay" type="submit">Pay</button></form>
<form method="post" action="${escapeHtml(v.actionBase)}/cancel"><button class="cancel" type="submit">Cancel</button></form>`;
      const details = v.details.map(([k, d]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(d)}</dd>`).join('');
      return page(
        v.title,
        `<h1>${escapeHtml(v.heading)}</h1>
<div class="amount">${escapeHtml(idr(v.amount))}</div>
<dl>${details}</dl>
${actions}
<p class="note">${escapeHtml(v.note)}</p>`,
      );
    },

    result(title: string, message: string): string {
      return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
    },
  };
}
