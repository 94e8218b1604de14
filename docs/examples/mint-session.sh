#!/bin/sh
# Your backend mints a checkout session with one POST and the merchant key; prints {"session":…,"expiresAt":…}.
BAYAR_URL=${BAYAR_URL:-http://127.0.0.1:8787}
BAYAR_MERCHANT_KEY=${BAYAR_MERCHANT_KEY:-sandbox-merchant-key-not-secret}

curl -sS --fail-with-body -X POST "$BAYAR_URL/api/sessions" \
  -H "Authorization: Bearer $BAYAR_MERCHANT_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"orderId":"ORDER-1001","amount":150000,
       "customer":{"name":"Siti Rahayu","email":"siti@example.com","phone":"081234567890"},
       "expiresIn":3600}'
