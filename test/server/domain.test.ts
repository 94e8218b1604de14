import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAYMENT_STATUSES, type PaymentStatus } from '../../server/api-types.js';
import { ConfigError, loadConfig, parseRoutes } from '../../server/config.js';
import { canTransition } from '../../server/domain/state-machine.js';
import { providerReference } from '../../server/domain/payment-service.js';
import { safeEqual } from '../../server/lib/crypto.js';

describe('payment state machine', () => {
  const legal: Array<[PaymentStatus, PaymentStatus]> = [
    ['pending', 'paid'],
    ['pending', 'expired'],
    ['pending', 'cancelled'],
    ['pending', 'failed'],
    ['paid', 'refunded'],
  ];
  it('allows exactly the forward moves', () => {
    for (const from of PAYMENT_STATUSES) {
      for (const to of PAYMENT_STATUSES) {
        const expected = legal.some(([f, t]) => f === from && t === to);
        assert.equal(canTransition(from, to), expected, `${from} → ${to}`);
      }
    }
  });
  it('never returns to pending', () => {
    for (const from of PAYMENT_STATUSES) assert.equal(canTransition(from, 'pending'), false);
  });
});

describe('config', () => {
  it('defaults to sandbox with all five providers on their emulators', () => {
    const c = loadConfig({});
    assert.equal(c.mode, 'sandbox');
    assert.equal(c.port, 8787);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.allowUnsigned, true);
    assert.deepEqual(Object.keys(c.providers).sort(), ['doku', 'indodana', 'komerce', 'midtrans', 'xendit']);
  });

  it('live mode fails fast, listing every missing or bad variable at once', () => {
    assert.throws(
      () => loadConfig({ BAYAR_MODE: 'live' }),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.includes('BAYAR_MERCHANT_KEY')) && err.problems.some((p) => p.includes('at least one provider')),
    );
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', BAYAR_NOTIFY_URL: 'ftp://x' }),
      (err: unknown) => err instanceof ConfigError && err.problems.length === 3,
    );
    assert.throws(
      () => loadConfig({ BAYAR_MODE: 'live', BAYAR_MERCHANT_KEY: 'k'.repeat(32), KOMERCE_API_KEY: 'live-key' }),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.includes('KOMERCE_CALLBACK_KEY')),
    );
  });

  it('live mode with one provider: only it is enabled, pointed at its documented sandbox host by default', () => {
    const c = loadConfig({ BAYAR_MODE: 'live', BAYAR_MERCHANT_KEY: 'k'.repeat(32), MIDTRANS_SERVER_KEY: 'SB-Mid-server-x', BAYAR_PUBLIC_URL: 'https://shop.example', BAYAR_METRICS_PORT: '9464' });
    assert.deepEqual(Object.keys(c.providers).filter((k) => c.providers[k as 'midtrans']), ['midtrans']);
    assert.equal(c.providers.midtrans!.baseUrl, 'https://api.sandbox.midtrans.com');
    assert.equal(c.allowUnsigned, false);
    assert.deepEqual(c.routes.va, ['midtrans']);
  });

  it('parses BAYAR_ROUTES and names unknown families and providers', () => {
    const problems: string[] = [];
    const r = parseRoutes('va=komerce,xendit;qris=xendit;crypto=x;ewallet=paypal', problems);
    assert.deepEqual(r.va, ['komerce', 'xendit']);
    assert.deepEqual(r.qris, ['xendit']);
    assert.equal(problems.length, 2);
  });
});

describe('provider references', () => {
  it('are deterministic per payment and attempt, and fit every provider (≤32, [A-Za-z0-9-])', () => {
    const a = providerReference('pay_abc', 1);
    assert.equal(a, providerReference('pay_abc', 1));
    assert.notEqual(a, providerReference('pay_abc', 2));
    assert.notEqual(a, providerReference('pay_abd', 1));
    for (const r of [a, providerReference('pay_abc', 9)]) assert.match(r, /^[A-Za-z0-9-]{1,32}$/);
  });
});

describe('safeEqual', () => {
  it('compares exactly', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', ''), true);
  });
});
