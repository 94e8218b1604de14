/**
 * The hosted card pages the emulators serve (Midtrans Snap, Doku Checkout `CREDIT_CARD`), each with its own brand: the card form with the provider's well-known
 * sandbox cards, the 3-D Secure challenge (OTP) page, and the result page. The card number, expiry, CVV and OTP are
 * typed here, on the provider's page, never on the shop's page or in Bayar (PCI DSS SAQ A). Plain HTML forms: no
 * script, no style attributes, one <style> block, so the pages render under a strict Content-Security-Policy, work
 * by keyboard and at 360 px. Nothing typed is ever echoed back except the cardholder's own expiry and name.
 */
import { escapeHtml as esc, htmlPage, idr } from './html.js';

export type CardOutcome = 'accept' | 'bank_decline' | 'fraud_deny';

export interface SandboxCard {
  number: string;
  outcome: CardOutcome;
  /** Shown on the form so a tester knows what the card does. */
  note: string;
}

/** Midtrans's documented sandbox cards (docs.midtrans.com "Testing payments on Sandbox"); OTP / 3DS password 112233. */
export const MIDTRANS_SANDBOX_CARDS: readonly SandboxCard[] = [
  { number: '4811111111111114', outcome: 'accept', note: 'diterima (accept)' },
  { number: '4911111111111113', outcome: 'bank_decline', note: 'ditolak bank (denied by bank)' },
  { number: '4611111111111116', outcome: 'fraud_deny', note: 'ditolak deteksi fraud (denied by fraud detection)' },
];

export const SANDBOX_OTP = '112233';
/** Wrong OTPs before the issuer fails the authentication (emulator's choice; issuers commonly allow 3). */
export const OTP_ATTEMPTS = 3;

export interface CardBrand {
  /** The provider's name on the page ("Midtrans"). */
  name: string;
  accent: string;
  background: string;
}

/** Luhn check digit (ISO/IEC 7812). */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

export interface CardFormValues {
  expiry: string;
  name: string;
}

export type CardField = 'card_number' | 'expiry' | 'cvv' | 'name';

export interface CardFormResult {
  card?: SandboxCard;
  /** `481111******1114` style, for the provider's records. */
  masked?: string;
  errors: Partial<Record<CardField, string>>;
  values: CardFormValues;
}

/** Reads and checks a submitted card form against the sandbox cards. */
export function readCardForm(body: Record<string, unknown>, now: Date, cards: readonly SandboxCard[]): CardFormResult {
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const number = text('card_number').replace(/[\s-]/g, '');
  const expiry = text('expiry').trim();
  const cvv = text('cvv').trim();
  const name = text('name').trim().slice(0, 100);
  const errors: CardFormResult['errors'] = {};
  let card: SandboxCard | undefined;
  if (!/^\d{12,19}$/.test(number) || !luhn(number)) errors.card_number = 'Nomor kartu tidak valid. Periksa 16 digit di kartu Anda.';
  else {
    card = cards.find((c) => c.number === number);
    if (!card) errors.card_number = 'Sandbox ini hanya menerima kartu uji di bawah.';
  }
  const m = /^(\d{2})\s*\/\s*(\d{2})$/.exec(expiry);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 12) errors.expiry = 'Masa berlaku harus berbentuk BB/TT, misalnya 12/30.';
  else {
    // A card is valid through the last day of its expiry month.
    const end = Date.UTC(2000 + Number(m[2]), Number(m[1]), 1);
    if (end <= now.getTime()) errors.expiry = 'Kartu ini sudah kedaluwarsa.';
  }
  if (!/^\d{3,4}$/.test(cvv)) errors.cvv = 'CVV adalah 3 digit di belakang kartu.';
  if (!name) errors.name = 'Isi nama pemegang kartu.';
  const ok = Object.keys(errors).length === 0;
  return {
    ...(ok && card ? { card, masked: `${number.slice(0, 6)}******${number.slice(-4)}` } : {}),
    errors,
    values: { expiry: m ? expiry : '', name },
  };
}

const style = (b: CardBrand) => `
*{box-sizing:border-box}body{font-family:system-ui,sans-serif;background:${b.background};color:#1b1f24;margin:0;display:flex;justify-content:center}
main{background:#fff;margin:2rem 1rem;padding:1.5rem;border-radius:12px;max-width:26rem;width:100%;box-shadow:0 2px 12px #0002}
h1{font-size:1.15rem;margin:0 0 .25rem}.brand{color:#3d4752;font-size:.85rem;margin:0 0 1rem}
.amount{font-size:1.7rem;font-weight:700;margin:.25rem 0 1rem}
label{display:block;font-weight:600;margin:.9rem 0 .3rem}
input{font:inherit;width:100%;padding:.6rem .7rem;border:1px solid #6b7785;border-radius:8px;color:#1b1f24;background:#fff}
input:focus{outline:3px solid ${b.accent};outline-offset:1px}
input[aria-invalid=true]{border-color:#b3261e}
.row{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}
.error{color:#b3261e;font-size:.9rem;margin:.3rem 0 0}
.alert{border:1px solid #b3261e;background:#fdecea;color:#8c1d18;border-radius:8px;padding:.6rem .8rem;margin:0 0 1rem}
button{font:inherit;font-weight:600;width:100%;padding:.75rem 1rem;border-radius:8px;border:0;background:${b.accent};color:#fff;margin-top:1.25rem;cursor:pointer}
button:focus{outline:3px solid #1b1f24;outline-offset:2px}
a{color:${b.accent}}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:.5rem}th,td{text-align:left;padding:.3rem .2rem;border-top:1px solid #dde2e7}
.note{color:#3d4752;font-size:.85rem;margin-top:1.25rem}.lock{color:#3d4752;font-size:.8rem}
code{font-size:.9em;white-space:nowrap}
@media (max-width:400px){main{margin:0;border-radius:0;min-height:100vh;padding:1.1rem}.row{grid-template-columns:1fr}}
`;

const page = (b: CardBrand, title: string, body: string) => htmlPage({ title, style: style(b), body, lang: 'id' });

const group = (n: string) => n.replace(/(\d{4})(?=\d)/g, '$1 ');

export interface CardFormView {
  brand: CardBrand;
  merchant: string;
  orderId: string;
  amount: number;
  /** Where the form posts, relative to the page. */
  action: string;
  deadline: Date;
  cards: readonly SandboxCard[];
  values?: CardFormValues;
  errors?: CardFormResult['errors'];
}

function field(id: CardField, label: string, input: string, error: string | undefined, hint?: string): string {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const attrs = `id="${id}" name="${id}"${describedBy ? ` aria-describedby="${describedBy}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
  return (
    `<div><label for="${id}">${esc(label)}</label>${input.replace('<input ', `<input ${attrs} `)}` +
    (hint ? `<p class="lock" id="${id}-hint">${esc(hint)}</p>` : '') +
    (error ? `<p class="error" id="${id}-error">${esc(error)}</p>` : '') +
    `</div>`
  );
}

export function cardFormPage(v: CardFormView): string {
  const e = v.errors ?? {};
  const values = v.values ?? { expiry: '', name: '' };
  const count = Object.keys(e).length;
  const cards = v.cards
    .map((c) => `<tr><td><code>${esc(group(c.number))}</code></td><td>${esc(c.note)}</td></tr>`)
    .join('');
  return page(
    v.brand,
    `${count ? 'Periksa data kartu · ' : ''}Bayar dengan kartu · ${v.brand.name}`,
    `<h1>Bayar dengan kartu kredit/debit</h1>
<p class="brand">${esc(v.merchant)} · ${esc(v.brand.name)} (sandbox) · Pesanan ${esc(v.orderId)}</p>
<div class="amount">${esc(idr(v.amount))}</div>
${count ? `<div class="alert" role="alert">Periksa ${count} isian yang ditandai di bawah.</div>` : ''}
<form method="post" action="${esc(v.action)}" novalidate>
${field('card_number', 'Nomor kartu', `<input type="text" inputmode="numeric" autocomplete="cc-number" maxlength="23" required>`, e.card_number)}
<div class="row">
${field('expiry', 'Berlaku hingga (BB/TT)', `<input type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="BB/TT" maxlength="7" value="${esc(values.expiry)}" required>`, e.expiry)}
${field('cvv', 'CVV', `<input type="password" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required>`, e.cvv, '3 digit di belakang kartu')}
</div>
${field('name', 'Nama pada kartu', `<input type="text" autocomplete="cc-name" maxlength="100" value="${esc(values.name)}" required>`, e.name)}
<button type="submit">Bayar ${esc(idr(v.amount))}</button>
</form>
<p class="lock">Data kartu dikirim langsung ke ${esc(v.brand.name)}; toko tidak pernah melihatnya. Bayar sebelum ${esc(v.deadline.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>
<section class="note" aria-labelledby="cards-title"><h2 id="cards-title" class="brand">Kartu uji sandbox (masa berlaku di masa depan, CVV 123, OTP ${SANDBOX_OTP})</h2>
<table><thead><tr><th scope="col">Nomor</th><th scope="col">Hasil</th></tr></thead><tbody>${cards}</tbody></table></section>`,
  );
}

export interface ChallengeView {
  brand: CardBrand;
  merchant: string;
  amount: number;
  masked: string;
  action: string;
  error?: string;
  attemptsLeft: number;
}

/** The issuer's 3-D Secure page (the ACS): one OTP field. */
export function challengePage(v: ChallengeView): string {
  return page(
    v.brand,
    `${v.error ? 'OTP salah · ' : ''}Verifikasi 3-D Secure`,
    `<h1>Verifikasi 3-D Secure</h1>
<p class="brand">Bank penerbit kartu · ${esc(v.brand.name)} (sandbox)</p>
<p>${esc(v.merchant)} meminta pembayaran <strong>${esc(idr(v.amount))}</strong> dengan kartu <code>${esc(v.masked)}</code>.</p>
${v.error ? `<div class="alert" role="alert">${esc(v.error)}</div>` : ''}
<form method="post" action="${esc(v.action)}" novalidate>
<label for="otp">Kode OTP dari SMS</label>
<input id="otp" name="otp" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required aria-describedby="otp-hint"${v.error ? ' aria-invalid="true"' : ''}>
<p class="lock" id="otp-hint">Sandbox: OTP-nya ${SANDBOX_OTP}. Sisa percobaan: ${v.attemptsLeft}.</p>
<button type="submit">Verifikasi</button>
</form>`,
  );
}

export function cardResultPage(b: CardBrand, title: string, message: string, back?: string): string {
  return page(
    b,
    title,
    `<h1>${esc(title)}</h1><p>${esc(message)}</p>${back ? `<p><a href="${esc(back)}">Kembali ke toko</a></p>` : ''}`,
  );
}
