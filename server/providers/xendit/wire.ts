/**
 * Xendit wire types (providers.md §4): the channel-specific APIs Bayar uses — Fixed (callback) Virtual Accounts,
 * QR Codes v2 (`api-version: 2022-07-31`) and e-wallet charges — and the callbacks they send. Amounts on this
 * wire are JSON numbers of whole rupiah; times are ISO 8601 strings in UTC.
 */

export type XenditBankCode = 'BCA' | 'BNI' | 'BRI' | 'MANDIRI' | 'PERMATA' | 'BSI' | 'CIMB';
export type XenditEwalletChannel = 'ID_OVO' | 'ID_DANA' | 'ID_LINKAJA' | 'ID_SHOPEEPAY';

/** Status of the Fixed VA itself (not of a payment into it). */
export type FvaStatus = 'PENDING' | 'ACTIVE' | 'INACTIVE';
export type QrStatus = 'ACTIVE' | 'INACTIVE';
/** QR payment status: v2 says SUCCEEDED, the v1 contract said COMPLETED (§4.3). */
export type QrPaymentStatus = 'SUCCEEDED' | 'COMPLETED';
export type EwalletStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'VOIDED' | 'REFUNDED';
export type EwalletRefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/** Every error answer: `{ error_code, message }` (docs.xendit.co/ewallet/integrations/errors). */
export interface XenditErrorBody {
  error_code: string;
  message: string;
  errors?: unknown[];
}

export interface CreateFvaRequest {
  external_id: string;
  bank_code: XenditBankCode;
  name: string;
  is_closed: boolean;
  expected_amount: number;
  is_single_use: boolean;
  expiration_date: string;
  currency?: 'IDR';
  description?: string;
}

export interface FixedVa {
  id: string;
  owner_id: string;
  external_id: string;
  bank_code: XenditBankCode;
  merchant_code: string;
  name: string;
  account_number: string;
  is_closed: boolean;
  expected_amount?: number;
  suggested_amount?: number;
  is_single_use: boolean;
  expiration_date: string;
  currency: string;
  status: FvaStatus;
  description?: string;
  created?: string;
  updated?: string;
}

/** `PATCH /callback_virtual_accounts/{id}`. */
export interface UpdateFvaRequest {
  expiration_date?: string;
  expected_amount?: number;
  suggested_amount?: number;
  is_single_use?: boolean;
  description?: string;
}

/** The FVA "paid" callback and `GET /callback_virtual_account_payments/payment_id={payment_id}`. */
export interface FvaPayment {
  id: string;
  payment_id: string;
  callback_virtual_account_id: string;
  owner_id: string;
  external_id: string;
  account_number: string;
  bank_code: string;
  amount: number;
  transaction_timestamp: string;
  merchant_code: string;
  sender_name?: string;
  payment_detail?: { reference?: string; remark?: string };
  created?: string;
  updated?: string;
}

export interface CreateQrV2Request {
  reference_id: string;
  type: 'DYNAMIC';
  currency: 'IDR';
  amount: number;
  expires_at: string;
  metadata?: Record<string, string>;
}

export interface QrCodeV2 {
  id: string;
  reference_id: string;
  business_id: string;
  type: 'DYNAMIC' | 'STATIC';
  currency: string;
  amount: number | null;
  channel_code: string;
  qr_string: string;
  status: QrStatus;
  expires_at: string;
  created: string;
  updated: string;
  metadata?: Record<string, string> | null;
}

export interface QrPayment {
  id: string;
  business_id: string;
  qr_id: string;
  reference_id: string;
  type: string;
  currency: string;
  amount: number;
  channel_code: string;
  status: QrPaymentStatus;
  created: string;
  expires_at?: string;
  payment_detail?: { receipt_id?: string; source?: string; name?: string; account_details?: string | null };
}

/** `GET /qr_codes/{id}/payments` (v2) [unconfirmed: list shape taken from Xendit's list conventions]. */
export interface QrPaymentList {
  data: QrPayment[];
  has_more: boolean;
}

export interface CreateEwalletChargeRequest {
  reference_id: string;
  currency: 'IDR';
  amount: number;
  checkout_method: 'ONE_TIME_PAYMENT';
  channel_code: XenditEwalletChannel;
  channel_properties: {
    mobile_number?: string;
    success_redirect_url?: string;
    failure_redirect_url?: string;
    cancel_redirect_url?: string;
  };
  metadata?: Record<string, string>;
}

export interface EwalletActions {
  desktop_web_checkout_url: string | null;
  mobile_web_checkout_url: string | null;
  mobile_deeplink_checkout_url: string | null;
  qr_checkout_string: string | null;
}

export interface EwalletCharge {
  id: string;
  business_id: string;
  reference_id: string;
  status: EwalletStatus;
  currency: string;
  charge_amount: number;
  capture_amount: number | null;
  refunded_amount: number | null;
  checkout_method: string;
  channel_code: XenditEwalletChannel;
  channel_properties: CreateEwalletChargeRequest['channel_properties'];
  actions: EwalletActions | null;
  is_redirect_required: boolean;
  callback_url: string | null;
  created: string;
  updated: string;
  void_status: 'PENDING' | 'SUCCEEDED' | 'FAILED' | null;
  voided_at: string | null;
  capture_now: boolean;
  customer_id: string | null;
  payment_method_id: string | null;
  failure_code: string | null;
  basket: unknown[] | null;
  metadata: Record<string, string> | null;
}

/** `POST /ewallets/charges/{id}/refunds` [unconfirmed fields, §4.2]. */
export interface EwalletRefundRequest {
  amount: number;
  reason: EwalletRefundReason;
}

export type EwalletRefundReason = 'FRAUDULENT' | 'DUPLICATE' | 'REQUESTED_BY_CUSTOMER' | 'CANCELLATION' | 'OTHERS';

export interface EwalletRefund {
  id: string;
  charge_id: string;
  status: EwalletRefundStatus;
  currency: string;
  channel_code: string;
  capture_amount: number;
  refund_amount: number;
  reason: string;
  failure_code: string | null;
  created: string;
  updated: string;
}

/** QR v2 payment callback (§4.3). */
export interface QrPaymentCallback {
  event: 'qr.payment';
  business_id: string;
  created: string;
  data: QrPayment;
}

/** E-wallet callbacks: `ewallet.capture` (event name [unconfirmed]), plus `ewallet.void` / `ewallet.refund`. */
export interface EwalletCallback {
  event: string;
  business_id: string;
  created: string;
  data: EwalletCharge | EwalletRefund;
}

/** FVA created/updated callback: the VA object itself (status ACTIVE / INACTIVE). */
export type FvaUpdatedCallback = FixedVa;
