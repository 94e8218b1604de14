/**
 * Request and response types of the companion's public HTTP API (contract.md §3).
 * Shared by the server and the widget (`import type` only), so both sides are checked against one contract.
 */

export const PAYMENT_STATUSES = ['pending', 'paid', 'expired', 'cancelled', 'failed', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const METHOD_FAMILIES = ['va', 'qris', 'ewallet', 'cstore', 'paylater', 'card'] as const;
export type MethodFamily = (typeof METHOD_FAMILIES)[number];

export const PROVIDER_IDS = ['doku', 'indodana', 'komerce', 'xendit', 'midtrans'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/**
 * Why a provider declined a payment, as a stable code the widget translates for the customer: `card_declined` (the
 * issuing bank refused), `fraud_suspected` (the provider's fraud detection refused), `authentication_failed` (3-D
 * Secure was not completed), `declined` (refused, no reason given).
 */
export const FAILURE_REASONS = ['card_declined', 'fraud_suspected', 'authentication_failed', 'declined'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** A payment method as offered to the customer, e.g. `va:bca` served by Komerce. */
export interface PaymentMethod {
  /** `family:channel`, e.g. `va:bca`, `qris:qris`, `ewallet:ovo`, `cstore:indomaret`, `paylater:indodana`. */
  id: string;
  family: MethodFamily;
  channel: string;
  label: string;
  /**
   * The first provider in the family's route (BAYAR_ROUTES) that can take the amount. Informational: smart routing
   * (BAYAR_ROUTING) may choose another candidate when the payment is created, and `Payment.provider` names the one used.
   */
  provider: ProviderId;
  /** Integer IDR. */
  minAmount: number;
  /** Integer IDR. */
  maxAmount: number;
  /**
   * Whether the order's amount can use this method. An unavailable method is listed so the picker can show it greyed
   * with its limits; creating it answers 422 `amount_below_minimum` / `amount_above_maximum`.
   */
  available: boolean;
  /** Why not, when `available` is false. */
  unavailableReason?: 'below_minimum' | 'above_maximum';
}

export interface MethodsResponse {
  methods: PaymentMethod[];
  /**
   * Asked with a session: the order it names, so the widget can resume that order's payment after a reload
   * without reading the (opaque) token.
   */
  order?: { orderId: string; amount: number };
}

export interface InstallmentOption {
  /** Provider's id of the option, sent back as `installment` when creating the payment. */
  id: string;
  /** Number of months (or 1 for "pay in 30 days"). */
  tenure: number;
  tenureUnit: 'days' | 'months';
  monthlyInstallment: number;
  installmentAmount: number;
  totalInterest: number;
  /** Monthly interest rate as a percentage, e.g. 2.6 (a rate, not money). */
  rate: number;
  provider: ProviderId;
}

export interface InstallmentsResponse {
  options: InstallmentOption[];
}

export interface Customer {
  name?: string;
  email?: string;
  phone?: string;
}

/** How the customer pays: the part of a payment that depends on its method family, as the provider gave it. */
export interface PaymentInstructions {
  va?: { bank: string; number: string; billerCode?: string };
  /**
   * `qr`: the payload's QR symbol, encoded by the companion (the widget paints it; it carries no QR encoder). In
   * the widget API's answers (create, read, cancel, check) only: not in streams, notifications or merchant reads.
   */
  qris?: { qrString: string; qr?: QrModules };
  redirectUrl?: string;
  /** E-wallets: what the provider gave to pay on each kind of device (the widget picks by `ui-mode`). */
  ewallet?: WalletHandoff;
  cstore?: { store: string; paymentCode: string };
}

/**
 * Menu paths for paying a Virtual Account, as the bank labels them (the same in both languages: the companion writes
 * its steps around them, server/domain/pay-steps.ts). A channel or path without a source is left out rather than guessed.
 */
export interface VaGuide {
  /** ATM menu path. */
  atm?: string;
  /** Company code the ATM asks for before the VA number (Mandiri Multi Payment). */
  companyCode?: string;
  /** Mobile banking app and its menu path (or only the app). */
  mobile: [app: string, path?: string];
  /** Internet banking site and its menu path (or only the site). */
  internet?: [site: string, path?: string];
}

/**
 * One list of steps: where (a VA's `mobile`, `atm` or `internet` banking, a store's till, a wallet's app), then the
 * sentences. `{name}` (the bank, store or wallet), `{amount}` and `{payee}` (the provider a store collects for) are
 * left for the page to fill in as it writes them elsewhere.
 */
export type PaySteps = [where: 'mobile' | 'atm' | 'internet' | 'store' | 'app', ...steps: string[]];

export interface Payment extends PaymentInstructions {
  /** Unguessable: 128+ random bits. */
  id: string;
  orderId: string;
  /** Method id, e.g. `va:bca`. */
  method: string;
  family: MethodFamily;
  provider: ProviderId;
  /** Integer IDR. */
  amount: number;
  currency: 'IDR';
  status: PaymentStatus;
  createdAt: string;
  expiresAt: string;
  paidAt?: string;
  installment?: { id: string; tenure: number };
  /** Conditions an operator should look at, e.g. `amount_mismatch`, `late_payment`. */
  flags?: string[];
  /** Why the provider declined it, when it is `failed` and the provider said (cards). */
  failureReason?: FailureReason;
  /** Integer IDR refunded so far (partial refunds keep status `paid`). */
  refundedAmount?: number;
  /**
   * How to pay it where it is paid (a VA's bank channels, a store's till, a wallet's app), in both of the widget's
   * languages (server/domain/pay-steps.ts). In the widget API's answers for a pending payment only, like `qris.qr`.
   */
  steps?: { id: PaySteps[]; en: PaySteps[] };
  /**
   * Merchant views only (merchant key), never the browser: the provider fee Bayar expected for this payment
   * (BAYAR_FEES), integer IDR rounded up; absent when no fee is configured for its provider and family.
   */
  expectedFee?: number;
  /** Merchant views only (`GET /api/payments/:id` with the merchant key): why the payment went where it went. */
  routing?: RoutingExplanation;
}

/** Why a candidate stood where it did when a payment was routed. */
export interface RouteCandidate {
  provider: ProviderId;
  /** `degraded` candidates are tried only after every healthy one; `probing` = degraded, due for a trial call, placed as if healthy. */
  health: 'healthy' | 'degraded' | 'probing';
  /** What degraded it: `consecutive_failures`, `p95_latency` or `error_rate`. */
  healthReason?: string;
  /** The channel's signals over the health window when the payment was routed (latencies in ms, error rate in %). */
  signals: { calls: number; failures: number; consecutiveFailures: number; errorRate: number | null; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
  /** Expected fee for this amount, integer IDR; null when BAYAR_FEES names none for this provider and family. */
  fee: number | null;
}

/**
 * Why a payment was routed as it was. `reason` names the pick: `primary` (first in BAYAR_ROUTES, healthy),
 * `cheapest` (lowest expected fee among healthy candidates), `degraded_skipped` (a better-placed candidate was
 * degraded and skipped), `all_degraded` (no healthy candidate: the best degraded one was tried),
 * `only_candidate`, `route_order` (smart routing off), `resumed` (an unfinished create continued in its
 * original order so no second code is issued), `failover` (an earlier candidate failed during this create).
 */
export interface RoutingExplanation {
  strategy: 'cheapest_healthy' | 'healthy_first' | 'route_order';
  reason: string;
  /** Integer IDR the fees were computed for. */
  amount: number;
  decidedAt: string;
  /** In the order they were (or would have been) tried. */
  candidates: RouteCandidate[];
  /** Earlier candidates that failed during this create, before the one that served. */
  attempts?: Array<{ provider: ProviderId; outcome: string; at: string }>;
}

/**
 * An e-wallet's hand-offs, each present only where the provider gives it (Xendit `actions`, Midtrans GoPay `actions`).
 * OVO gives none: the customer approves a push notification in the app.
 */
/**
 * A QR symbol (byte mode, error correction M): `size` modules a side; `modules` is base64 of its modules row by row,
 * eight to a byte, most significant bit first, 1 = dark. The quiet zone is not included.
 */
export interface QrModules {
  size: number;
  modules: string;
}

export interface WalletHandoff {
  /** Web checkout for a desktop browser. */
  desktopUrl?: string;
  /** Web checkout for a phone browser. */
  mobileUrl?: string;
  /** Opens the wallet app on a phone. */
  deeplinkUrl?: string;
  /** A QR payload to draw, for paying from a phone while shopping on a computer. */
  qrString?: string;
  /** `qrString`'s QR symbol, encoded by the companion. */
  qr?: QrModules;
  /** The provider's own QR image (Midtrans GoPay `generate-qr-code`). */
  qrImageUrl?: string;
}

export interface Refund {
  id: string;
  paymentId: string;
  /** Integer IDR. */
  amount: number;
  reason: string;
  status: 'pending' | 'succeeded' | 'failed';
  createdAt: string;
}

/** `POST /api/payments/:id/refund` (merchant API). */
export interface RefundRequest {
  amount: number;
  reason: string;
}

export interface RefundResponse {
  refund: Refund;
  payment: Payment;
}

/** `GET /api/payments` (merchant API). */
export interface PaymentListResponse {
  payments: Payment[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  next: string | null;
}

export interface PaymentResponse {
  payment: Payment;
}

/** `POST /api/payments`: the payment, and its client secret (only ever given to its creator or the session holder). */
export interface CreatePaymentResponse {
  payment: Payment;
  /** Needed to read, stream or cancel the payment from the browser (`Bayar-Client-Secret` / `?client_secret=`). */
  clientSecret: string;
}

/** `POST /api/payments`: exactly one of the three ways to name the order. */
export type CreatePaymentRequest = (
  | { session: string }
  | { orderId: string; amount: number; customer?: Customer }
  | { items: string | CartItem[]; customer?: Customer }
) & {
  method: string;
  installment?: string;
  /**
   * E-wallets that approve in their app (OVO): the payer's wallet phone number, asked on the checkout page; it
   * replaces the customer's phone for this payment. An Indonesian mobile number (`0812…`, `+62812…`).
   */
  walletPhone?: string;
};

export interface CartItem {
  sku: string;
  qty: number;
}

/** `POST /api/sessions` (merchant API). */
export interface CreateSessionRequest {
  orderId: string;
  amount: number;
  items?: Array<{ name: string; price: number; quantity: number; sku?: string }>;
  customer?: Customer;
  methods?: string[];
  /** Seconds; default 3600. */
  expiresIn?: number;
}

export interface CreateSessionResponse {
  session: string;
  expiresAt: string;
}

/** What a session token carries once verified. */
export interface SessionClaims {
  orderId: string;
  amount: number;
  items?: Array<{ name: string; price: number; quantity: number; sku?: string }>;
  customer?: Customer;
  methods?: string[];
  /** Unix seconds. */
  exp: number;
  /** Minted by a payment link's hosted page: the link and the visitor's checkout on it. */
  link?: { id: string; checkout: string };
}

/** Every error body. */
export interface ApiErrorBody {
  /**
   * `message` is for developers; `text`, for the codes a customer can meet, is what to tell the customer, in Bahasa
   * Indonesia and English (the widget shows it).
   */
  error: { code: string; message: string; details?: unknown; text?: { id: string; en: string } };
}

/** SSE `event: status` data. */
export interface StatusEventData {
  payment: Payment;
}

/** Merchant notification body (`BAYAR_NOTIFY_URL`). */
export type MerchantNotification =
  | { type: 'payment.status'; payment: Payment }
  | { type: 'payment.refund'; payment: Payment; refund: Refund }
  /** The payment that brought a link to `maxPayments`. */
  | { type: 'link.completed'; link: PaymentLink; payment: Payment }
  /** A second payment of an already paid order (flag `duplicate_payment`): refund it, or let BAYAR_AUTO_REFUND_DUPLICATES do so. */
  | { type: 'payment.duplicate'; payment: Payment };

export const LINK_STATUSES = ['active', 'completed', 'expired', 'disabled'] as const;
/** `completed`: reached `maxPayments` paid payments; `expired`: past `expiresAt`; `disabled` by the merchant. */
export type LinkStatus = (typeof LINK_STATUSES)[number];

export interface LinkItem {
  name: string;
  /** Integer IDR per unit. */
  price: number;
  quantity: number;
  sku?: string;
}

/** A payment link (merchant API). Its hosted page is `url` (`/pay/:slug`). */
export interface PaymentLink {
  id: string;
  /** The hosted checkout page: share this. */
  url: string;
  status: LinkStatus;
  description: string;
  /** The order id of a single-use link; the prefix of each checkout's order id (`<orderId>-<8 chars>`) otherwise. */
  orderId: string;
  /** Integer IDR; null for an open-amount link. */
  amount: number | null;
  items?: LinkItem[];
  /** The customer chooses the amount within these bounds (integer IDR, inclusive). */
  openAmount?: { min: number; max: number };
  currency: 'IDR';
  customer?: Customer;
  methods?: string[];
  returnUrl?: string;
  maxPayments: number;
  /** Payments through the link that were paid (refunded ones included). */
  paidCount: number;
  expiresAt: string | null;
  createdAt: string;
  disabledAt?: string;
  completedAt?: string;
  share: {
    /** Opens WhatsApp with a prefilled message holding the link (to the customer's number when the link names one). */
    whatsapp: string;
    /** Merchant API URLs of the link's QR code (Bearer merchant key). */
    qrSvg: string;
    qrPng: string;
  };
}

/** `POST /api/links` (merchant API): exactly one of `amount`, `items` or `openAmount`. */
export interface CreateLinkRequest {
  amount?: number;
  items?: LinkItem[];
  openAmount?: { min: number; max: number };
  description: string;
  orderId?: string;
  customer?: Customer;
  /** ISO 8601 with offset, in the future. */
  expiresAt?: string;
  /** Default 1. */
  maxPayments?: number;
  methods?: string[];
  returnUrl?: string;
}

export interface LinkResponse {
  link: PaymentLink;
}

/** `GET /api/links/:id`. */
export interface LinkDetailResponse {
  link: PaymentLink;
  payments: Payment[];
}

/** `GET /api/links`. */
export interface LinkListResponse {
  links: PaymentLink[];
  next: string | null;
}
