/**
 * A provider delivering the same callback many times at once must change the ledger once and tell the widget
 * once. The emulator's real signed callback is held back and then fired 50 times concurrently.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_CREDENTIALS as SANDBOX } from '../../server/config.js';
import { TapClient, api, openSse, startTestServer, type TestServer, merchantHeaders } from '../helpers/server.js';
import type { HttpRequest } from '../../server/lib/http.js';

/** The merchant key opens every payment (these tests read as the merchant's backend would). */
const MK = merchantHeaders(SANDBOX.merchantKey);

describe('duplicate webhooks', () => {
  let s: TestServer;
  const tap = new TapClient();
  before(async () => {
    s = await startTestServer({}, undefined, { http: tap });
  });
  after(() => s.destroy());

  it('50 concurrent copies of one paid callback → one transition, one SSE event', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'DUP-1', amount: 120_000, method: 'va:bca' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.payment.id;

    let held: HttpRequest | undefined;
    tap.intercept = (req) => {
      if (req.url.endsWith('/webhooks/komerce') && !held) {
        held = req;
        return { status: 200, headers: {}, body: '{}' };
      }
      return undefined;
    };
    await api(s.url, 'POST', `/api/sandbox/payments/${id}/pay`);
    tap.intercept = null;
    assert.ok(held, 'the emulator produced a signed callback');
    assert.equal((await api(s.url, 'GET', `/api/payments/${id}`, undefined, MK)).body.payment.status, 'pending', 'held back: nothing applied yet');

    const sse = openSse(`${s.url}/api/payments/${id}/events`, MK);
    await sse.until((m) => m.length === 1);

    const responses = await Promise.all(
      Array.from({ length: 50 }, () => fetch(held!.url, { method: 'POST', headers: held!.headers, body: held!.body })),
    );
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));

    await sse.until((m) => m.some((x) => JSON.parse(x.data).payment.status === 'paid'));
    await sse.drain(s.bus!, id);
    await sse.close();
    const paidEvents = sse.messages.filter((m) => JSON.parse(m.data).payment.status === 'paid');
    assert.equal(paidEvents.length, 1);

    const history = await s.store.history(id);
    assert.deepEqual(history.map((h) => h.status), ['pending', 'paid']);
  });

  it('a flipped byte in the signature → 401 and no change', async () => {
    const created = await api(s.url, 'POST', '/api/payments', { orderId: 'DUP-2', amount: 120_000, method: 'va:bca' });
    const id = created.body.payment.id;
    let held: HttpRequest | undefined;
    tap.intercept = (req) => (req.url.endsWith('/webhooks/komerce') && !held ? ((held = req), { status: 200, headers: {}, body: '{}' }) : undefined);
    await api(s.url, 'POST', `/api/sandbox/payments/${id}/pay`);
    tap.intercept = null;
    const headers = { ...held!.headers };
    const name = Object.keys(headers).find((k) => k.toLowerCase() === 'x-callback-api-key')!;
    const sig = headers[name]!;
    headers[name] = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    const bad = await fetch(held!.url, { method: 'POST', headers, body: held!.body });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).error.code, 'webhook_signature_invalid');
    const tamperedBody = held!.body!.replace('"PAID"', '"PAID" ');
    const bad2 = await fetch(held!.url, { method: 'POST', headers: held!.headers, body: tamperedBody });
    assert.equal(bad2.status, 401);
    assert.equal((await api(s.url, 'GET', `/api/payments/${id}`, undefined, MK)).body.payment.status, 'pending');
    assert.equal((await s.store.history(id)).length, 1);
  });
});
