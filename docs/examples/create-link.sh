#!/bin/sh
# Create a payment link for an order and download its QR code for a counter sticker; prints the link as JSON.
#   sh docs/examples/create-link.sh
set -e
BAYAR_URL=${BAYAR_URL:-http://127.0.0.1:8787}
AUTH="Authorization: Bearer ${BAYAR_MERCHANT_KEY:-sandbox-merchant-key-not-secret}"

# The Idempotency-Key makes a retry (a timeout, a double click) answer with the same link instead of a second one.
LINK=$(curl -sS --fail-with-body -X POST "$BAYAR_URL/api/links" -H "$AUTH" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: link-ORDER-2001' \
  -d '{"orderId":"ORDER-2001","description":"Kain batik tulis Solo",
       "items":[{"name":"Kain batik tulis Solo","price":350000,"quantity":1},
                {"name":"Ongkos kirim","price":25000,"quantity":1}],
       "customer":{"name":"Siti Rahayu","phone":"081234567890"},
       "returnUrl":"https://shop.example/terima-kasih"}') || { echo "$LINK"; exit 22; }
echo "$LINK"

# Send link.url to the customer (link.share.whatsapp opens WhatsApp with the message written), or print the QR.
ID=$(echo "$LINK" | node -pe 'JSON.parse(require("fs").readFileSync(0)).link.id')
curl -sS --fail-with-body "$BAYAR_URL/api/links/$ID/qr.png" -H "$AUTH" -o "qr-$ID.png"
