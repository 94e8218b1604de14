import type { FailureReason, MethodFamily, PaymentStatus } from '../../server/api-types.js';

/**
 * What the first load says: the method list, the pay button, errors, and the status words of the live region.
 * `id.ts` ships in bayar.mjs; the rest of Bahasa Indonesia comes with the payment views' chunk (`id-views.ts`),
 * which also defines every element that reads it. English (`en.ts`) is one lazy chunk holding both halves.
 */
export interface CoreTranslation {
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
  errorTitle: string;
  /**
   * Customer-facing error texts. Server messages are written for developers and never shown: the companion's
   * customer text for its code (`error.text`) is, codes the widget raises get their own text (`errorCodes`, and these
   * four), anything else `generic`.
   */
  errors: { network: string; config: string; timeout: string; generic: string };
  waiting: string;
  /** A method the order's amount cannot use, shown greyed with its limit. */
  limit: { below_minimum: (min: string) => string; above_maximum: (max: string) => string };
  /** Badge of the method the customer used last time in this shop. */
  lastUsed: string;
  /** Outcome titles: the status panel's heading and what the live region says. */
  status: Record<Exclude<PaymentStatus, 'pending'>, string>;
}

/** What the payment views say (loaded with them). Top-level keys must not repeat CoreTranslation's: they are merged. */
export interface ViewTranslation {
  changeMethod: string;
  total: string;
  payBefore: string;
  timeLeft: string;
  /** Polite live-region text at coarse steps. */
  remaining: (minutes: number) => string;
  copy: string;
  copied: string;
  vaNumber: string;
  billerCode: string;
  billKey: string;
  /** Heading of the companion's steps (Payment.steps) and the names of a VA's banking channels. */
  howToPay: string;
  channels: { atm: string; mobile: string; internet: string };
  menuNote: string;
  qrisTitle: string;
  qrAlt: (amount: string) => string;
  qrisNote: string;
  downloadQr: string;
  qrExpired: string;
  newQr: string;
  cstoreTitle: (store: string) => string;
  paymentCode: string;
  redirectTitle: (method: string) => string;
  redirectNote: string;
  redirectButton: (method: string) => string;
  /** E-wallets that approve by a notification in their app (OVO): nothing to open, only the companion's steps. */
  appTitle: (wallet: string) => string;
  approvalTitle: string;
  approvalNote: string;
  approvalButton: string;
  /** Cards: typed on the provider's hosted 3-D Secure page (`provider` names it), never in this widget. */
  card: { title: string; note: (provider: string) => string; button: (provider: string) => string; secure: string };
  /** Why a provider declined a payment (Payment.failureReason), and what to do next. */
  failureReasons: Record<FailureReason, string>;
  installmentsTitle: string;
  installmentsLoading: string;
  noInstallments: string;
  tenure: (n: number, unit: 'days' | 'months') => string;
  perMonth: (amount: string) => string;
  installmentDetail: (total: string, interest: string, rate: string) => string;
  /**
   * Customer texts for the codes the widget raises itself: a refused QR (`invalid_qris`) or payment address
   * (`invalid_redirect`), a phone number it checks before sending (`invalid_phone`, which the companion also checks).
   * The companion's codes carry their texts in its answer (server/domain/error-texts.ts).
   */
  errorCodes: Record<string, string>;
  /** E-wallet hand-off by device (wallet-view) and the OVO phone number (wallet-phone). */
  wallet: {
    qrTitle: (wallet: string) => string;
    qrAlt: (wallet: string, amount: string) => string;
    qrNote: (wallet: string) => string;
    appNote: (wallet: string) => string;
    otherDevice: string;
    thisDevice: (wallet: string) => string;
    phoneLabel: (wallet: string) => string;
    phoneHint: (wallet: string) => string;
  };
  /** "Check status" / "I have paid" on every waiting view. */
  check: { button: string; stillPending: string; tooSoon: string };
  /** The sentence under each outcome title. */
  statusText: Record<Exclude<PaymentStatus, 'pending'>, string>;
}

/** Everything the widget says. The compiler checks that each locale is complete. */
export type Translation = CoreTranslation & ViewTranslation;
