/**
 * Midtrans Core API wire types (providers.md §5). Requests send `gross_amount` as an integer; answers and
 * notifications carry it as a string with two decimals ("150000.00") and report the outcome in the body's
 * `status_code` string as well as (sometimes only) the HTTP status. Times are GMT+7 `YYYY-MM-DD HH:mm:ss`.
 */

export type MidtransTransactionStatus =
  | 'pending'
  | 'authorize'
  | 'capture'
  | 'settlement'
  | 'deny'
  | 'cancel'
  | 'expire'
  | 'failure'
  | 'refund'
  | 'partial_refund'
  | 'chargeback'
  | 'partial_chargeback';

export type MidtransPaymentType = 'bank_transfer' | 'echannel' | 'qris' | 'gopay' | 'cstore';
export type MidtransVaBank = 'bca' | 'bni' | 'bri' | 'permata';
export type MidtransStore = 'indomaret' | 'alfamart';

export interface ItemDetail {
  id: string;
  price: number;
  quantity: number;
  name: string;
}

export interface CustomerDetails {
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
}

/** `custom_expiry` (docs.midtrans.com/reference-link/custom-expiry-object). */
export interface CustomExpiry {
  /** `YYYY-MM-DD HH:mm:ss +0700`. */
  order_time: string;
  expiry_duration: number;
  unit: 'second' | 'minute' | 'hour' | 'day';
}

export interface ChargeRequest {
  payment_type: MidtransPaymentType;
  transaction_details: { order_id: string; gross_amount: number };
  item_details: ItemDetail[];
  customer_details?: CustomerDetails;
  custom_expiry: CustomExpiry;
  bank_transfer?: { bank: MidtransVaBank; va_number?: string };
  echannel?: { bill_info1: string; bill_info2: string; bill_key?: string };
  qris?: { acquirer: 'gopay' | 'airpay shopee' };
  gopay?: { enable_callback: boolean; callback_url?: string };
  cstore?: { store: MidtransStore; message?: string };
}

export interface MidtransAction {
  name: string;
  method: string;
  url: string;
}

/** Charge answer, status answer and notification share this transaction shape. */
export interface Transaction {
  status_code: string;
  status_message: string;
  transaction_id: string;
  order_id: string;
  merchant_id?: string;
  gross_amount: string;
  currency?: string;
  payment_type: MidtransPaymentType | string;
  transaction_time: string;
  transaction_status: MidtransTransactionStatus;
  fraud_status?: 'accept' | 'challenge' | 'deny';
  expiry_time?: string;
  settlement_time?: string;
  va_numbers?: Array<{ bank: string; va_number: string }>;
  permata_va_number?: string;
  bill_key?: string;
  biller_code?: string;
  qr_string?: string;
  acquirer?: string;
  actions?: MidtransAction[];
  payment_code?: string;
  store?: string;
  refund_amount?: string;
  refund_key?: string;
  refund_chargeback_id?: number;
}

/** An HTTP notification: the transaction plus `signature_key` (§5.5). */
export interface Notification extends Transaction {
  signature_key: string;
}

/** Error answers: `{ status_code, status_message, validation_messages?, id? }`. */
export interface MidtransErrorBody {
  status_code: string;
  status_message: string;
  validation_messages?: string[];
  id?: string;
}

/** `POST /v2/{order_id}/refund` [unconfirmed fields, §5.3; docs.midtrans.com "Refund Transactions"]. */
export interface RefundRequest {
  refund_key: string;
  amount: number;
  reason: string;
}
