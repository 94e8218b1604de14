/**
 * Indodana PayLater merchant API wire types (providers.md §2.3–§2.4). Field names come from the official PHP SDK
 * and plugins [code] and the go-indodana-wrapper [3rd]. Amounts are decimal(16,2) on the wire; we send integer
 * rupiah, which is a valid decimal.
 */

/**
 * `transactionStatus` values. INITIATED and PAID are confirmed [code]; EXPIRED and CANCELLED are named in our
 * brief but not found in stored sources [unconfirmed]; PENDING (before the customer approves) is the emulator's
 * word for the pre-approval state [unconfirmed].
 */
export type IndodanaTransactionStatus = 'PENDING' | 'INITIATED' | 'PAID' | 'EXPIRED' | 'CANCELLED';

export interface IndodanaItem {
  id: string;
  name: string;
  price: number;
  quantity: number;
  url?: string;
  imageUrl?: string;
  type?: string;
  category?: string;
  parentType?: 'SELLER';
  parentId?: string;
}

export interface IndodanaAddress {
  firstName: string;
  lastName: string;
  address: string;
  city: string;
  postalCode: string;
  phone: string;
  countryCode: string;
}

export interface IndodanaSeller {
  id: string;
  name: string;
  url: string;
  email?: string;
  sellerIdNumber?: string;
  address?: IndodanaAddress;
}

/** POST /v2/payment_calculation. `amount` must equal Σ price × quantity. */
export interface IndodanaCalculationRequest {
  amount: number;
  items: IndodanaItem[];
}

export interface IndodanaPaymentOption {
  id: string;
  tenure: number;
  tenureTimeUnit?: string;
  rate: number;
  amount: number;
  monthlyInstallment: number;
  installmentAmount: number;
  totalInterest: number;
  provision?: number;
  paymentType?: string;
  merchantDiscountRate?: number;
  totalTransactionAmount?: number;
  discountedMonthlyInstallment?: number;
  downPayment?: number;
}

export interface IndodanaCalculationResponse {
  status: string;
  payments?: IndodanaPaymentOption[];
}

/** POST /v2/checkout_url. */
export interface IndodanaCheckoutRequest {
  transactionDetails: { merchantOrderId: string; amount: number; items: IndodanaItem[] };
  customerDetails: { firstName: string; lastName: string; email?: string; phone?: string };
  sellers: IndodanaSeller[];
  billingAddress: IndodanaAddress;
  shippingAddress: IndodanaAddress;
  paymentType: string;
  approvedNotificationUrl: string;
  cancellationRedirectUrl?: string;
  backToStoreUrl?: string;
  /** ISO 8601 with offset [3rd]. */
  expirationAt?: string;
}

export interface IndodanaCheckoutResponse {
  status: string;
  redirectUrl?: string;
  transactionId?: string;
}

/** GET /v1/transactions/check_status?merchantOrderId=… */
export interface IndodanaStatusResponse {
  status: string;
  fraudStatus?: string;
  legalName?: string;
  amount?: number | string;
  paymentType?: string;
  transactionStatus?: string;
  merchantOrderId?: string;
  transactionTime?: string;
  transactionId?: string;
}

/** POST /v2/order_cancellation (cancel before approval, or full/partial refund after). */
export interface IndodanaCancellationRequest {
  refundId: string;
  merchantOrderId: string;
  cancellationAmount: number;
  cancellationReason: string;
  cancelledBy: string;
  /** ISO 8601 with offset, e.g. `2019-09-12T18:18:18+07:00` [3rd]. */
  cancellationDate: string;
}

/** Response shape not captured in our sources [unconfirmed]; only `status` is relied on. */
export interface IndodanaCancellationResponse {
  status: string;
  transactionStatus?: string;
  refundId?: string;
}

/** Notification POSTed to approvedNotificationUrl (§2.4). */
export interface IndodanaNotification {
  amount?: number | string;
  paymentType?: string;
  transactionStatus?: string;
  merchantOrderId?: string;
  transactionTime?: string;
  transactionId?: string;
}

/** Error envelope `{status:"ERROR", error:{kind, message}}` [3rd]; kinds seen: FailedAuthError, NotFoundError. */
export interface IndodanaErrorBody {
  status?: string;
  error?: { kind?: string; message?: unknown };
}
