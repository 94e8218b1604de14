/**
 * Komerce Payment API wire types (providers.md §3). Field names are Komerce's own, snake_case.
 *
 * The create/status `data` fields are not shown in the docs copy we have (§3.2, §8.3): they come from
 * third-party clients, which disagree on a few names (`va_number` vs `account_number`, `payment_url` vs
 * `payment_page_url`, `expired_at` vs `expiry_time`). Everything in a response is therefore optional here
 * and mapping.ts reads the alternatives.
 */

/** `data.status` values (§3.2). `CANCELED` is spelled with a single L. */
export type KomerceStatus = 'PENDING' | 'PAID' | 'EXPIRED' | 'CANCELED';

/** `payment_type` as sent on create. Note that GET /methods says `va` where create takes `bank_transfer`. */
export type KomercePaymentType = 'bank_transfer' | 'qris';

export interface KomerceMeta {
  message: string;
  code: number;
  status: string;
}

/** Every answer, success or error: `{ meta: { message, code, status }, data }`. */
export interface KomerceEnvelope<T> {
  meta: KomerceMeta;
  data: T;
}

/** One entry of GET /api/v1/user/methods. */
export interface KomerceMethod {
  payment_type: 'va' | 'qris';
  display_name: string;
  /** Empty string for QRIS. */
  bank_code: string;
  logo_url: string;
  min_amount: number;
  max_amount: number;
  currency: 'IDR';
}

export interface KomerceCustomer {
  name: string;
  email: string;
  phone: string;
}

export interface KomerceItem {
  name: string;
  quantity: number;
  /** Integer IDR per unit. */
  price: number;
}

/** POST /api/v1/user/payment/create (§3.3). */
export interface KomerceCreateRequest {
  order_id: string;
  payment_type: KomercePaymentType;
  /** Required for bank_transfer: a `bank_code` from /methods. */
  channel_code?: string;
  amount: number;
  customer: KomerceCustomer;
  items: KomerceItem[];
  /** Seconds, minimum 3600, VA only. */
  expiry_duration?: number;
  callback_url?: string;
  /** The spelling of the sample body and the validation rules; the curl template says `callback_api_key`. */
  callback_API_KEY?: string;
}

/** `data` of a create answer. Every field optional: see the file comment. */
export interface KomerceCreateData {
  payment_id?: string;
  order_id?: string;
  external_id?: string;
  payment_type?: string;
  channel_code?: string;
  amount?: number | string;
  status?: string;
  va_number?: string;
  account_number?: string;
  qr_string?: string;
  payment_url?: string;
  payment_page_url?: string;
  expired_at?: string;
  expiry_time?: string;
  expires_at?: string;
}

/** `data` of GET /api/v1/user/payment/status/{payment_id}. */
export interface KomerceStatusData extends KomerceCreateData {
  paid_at?: string | null;
  paid_amount?: number | string;
  settlement_amount?: number | string;
  payment_method?: unknown;
}

/** POST /api/v1/user/payment/cancel. */
export interface KomerceCancelRequest {
  payment_id: string;
  reason: string;
}

export interface KomerceCancelData {
  payment_id?: string;
  status?: string;
}

/**
 * The callback body (§3.4). Not documented in our copy: `payment_id`, `order_id`, `status` and `amount` are
 * expected, `paid_at` and the payment method probably. Signed with `X-Callback-Api-Key`.
 */
export interface KomerceCallbackBody {
  payment_id: string;
  order_id?: string;
  status: string;
  amount?: number | string;
  paid_at?: string | null;
  payment_method?: unknown;
}
