/**
 * Error answers carry the customer's text for the codes a customer can meet (server/domain/error-texts.ts), in
 * Bahasa Indonesia and English beside the developer's message; the widget shows it and ships none of these texts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorText } from '../../server/domain/error-texts.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

describe('error.text in error answers', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.destroy());

  it('a forged session on the fast method list: session_invalid with both languages, the developer message apart', async () => {
    const r = await api(s.url, 'GET', '/api/methods', undefined, { 'bayar-session': 'bys_forged.token' });
    assert.equal(r.status, 401, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'session_invalid');
    assert.match(r.body.error.message, /session token/);
    assert.deepEqual(r.body.error.text, {
      id: 'Tautan checkout ini tidak valid. Muat ulang halaman untuk memulai lagi.',
      en: 'This checkout link is not valid. Reload the page to start again.',
    });
  });

  it('a method the amount cannot use, on create: amount_below_minimum in the customer\'s words', async () => {
    const r = await api(s.url, 'POST', '/api/payments', { orderId: 'ORDER-TXT', amount: 1, method: 'va:bca' });
    assert.equal(r.status >= 400 && r.status < 500, true, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'amount_below_minimum');
    assert.deepEqual(r.body.error.text, errorText('amount_below_minimum'));
    assert.match(r.body.error.text.id, /di bawah batas minimal/);
  });

  it('codes only a developer meets carry no text (the widget then says its generic sentence)', async () => {
    const r = await api(s.url, 'POST', '/api/payments', '{not json', {});
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'invalid_json');
    assert.equal(r.body.error.text, undefined);
  });

  it('errorText answers a copy, and nothing for inherited names', () => {
    const t = errorText('rate_limited')!;
    t.id = 'changed';
    assert.equal(errorText('rate_limited')!.id, 'Terlalu banyak percobaan. Tunggu sebentar, lalu coba lagi.');
    assert.equal(errorText('toString'), undefined);
    assert.equal(errorText('internal_error'), undefined);
  });
});
