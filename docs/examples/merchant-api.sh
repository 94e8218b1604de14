#!/bin/sh
# The merchant API from a shell: refund a payment, list payments, fetch a day's statement.
#   PAYMENT=pay_… sh docs/examples/merchant-api.sh
set -e
BAYAR_URL=${BAYAR_URL:-http://127.0.0.1:8787}
AUTH="Authorization: Bearer ${BAYAR_MERCHANT_KEY:-sandbox-merchant-key-not-secret}"
DATE=${DATE:-$(TZ=Asia/Jakarta date +%F)}   # statements follow the Asia/Jakarta calendar day

# Refund Rp 25.000 of a paid payment. Retrying with the same Idempotency-Key replays the first answer
# instead of refunding twice.
curl -sS --fail-with-body -X POST "$BAYAR_URL/api/payments/$PAYMENT/refund" -H "$AUTH" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: refund-$PAYMENT-1" \
  -d '{"amount":25000,"reason":"damaged in transit"}'
echo

# Paid payments created since that day, oldest first, 50 a page; pass "next" back as &cursor= for the next page.
curl -sS --fail-with-body "$BAYAR_URL/api/payments?status=paid&from=$DATE&limit=50" -H "$AUTH"
echo

# The day's statement as JSON (format=csv for a spreadsheet).
curl -sS --fail-with-body "$BAYAR_URL/api/reconciliation?date=$DATE&format=json" -H "$AUTH"
echo
