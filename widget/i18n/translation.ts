import type { MethodFamily } from '../../server/api-types.js';

/** Bank-specific menu names for the VA instructions (kept as the bank shows them, in both languages). */
export interface BankGuide {
  /** ATM menu path. */
  atm: string;
  /** Mobile banking app and its menu path. */
  mobile: [app: string, path: string];
  /** Internet banking site and its menu path. */
  internet: [site: string, path: string];
}

/** Everything the widget says. `id.ts` (default) and `en.ts` implement it; the compiler checks both are complete. */
export interface Translation {
  /** BCP 47 tag for the `lang` attribute. */
  lang: string;
  methodsTitle: string;
  families: Record<MethodFamily, string>;
  loading: string;
  noMethods: string;
  pay: (amount: string | null) => string;
  processing: string;
  tryAgain: string;
  cancel: string;
  changeMethod: string;
  errorTitle: string;
  errors: { network: string; config: string; redirect: string; qris: string };
  total: string;
  payBefore: string;
  timeLeft: string;
  /** Polite live-region text at coarse steps. */
  remaining: (minutes: number) => string;
  expiredNote: string;
  copy: string;
  copied: string;
  vaNumber: string;
  billerCode: string;
  billKey: string;
  howToPay: string;
  channels: { atm: string; mobile: string; internet: string };
  /** Step lists per channel; `code` is already the line that says what to enter. */
  steps: {
    atm: (bank: string, path: string, code: string, amount: string) => string[];
    mobile: (app: string, path: string, code: string, amount: string) => string[];
    internet: (site: string, path: string, code: string, amount: string) => string[];
    enterVa: (number: string) => string;
    enterBill: (biller: string, key: string) => string;
  };
  menuNote: string;
  qrisTitle: string;
  qrAlt: (amount: string) => string;
  qrisNote: string;
  downloadQr: string;
  qrExpired: string;
  newQr: string;
  cstoreTitle: (store: string) => string;
  paymentCode: string;
  cstoreSteps: (store: string, code: string, amount: string) => string[];
  redirectTitle: (method: string) => string;
  redirectNote: string;
  redirectButton: (method: string) => string;
  approvalTitle: string;
  approvalNote: string;
  approvalButton: string;
  waiting: string;
  installmentsTitle: string;
  installmentsLoading: string;
  noInstallments: string;
  tenure: (n: number, unit: 'days' | 'months') => string;
  perMonth: (amount: string) => string;
  installmentDetail: (total: string, interest: string, rate: string) => string;
  status: {
    paid: string;
    paidNote: string;
    expired: string;
    expiredText: string;
    cancelled: string;
    cancelledText: string;
    failed: string;
    failedText: string;
    refunded: string;
    refundedText: string;
  };
}
