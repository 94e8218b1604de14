/**
 * The provider layer. An adapter translates between Bayar's domain (integer rupiah, common statuses) and one
 * provider's wire API. Adapters never read process.env and never touch the store: createApp gives each its
 * credentials, HTTP client and clock (its factory in providers/index.ts), and they throw only ProviderError
 * subclasses (server/errors.ts).
 *
 * Every providers/<id>/ has the same files and names: index.ts (`create<Id>Provider`), signing.ts (pure),
 * wire.ts (wire types), mapping.ts (`STATUS_TABLE`, `mapStatus`, `toWireAmount`, `fromWireAmount`, `fromStatus`,
 * `fromWebhook`; Xendit reads status per object kind); answers are read with the shared readers in wire-read.ts. docs/architecture.md has the checklist.
 */
import type { Customer, FailureReason, InstallmentOption, MethodFamily, PaymentInstructions, PaymentStatus, ProviderId } from '../api-types.js';
import type { Clock } from '../lib/clock.js';
import type { ProviderCapabilities } from './capabilities.js';
import type { HttpClient } from '../lib/http.js';

/** A method a provider can serve, before routing decides which provider serves it. */
export interface ProviderMethod {
  family: MethodFamily;
  /** Lower-case channel, e.g. `bca`, `qris`, `ovo`, `indomaret`, `indodana`. */
  channel: string;
  label: string;
  minAmount: number;
  maxAmount: number;
}

export interface LineItem {
  name: string;
  /** Integer IDR per unit. */
  price: number;
  quantity: number;
  sku?: string;
}

export interface CreatePaymentInput {
  /** Bayar's payment id. */
  paymentId: string;
  /**
   * The reference sent to the provider as its order/invoice/external id. Deterministic per payment attempt
   * (derived from the payment id), at most 32 chars of [A-Za-z0-9-], so a retried create can never make a
   * second VA or QR: the provider sees the same id twice and refuses or replays.
   */
  reference: string;
  orderId: string;
  /** Integer IDR. */
  amount: number;
  family: MethodFamily;
  channel: string;
  customer: Customer;
  items: LineItem[];
  /** When Bayar wants the payment to expire; providers with fixed windows (QRIS) may answer earlier. */
  expiresAt: Date;
  /** PayLater option id from installments(). */
  installment?: string;
  /** Absolute URL of our webhook endpoint for this provider (for providers that take it per request). */
  webhookUrl: string;
  /** Where a redirect flow sends the customer back. */
  returnUrl?: string;
}

export interface CreatePaymentResult extends PaymentInstructions {
  /** The provider's own id for the payment, used for status, cancel and webhook matching. */
  providerRef: string;
  /** ISO 8601; the provider's actual deadline. */
  expiresAt: string;
}

export interface PaymentRef {
  providerRef: string;
  reference: string;
}

export interface ProviderStatus {
  status: PaymentStatus;
  /** Integer IDR the provider says was paid / is due, when it says. */
  amount?: number;
  paidAt?: string;
  /** The provider's own status word, for reconciliation. */
  providerStatus: string;
  /** Why it failed, when `failed` and the provider said (card declines). */
  failureReason?: FailureReason;
}

export interface RefundInput extends PaymentRef {
  refundId: string;
  amount: number;
  reason: string;
}

/** A provider webhook as it reached us: raw bytes, before any parsing. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** Path of our own webhook endpoint as the provider called it (Doku signs it). */
  path: string;
  receivedAt: Date;
}

/** One fact a verified webhook tells us. */
export interface WebhookEvent {
  /** Identity for deduplication: the provider's event id, or a stable digest of what makes the event unique. */
  eventId: string;
  /** At least one of these finds our payment. */
  providerRef?: string;
  reference?: string;
  status: PaymentStatus;
  /** Integer IDR the webhook says was paid, when it says. */
  amount?: number;
  paidAt?: string;
  providerStatus: string;
  /** Why it failed, when `failed` and the provider said (card declines). */
  failureReason?: FailureReason;
}

export interface VerifiedWebhook {
  events: WebhookEvent[];
  /** What to answer the provider on success (some providers expect a body). */
  ack: { status: number; body: unknown };
}

export interface PaymentProvider {
  readonly id: ProviderId;
  /** The methods this provider can serve; routing filters by amount and BAYAR_ROUTES. */
  methods(): ProviderMethod[];
  create(input: CreatePaymentInput): Promise<CreatePaymentResult>;
  status(ref: PaymentRef): Promise<ProviderStatus>;
  /** What it can do, per method family (capabilities.ts): callers read this before calling cancel or refund. */
  readonly capabilities: ProviderCapabilities;
  /** Called only where `capabilities` says the family can cancel; throws ProviderNotSupportedError otherwise. */
  cancel(ref: PaymentRef): Promise<ProviderStatus>;
  /** Called only where `capabilities` says the family can refund; throws ProviderNotSupportedError otherwise. */
  refund(input: RefundInput): Promise<{ refundRef: string; status: 'succeeded' | 'pending' }>;
  /** PayLater providers only. */
  installments?(amount: number, items: LineItem[]): Promise<InstallmentOption[]>;
  /**
   * Verifies signature/token on the raw bytes (timing-safe, through server/lib/crypto.ts safeEqual), then parses.
   * Throws WebhookVerificationError when it does not verify. Pure apart from the clock: no I/O.
   */
  verifyWebhook(req: WebhookRequest): VerifiedWebhook;
  /** What to answer a provider for a webhook we rejected (Indodana expects 200 + REJECTED body, others 401). */
  rejectAck?(err: Error): { status: number; body: unknown };
}

export interface ProviderContext {
  http: HttpClient;
  clock: Clock;
  /** Per-operation timeouts in ms. */
  timeouts: { create: number; status: number; cancel: number; refund: number };
}
