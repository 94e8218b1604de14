/**
 * Versioned migrations. Each runs once, in order, inside a transaction, and is recorded in schema_migrations.
 * The SQL is kept to what SQLite and PostgreSQL both accept except where noted per dialect.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

const paymentsTable = (seqType: string, bigint: string) => `
CREATE TABLE payments (
  id            TEXT PRIMARY KEY,
  order_id      TEXT NOT NULL,
  method        TEXT NOT NULL,
  family        TEXT NOT NULL,
  provider      TEXT NOT NULL,
  amount        ${bigint} NOT NULL CHECK (amount > 0),
  currency      TEXT NOT NULL DEFAULT 'IDR',
  status        TEXT NOT NULL CHECK (status IN ('pending','paid','expired','cancelled','failed','refunded')),
  reference     TEXT NOT NULL,
  attempt       INTEGER NOT NULL DEFAULT 1,
  provider_ref  TEXT,
  instructions  TEXT,
  installment   TEXT,
  customer      TEXT NOT NULL DEFAULT '{}',
  flags         TEXT NOT NULL DEFAULT '[]',
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  paid_at       TEXT
);
-- One pending payment per order and method: the database, not the application, guarantees it.
CREATE UNIQUE INDEX payments_one_pending ON payments (order_id, method) WHERE status = 'pending';
CREATE UNIQUE INDEX payments_reference ON payments (provider, reference);
CREATE INDEX payments_provider_ref ON payments (provider, provider_ref);
CREATE INDEX payments_order ON payments (order_id, created_at);
CREATE INDEX payments_status_expires ON payments (status, expires_at);
CREATE INDEX payments_created ON payments (created_at, id);

CREATE TABLE payment_history (
  seq         ${seqType},
  payment_id  TEXT NOT NULL REFERENCES payments (id),
  status      TEXT NOT NULL,
  reason      TEXT NOT NULL,
  source      TEXT NOT NULL,
  snapshot    TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE INDEX payment_history_payment ON payment_history (payment_id, seq);

-- The webhook inbox: a provider event identity is stored once, so a duplicate is detected by the constraint.
CREATE TABLE provider_events (
  provider     TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  payment_id   TEXT,
  outcome      TEXT NOT NULL,
  payload      TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  PRIMARY KEY (provider, event_id)
);
`;

const reliability = (seqType: string) => `
-- Idempotency-Key records: the first response for a key is replayed; another body under the same key is refused.
CREATE TABLE idempotency_keys (
  scope            TEXT NOT NULL,
  key              TEXT NOT NULL,
  request_hash     TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('in_progress','done')),
  response_status  INTEGER,
  response_body    TEXT,
  created_at       TEXT NOT NULL,
  locked_until     TEXT NOT NULL,
  PRIMARY KEY (scope, key)
);

-- Merchant notifications, written in the same transaction as the status change they announce (transactional
-- outbox), delivered at least once and in order per payment.
CREATE TABLE outbox (
  id               ${seqType},
  payment_id       TEXT NOT NULL,
  history_seq      BIGINT NOT NULL,
  body             TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT NOT NULL,
  claimed_until    TEXT,
  delivered_at     TEXT,
  last_error       TEXT,
  created_at       TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (delivered_at, next_attempt_at);
CREATE INDEX outbox_payment ON outbox (payment_id, id);

-- When the reconciler last asked the provider about a payment (providers rate-limit status calls).
ALTER TABLE payments ADD COLUMN checked_at TEXT;
`;

const refunds = (bigint: string) => `
CREATE TABLE refunds (
  id           TEXT PRIMARY KEY,
  payment_id   TEXT NOT NULL REFERENCES payments (id),
  amount       ${bigint} NOT NULL CHECK (amount > 0),
  reason       TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending','succeeded','failed')),
  provider_ref TEXT,
  error        TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX refunds_payment ON refunds (payment_id);
CREATE INDEX refunds_created ON refunds (created_at);
ALTER TABLE payments ADD COLUMN refunded_amount ${bigint} NOT NULL DEFAULT 0;
`;

const routing = (bigint: string) => `
-- Smart routing: the provider fee expected when the payment was routed (integer IDR, BAYAR_FEES) and why it went
-- where it went (JSON, shown to the merchant).
ALTER TABLE payments ADD COLUMN expected_fee ${bigint};
ALTER TABLE payments ADD COLUMN routing TEXT;

-- Channel health shared between instances: the latest transition per provider × method (epoch ms).
CREATE TABLE channel_health (
  provider    TEXT NOT NULL,
  method      TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('healthy','degraded')),
  reason      TEXT NOT NULL,
  changed_at  ${bigint} NOT NULL,
  probe_at    ${bigint},
  signals     TEXT NOT NULL DEFAULT '{}',
  instance    TEXT NOT NULL,
  PRIMARY KEY (provider, method)
);
`;
/**
 * The merchant console: its sessions (revocable, shared by every instance), an audit log of every console action,
 * each delivery attempt of a merchant notification with the merchant's answer, and indexes for the console's
 * searches (VA number, payment code, customer email/phone, provider reference alone) and its time-ranged summaries.
 * JSON lookups are expression indexes, written per dialect; the stores query the very same expressions.
 */
const consoleTables = (seqType: string, sqlite: boolean) => {
  const j = (col: string, path: string) => (sqlite ? `json_extract(${col}, '$.${path}')` : `((${col})::jsonb #>> '{${path.split('.').join(',')}}')`);
  return `
CREATE TABLE console_sessions (
  token_hash  TEXT PRIMARY KEY,
  actor       TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('viewer','operator')),
  csrf        TEXT NOT NULL,
  ip          TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

CREATE TABLE console_audit (
  id          ${seqType},
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  role        TEXT NOT NULL,
  ip          TEXT NOT NULL,
  action      TEXT NOT NULL,
  payment_id  TEXT,
  outcome     TEXT NOT NULL,
  detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX console_audit_payment ON console_audit (payment_id, id);
CREATE INDEX console_audit_at ON console_audit (at);

CREATE TABLE notification_attempts (
  id         ${seqType},
  outbox_id  BIGINT NOT NULL,
  at         TEXT NOT NULL,
  ok         INTEGER NOT NULL,
  answer     TEXT NOT NULL
);
CREATE INDEX notification_attempts_outbox ON notification_attempts (outbox_id, id);
ALTER TABLE outbox ADD COLUMN resend_of BIGINT;

CREATE INDEX payments_provider_ref_only ON payments (provider_ref);
CREATE INDEX payments_status_created ON payments (status, created_at, id);
CREATE INDEX payments_paid ON payments (paid_at);
CREATE INDEX payments_va_number ON payments (${j('instructions', 'va.number')});
CREATE INDEX payments_cstore_code ON payments (${j('instructions', 'cstore.paymentCode')});
CREATE INDEX payments_customer_email ON payments (lower(${j('customer', 'email')}));
CREATE INDEX payments_customer_phone ON payments (${j('customer', 'phone')});
CREATE INDEX provider_events_received ON provider_events (received_at);
CREATE INDEX provider_events_payment ON provider_events (payment_id);
`;
};

const links = (bigint: string) => `
-- Payment links: a hosted checkout page at /pay/<slug>. The status is derived (completed_at, disabled_at,
-- expires_at), so a link expires by the clock without a writer.
CREATE TABLE payment_links (
  id            TEXT PRIMARY KEY,
  slug          TEXT NOT NULL UNIQUE,
  url           TEXT NOT NULL,
  order_id      TEXT NOT NULL,
  description   TEXT NOT NULL,
  amount        ${bigint} CHECK (amount > 0),
  open_min      ${bigint},
  open_max      ${bigint},
  items         TEXT,
  customer      TEXT NOT NULL DEFAULT '{}',
  methods       TEXT,
  return_url    TEXT,
  max_payments  INTEGER NOT NULL CHECK (max_payments >= 1),
  expires_at    TEXT,
  created_at    TEXT NOT NULL,
  disabled_at   TEXT,
  completed_at  TEXT,
  CHECK ((amount IS NULL) <> (open_min IS NULL))
);
CREATE INDEX payment_links_created ON payment_links (created_at, id);
-- A payment made through a link, and the checkout (one visitor's page) that made it.
ALTER TABLE payments ADD COLUMN link_id TEXT REFERENCES payment_links (id);
ALTER TABLE payments ADD COLUMN link_checkout TEXT;
CREATE INDEX payments_link ON payments (link_id, status);
`;

/** Counters per Jakarta day that have no row of their own, e.g. checkout sessions minted (the console's funnel). */
const dailyCounts = (bigint: string) => `
CREATE TABLE daily_counts (
  day    TEXT NOT NULL,
  name   TEXT NOT NULL,
  count  ${bigint} NOT NULL DEFAULT 0,
  PRIMARY KEY (day, name)
);
`;

const operations = `
-- When a payment's customer data was erased (retention or a customer's request); NULL while it is kept.
ALTER TABLE payments ADD COLUMN pii_erased_at TEXT;
CREATE INDEX payments_pii_due ON payments (updated_at) WHERE pii_erased_at IS NULL AND status <> 'pending';
-- Metrics read these at scrape time: the last webhook per provider, and the (few) flagged payments.
CREATE INDEX provider_events_provider_received ON provider_events (provider, received_at);
CREATE INDEX payments_flagged ON payments (flags) WHERE flags <> '[]';
`;

/**
 * Who named the order: `session` (the merchant's signed session), `page` (unsigned checkout: the page stated the
 * order id), `catalog` (an id minted by the server). A page-stated order id lives in its own space, so a page can
 * neither read nor block an order the merchant mints a session for. Rows from before this migration count as
 * `session`.
 */
const orderSource = `
ALTER TABLE payments ADD COLUMN order_source TEXT NOT NULL DEFAULT 'session';
DROP INDEX payments_one_pending;
CREATE UNIQUE INDEX payments_one_pending ON payments (order_source, order_id, method) WHERE status = 'pending';
CREATE INDEX payments_order_source ON payments (order_source, order_id);
`;

/** Why a provider declined a payment (card declines), so the customer can be told; null for older rows. */
const failureReason = `ALTER TABLE payments ADD COLUMN failure_reason TEXT;`;

/**
 * The console's audit log is read newest first by id; filtering it by a rare action, by one user or to refusals only
 * would otherwise walk the whole log backwards.
 */
const auditFilters = `
CREATE INDEX console_audit_action ON console_audit (action, id);
CREATE INDEX console_audit_actor ON console_audit (actor, id);
CREATE INDEX console_audit_refused ON console_audit (id) WHERE outcome <> 'ok';
`;

/**
 * An order is paid once: at most one of its payments is paid (or refunded) without the duplicate_payment flag. The
 * application decides the flag from the order's other payments, but on PostgreSQL two instances paying two payments
 * of one order at the same moment each read "nothing else paid" before the other committed; this index makes the
 * second commit fail, and the store decides it again, now seeing the first (server/store/postgres.ts runLocked).
 * Pairs such a race may already have left are flagged first: the later payment, as the application would have.
 */
const orderPaidOnce = `
UPDATE payments SET flags = CASE WHEN flags = '[]' THEN '["duplicate_payment"]' ELSE substr(flags, 1, length(flags) - 1) || ',"duplicate_payment"]' END
WHERE status IN ('paid', 'refunded') AND flags NOT LIKE '%"duplicate_payment"%'
  AND EXISTS (SELECT 1 FROM payments o
              WHERE o.order_source = payments.order_source AND o.order_id = payments.order_id AND o.id <> payments.id
                AND o.status IN ('paid', 'refunded') AND o.flags NOT LIKE '%"duplicate_payment"%'
                AND (COALESCE(o.paid_at, ''), o.id) < (COALESCE(payments.paid_at, ''), payments.id));
CREATE UNIQUE INDEX payments_paid_once ON payments (order_source, order_id)
  WHERE status IN ('paid', 'refunded') AND flags NOT LIKE '%"duplicate_payment"%';
`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'ledger',
    sqlite: paymentsTable('INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER'),
    postgres: paymentsTable('BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY', 'BIGINT'),
  },
  {
    version: 2,
    name: 'idempotency, outbox, reconciliation',
    sqlite: reliability('INTEGER PRIMARY KEY AUTOINCREMENT'),
    postgres: reliability('BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY'),
  },
  { version: 3, name: 'refunds', sqlite: refunds('INTEGER'), postgres: refunds('BIGINT') },
  { version: 4, name: 'routing: expected fee, explanation, shared channel health', sqlite: routing('INTEGER'), postgres: routing('BIGINT') },
  {
    version: 5,
    name: 'console: sessions, audit log, notification attempts, search indexes',
    sqlite: consoleTables('INTEGER PRIMARY KEY AUTOINCREMENT', true),
    postgres: consoleTables('BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY', false),
  },
  { version: 6, name: 'payment links', sqlite: links('INTEGER'), postgres: links('BIGINT') },
  { version: 7, name: 'daily counts (sessions minted)', sqlite: dailyCounts('INTEGER'), postgres: dailyCounts('BIGINT') },
  { version: 8, name: 'operations: personal data retention, metric indexes', sqlite: operations, postgres: operations },
  { version: 9, name: 'order source', sqlite: orderSource, postgres: orderSource },
  { version: 10, name: 'failure reason', sqlite: failureReason, postgres: failureReason },
  { version: 11, name: 'audit log filter indexes', sqlite: auditFilters, postgres: auditFilters },
  { version: 12, name: 'an order is paid once', sqlite: orderPaidOnce, postgres: orderPaidOnce },
];
