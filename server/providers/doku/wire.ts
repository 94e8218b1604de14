/**
 * Doku Checkout (non-SNAP) wire types, as providers.md §1.4–§1.6 describe them. Optional fields are the ones the
 * docs mark optional or that only some channels carry; amounts are integer rupiah on the wire too, except
 * `response.order.amount` in the checkout answer, which Doku sends as a string.
 */

/** `transaction.status` values (providers.md §1.7, Doku "Check Status API Non-SNAP"). */
export type DokuTransactionStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'EXPIRED' | 'REFUNDED' | 'TIMEOUT' | 'REDIRECT';

export interface DokuLineItem {
  name: string;
  price: number;
  quantity: number;
  sku?: string;
}

/** POST /checkout/v1/payment body (§1.5). */
export interface DokuCheckoutRequest {
  order: {
    amount: number;
    invoice_number: string;
    currency: 'IDR';
    callback_url?: string;
    auto_redirect?: boolean;
    line_items?: DokuLineItem[];
  };
  payment: {
    /** Minutes. */
    payment_due_date: number;
    payment_method_types: string[];
  };
  customer?: {
    name?: string;
    email?: string;
    phone?: string;
  };
  additional_info: {
    override_notification_url: string;
  };
}

/** 200 (and 409 idempotent replay) answer of POST /checkout/v1/payment (§1.4). */
export interface DokuCheckoutResponse {
  message: string[];
  response?: {
    order?: { invoice_number?: string; amount?: string | number; currency?: string; session_id?: string };
    payment?: {
      url?: string;
      token_id?: string;
      /** `yyyyMMddHHmmss` in WIB (UTC+7) [3rd]. */
      expired_date?: string;
      payment_due_date?: number;
      payment_method_types?: string[];
    };
    uuid?: number | string;
  };
}

/** GET /orders/v1/status/{invoice_number} answer (§1.4). */
export interface DokuStatusResponse {
  order?: { invoice_number?: string; amount?: number | string };
  transaction?: { status?: string; date?: string; original_request_id?: string };
  service?: { id?: string };
  acquirer?: { id?: string };
  channel?: { id?: string };
}

/** Body of an HTTP notification from Doku (§1.6). */
export interface DokuNotification extends DokuStatusResponse {
  virtual_account_info?: { virtual_account_number?: string };
  virtual_account_payment?: { identifer?: Array<{ name: string; value: string }> };
  online_to_offline_info?: { payment_code?: string };
}

/** Error envelope: Doku keeps the `message: [...]` array; codes and statuses are [unconfirmed] (§1.9). */
export interface DokuErrorBody {
  message?: string[] | string;
  error?: { code?: string; message?: string };
}
