import type { Payment, PaySteps, ProviderId } from '../api-types.js';
import { vaGuide } from './va-guides.js';

/**
 * The step-by-step "how to pay" of a payment that is paid somewhere else: a VA in the bank's channels, a code at a
 * store's till, a request approved in a wallet's app. The widget API's answers carry the one payment's steps in both
 * of the widget's languages (`steps`, so that a language switch needs no new request), instead of every bank's,
 * store's and wallet's sentences in both languages in the customer's download of the widget (about 850 B gzip of
 * its lazy chunks). The answer grows by about 1.3 KB for a VA with three channels, 0.7 KB for a store code.
 *
 * What the widget itself formats stays a placeholder the widget fills in, so the steps say exactly what the rest of
 * the view says: `{name}` (the bank, store or wallet, as the view's title names it), `{amount}` (the amount as the
 * view shows it), `{payee}` (whom the cashier bills: the provider collecting for the shop).
 */
type Lang = 'id' | 'en';

/** `8808123456789012` → `8808 1234 5678 9012`: read aloud, and typed, in blocks of four (as the widget shows it). */
const groupDigits = (value: string): string => value.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');

const VA = {
  id: {
    enterVa: (n: string) => `Masukkan nomor Virtual Account ${n}.`,
    enterBill: (b: string, k: string) => `Masukkan kode perusahaan ${b}, lalu kode bayar ${k}.`,
    enterCompany: (c: string, n: string) => `Masukkan kode perusahaan ${c}, lalu nomor Virtual Account ${n}.`,
    anyMenu: 'Pilih menu untuk membayar ke nomor Virtual Account.',
    menu: (path: string) => `Pilih menu ${path}.`,
    atm: (path: string, code: string) => [
      'Masukkan kartu ATM {name} dan PIN Anda.',
      `Pilih menu ${path}.`,
      code,
      'Pastikan jumlah tagihan {amount}, lalu pilih Benar/Ya.',
      'Simpan struk sebagai bukti pembayaran.',
    ],
    mobile: (app: string, menu: string, code: string) => [`Buka aplikasi ${app} dan masuk.`, menu, code, 'Pastikan jumlah tagihan {amount}.', 'Masukkan PIN untuk menyelesaikan pembayaran.'],
    internet: (site: string, menu: string, code: string) => [`Masuk ke ${site}.`, menu, code, 'Pastikan jumlah tagihan {amount}.', 'Konfirmasi dengan token atau kode OTP.'],
    generic: (code: string) => [
      'Buka aplikasi mobile banking {name} Anda dan masuk.',
      'Pilih menu untuk membayar ke nomor Virtual Account.',
      code,
      'Pastikan jumlah tagihan {amount}, lalu konfirmasi dengan PIN Anda.',
    ],
  },
  en: {
    enterVa: (n: string) => `Enter the Virtual Account number ${n}.`,
    enterBill: (b: string, k: string) => `Enter the biller code ${b}, then the bill key ${k}.`,
    enterCompany: (c: string, n: string) => `Enter the company code ${c}, then the Virtual Account number ${n}.`,
    anyMenu: 'Choose the menu for paying a Virtual Account number.',
    menu: (path: string) => `Choose ${path}.`,
    atm: (path: string, code: string) => [
      'Insert your {name} ATM card and enter your PIN.',
      `Choose ${path}.`,
      code,
      'Check that the bill is {amount}, then confirm.',
      'Keep the receipt as proof of payment.',
    ],
    mobile: (app: string, menu: string, code: string) => [`Open the ${app} app and log in.`, menu, code, 'Check that the bill is {amount}.', 'Enter your PIN to complete the payment.'],
    internet: (site: string, menu: string, code: string) => [`Log in to ${site}.`, menu, code, 'Check that the bill is {amount}.', 'Confirm with your token or OTP.'],
    generic: (code: string) => [
      'Open your {name} mobile banking app and log in.',
      'Choose the menu for paying a Virtual Account number.',
      code,
      'Check that the bill is {amount}, then confirm with your PIN.',
    ],
  },
};

const STORE = {
  id: (alfamart: boolean, code: string) => [
    alfamart ? 'Datang ke gerai Alfamart, Alfamidi, atau Dan+Dan terdekat.' : 'Datang ke gerai {name} terdekat.',
    'Sampaikan ke kasir bahwa Anda ingin membayar tagihan {payee}.',
    `Tunjukkan kode pembayaran ${code}.`,
    'Pastikan jumlah yang disebut kasir {amount}, lalu bayar. Mungkin dikenakan biaya admin.',
    'Simpan struk sebagai bukti pembayaran.',
  ],
  en: (alfamart: boolean, code: string) => [
    alfamart ? 'Go to the nearest Alfamart, Alfamidi or Dan+Dan store.' : 'Go to the nearest {name} store.',
    'Tell the cashier you want to pay a {payee} bill.',
    `Show the payment code ${code}.`,
    'Check that the cashier asks for {amount}, then pay. An admin fee may be added.',
    'Keep the receipt as proof of payment.',
  ],
};

/** A wallet that pushes the payment request to its app (OVO): nothing to open or scan on the page. */
const APP = {
  id: [
    'Buka aplikasi {name} di ponsel dengan nomor yang Anda berikan saat checkout.',
    'Buka notifikasi permintaan pembayaran (atau kotak masuk {name}).',
    'Pastikan jumlahnya {amount}, lalu konfirmasi dengan PIN {name} Anda.',
  ],
  en: [
    'Open the {name} app on the phone whose number you gave at checkout.',
    'Open the payment request notification (or the {name} inbox).',
    'Check the amount, {amount}, then confirm with your {name} PIN.',
  ],
};

/** A VA's steps per channel: the bank's verified menus (va-guides.ts), else its mobile banking app without a menu path. */
function vaSteps(va: NonNullable<Payment['va']>, provider: ProviderId, lang: Lang): PaySteps[] {
  const t = VA[lang];
  const guide = vaGuide(va.bank, provider);
  const code = va.billerCode ? t.enterBill(va.billerCode, va.number) : t.enterVa(groupDigits(va.number));
  if (!guide) return [['mobile', ...t.generic(code)]];
  const menu = (path: string | undefined) => (path ? t.menu(path) : t.anyMenu);
  const steps: PaySteps[] = [['mobile', ...t.mobile(guide.mobile[0], menu(guide.mobile[1]), code)]];
  if (guide.atm) steps.push(['atm', ...t.atm(guide.atm, guide.companyCode ? t.enterCompany(guide.companyCode, groupDigits(va.number)) : code)]);
  if (guide.internet) steps.push(['internet', ...t.internet(guide.internet[0], menu(guide.internet[1]), code)]);
  return steps;
}

function stepsIn(p: Payment, lang: Lang): PaySteps[] | undefined {
  if (p.status !== 'pending') return undefined;
  if (p.va) return vaSteps(p.va, p.provider, lang);
  if (p.cstore) {
    const store = (p.cstore.store || p.method.split(':')[1] || '').toLowerCase().replace(/[^a-z0-9]/g, '');
    return [['store', ...STORE[lang](store === 'alfamart', groupDigits(p.cstore.paymentCode))]];
  }
  // Only where the widget has nothing to open: a provider link (or a refused one) is shown instead of steps.
  const w = p.ewallet;
  if (p.family === 'ewallet' && !p.redirectUrl && !w?.desktopUrl && !w?.mobileUrl && !w?.deeplinkUrl) return [['app', ...APP[lang]]];
  return undefined;
}

/** The payment's steps in both languages, or undefined for a payment the customer finishes on the page or elsewhere by link. */
export function paySteps(p: Payment): Payment['steps'] {
  const id = stepsIn(p, 'id');
  return id && { id, en: stepsIn(p, 'en')! };
}
