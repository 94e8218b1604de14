/**
 * server/lib/qris.ts against the vectors in providers.md §6.2 (V-QRIS-1..3, CRC check value) and its own
 * builder: every payload Bayar draws must parse, carry the right amount, and fail loudly when corrupt.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildDynamicQris, crc16ccitt, parseQris, parseTlv, QrisFormatError, qrisDrawable, type BuildQrisInput } from '../../server/lib/qris.js';

/** Winpay's published "QRIS MPM Generate" sample, dynamic, 50 000 IDR. */
const V_QRIS_1 =
  '00020101021226760024ID.CO.SPEEDCASH.MERCHANT01189360081530001108500215ID10210000000190303UME51440014ID.CO.QRIS.WWW0215ID20211101828880303UME5204581453033605405500005802ID5911TOKO WINPAY6013JAKARTA BARAT61051111062360105398700509D100836320710TERM GIGIH6304D1EE';
/** V-QRIS-1 made static: 01 = 11, no tag 54. */
const V_QRIS_2 =
  '00020101021126760024ID.CO.SPEEDCASH.MERCHANT01189360081530001108500215ID10210000000190303UME51440014ID.CO.QRIS.WWW0215ID20211101828880303UME5204581453033605802ID5911TOKO WINPAY6013JAKARTA BARAT61051111062360105398700509D100836320710TERM GIGIH63047719';
/** V-QRIS-2 made dynamic again with 10 000 IDR. */
const V_QRIS_3 =
  '00020101021226760024ID.CO.SPEEDCASH.MERCHANT01189360081530001108500215ID10210000000190303UME51440014ID.CO.QRIS.WWW0215ID20211101828880303UME5204581453033605405100005802ID5911TOKO WINPAY6013JAKARTA BARAT61051111062360105398700509D100836320710TERM GIGIH6304350B';

const field = (payload: string, id: string) => parseQris(payload).fields.find((f) => f.id === id)?.value;

/** Refused by parseQris (with `message`) and, whatever the amount, by the widget's qrisDrawable. */
const rejected = (payload: string, message?: RegExp) => {
  assert.throws(() => parseQris(payload), (err: unknown) => err instanceof QrisFormatError && (!message || message.test(err.message)));
  for (const amount of [50_000, 10_000, 1]) assert.equal(qrisDrawable(payload, amount), false, `qrisDrawable(${JSON.stringify(payload)}, ${amount})`);
};

/** Replaces the character at i with a different printable ASCII character. */
const withCharChanged = (s: string, i: number, to?: string) => {
  const c = to ?? (s[i] === 'A' ? 'B' : 'A');
  assert.notEqual(c, s[i]);
  return s.slice(0, i) + c + s.slice(i + 1);
};

describe('CRC-16/CCITT-FALSE', () => {
  it('gives the standard check value 29B1 for "123456789"', () => {
    assert.equal(crc16ccitt('123456789'), '29B1');
  });

  it('gives 4 upper-case hex digits, zero-padded', () => {
    assert.equal(crc16ccitt(''), 'FFFF');
    for (const s of ['a', 'QRIS', '000201', V_QRIS_1]) assert.match(crc16ccitt(s), /^[0-9A-F]{4}$/);
  });

  it('covers everything up to and including "6304" (V-QRIS-1..3)', () => {
    assert.equal(crc16ccitt(V_QRIS_1.slice(0, -4)), 'D1EE');
    assert.equal(crc16ccitt(V_QRIS_2.slice(0, -4)), '7719');
    assert.equal(crc16ccitt(V_QRIS_3.slice(0, -4)), '350B');
  });
});

describe('parseQris on the published vectors', () => {
  it('V-QRIS-1: dynamic, 50 000 IDR, every documented field', () => {
    const q = parseQris(V_QRIS_1);
    assert.equal(q.dynamic, true);
    assert.equal(q.amount, 50_000);
    assert.equal(q.merchantName, 'TOKO WINPAY');
    assert.equal(q.merchantCity, 'JAKARTA BARAT');
    assert.equal(q.crc, 'D1EE');
    assert.equal(field(V_QRIS_1, '00'), '01');
    assert.equal(field(V_QRIS_1, '01'), '12');
    assert.equal(field(V_QRIS_1, '52'), '5814');
    assert.equal(field(V_QRIS_1, '53'), '360');
    assert.equal(field(V_QRIS_1, '54'), '50000');
    assert.equal(field(V_QRIS_1, '58'), 'ID');
    assert.equal(field(V_QRIS_1, '61'), '11110');
    assert.equal(field(V_QRIS_1, '62'), '0105398700509D100836320710TERM GIGIH');
    assert.deepEqual(q.fields.map((f) => f.id), ['00', '01', '26', '51', '52', '53', '54', '58', '59', '60', '61', '62', '63']);
  });

  it('V-QRIS-1: nested templates parse too (tag 51 national id, tag 62 terminal label)', () => {
    const t51 = parseTlv(field(V_QRIS_1, '51')!);
    assert.deepEqual(t51, [
      { id: '00', value: 'ID.CO.QRIS.WWW' },
      { id: '02', value: 'ID2021110182888' },
      { id: '03', value: 'UME' },
    ]);
    assert.equal(parseTlv(field(V_QRIS_1, '62')!).find((f) => f.id === '07')?.value, 'TERM GIGIH');
  });

  it('V-QRIS-2: static, no amount', () => {
    const q = parseQris(V_QRIS_2);
    assert.equal(q.dynamic, false);
    assert.equal(q.amount, null);
    assert.equal(q.crc, '7719');
  });

  it('V-QRIS-3: dynamic, 10 000 IDR', () => {
    const q = parseQris(V_QRIS_3);
    assert.equal(q.dynamic, true);
    assert.equal(q.amount, 10_000);
    assert.equal(q.crc, '350B');
  });

  it('the documented static → dynamic conversion of V-QRIS-2 gives exactly V-QRIS-3', () => {
    const body = V_QRIS_2.slice(0, -8).replace('010211', '010212').replace('5802ID', '540510000' + '5802ID') + '6304';
    assert.equal(body + crc16ccitt(body), V_QRIS_3);
  });
});

describe("qrisDrawable (the widget's check before drawing)", () => {
  it('draws the vectors for their own amount only; a static QR for any amount', () => {
    assert.equal(qrisDrawable(V_QRIS_1, 50_000), true);
    assert.equal(qrisDrawable(V_QRIS_1, 50_001), false);
    assert.equal(qrisDrawable(V_QRIS_3, 10_000), true);
    assert.equal(qrisDrawable(V_QRIS_3, 50_000), false);
    assert.equal(qrisDrawable(V_QRIS_2, 10_000), true);
    assert.equal(qrisDrawable(V_QRIS_2, 1), true);
  });

  it('accepts a lower-case CRC, as parseQris does', () => {
    assert.equal(qrisDrawable(V_QRIS_1.slice(0, -4) + 'd1ee', 50_000), true);
    assert.equal(parseQris(V_QRIS_1.slice(0, -4) + 'd1ee').amount, 50_000);
  });

  it('refuses an amount that is not a number of rupiah, as parseQris does', () => {
    const body = V_QRIS_2.slice(0, -8).replace('5802ID', '54041e455802ID') + '6304';
    rejected(body + crc16ccitt(body), /tag 54/);
  });
});

describe('parseQris refuses corrupt payloads', () => {
  it('one character changed in the merchant name → CRC mismatch', () => {
    const i = V_QRIS_1.indexOf('WINPAY') + 5;
    rejected(withCharChanged(V_QRIS_1, i, 'X'), /CRC mismatch/);
  });

  it('one digit changed in the amount → CRC mismatch', () => {
    const i = V_QRIS_1.indexOf('540550000') + 4;
    rejected(withCharChanged(V_QRIS_1, i, '9'), /CRC mismatch/);
  });

  it('one digit changed in the CRC itself', () => {
    rejected(withCharChanged(V_QRIS_1, V_QRIS_1.length - 1, 'F'), /CRC mismatch/);
  });

  it('every single-character change anywhere before the CRC is caught', () => {
    for (let i = 0; i < V_QRIS_1.length - 4; i++) rejected(withCharChanged(V_QRIS_1, i));
  });

  it('truncated, without CRC, not starting with 000201, non-ASCII, or not in rupiah', () => {
    rejected(V_QRIS_1.slice(0, -2));
    rejected(V_QRIS_1.slice(0, -8), /tag 63/);
    const noIndicator = V_QRIS_1.slice(6, -4);
    rejected(noIndicator + crc16ccitt(noIndicator), /000201/);
    const nonAscii = V_QRIS_1.replace('TOKO WINPAY', 'TOKO WINPAÝ').slice(0, -4);
    rejected(nonAscii + crc16ccitt(nonAscii), /ASCII/);
    const usd = V_QRIS_1.replace('5303360', '5303840').slice(0, -4);
    rejected(usd + crc16ccitt(usd), /360/);
    rejected('');
  });
});

describe('buildDynamicQris', () => {
  const base: BuildQrisInput = {
    merchantName: 'KOMERCE SANDBOX',
    merchantCity: 'JAKARTA',
    amount: 150_000,
    acquirerDomain: 'ID.CO.KOMERCE.WWW',
    merchantPan: '9360001234567890123',
    nmid: 'ID1026000000001',
    reference: 'KOMPAY-1767225600-A1B2C3',
  };

  it('round-trips: dynamic, the amount in tag 54, a valid CRC, the reference in tag 62', () => {
    const payload = buildDynamicQris(base);
    const q = parseQris(payload);
    assert.equal(q.dynamic, true);
    assert.equal(q.amount, 150_000);
    assert.equal(field(payload, '54'), '150000');
    assert.equal(q.crc, crc16ccitt(payload.slice(0, -4)));
    assert.ok(payload.endsWith(`6304${q.crc}`));
    assert.equal(q.merchantName, 'KOMERCE SANDBOX');
    assert.equal(q.merchantCity, 'JAKARTA');
    assert.equal(parseTlv(field(payload, '62')!).find((f) => f.id === '05')?.value, base.reference);
    assert.equal(parseTlv(field(payload, '51')!).find((f) => f.id === '02')?.value, base.nmid);
  });

  it('cuts the merchant name to 25 and the city to 15 characters', () => {
    const q = parseQris(buildDynamicQris({ ...base, merchantName: 'A VERY LONG MERCHANT NAME INDEED', merchantCity: 'KOTA JAKARTA SELATAN' }));
    assert.equal(q.merchantName, 'A VERY LONG MERCHANT NAME');
    assert.equal(q.merchantCity, 'KOTA JAKARTA SE');
  });

  it('refuses amounts that are not positive integers of rupiah', () => {
    for (const amount of [0, -1, 10_000.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      assert.throws(() => buildDynamicQris({ ...base, amount }), QrisFormatError, String(amount));
    }
  });

  it('property: any amount and reference round-trip, and any changed character is refused', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999_999 }),
        fc.stringMatching(/^[A-Za-z0-9-]{1,25}$/),
        fc.nat(),
        (amount, reference, pos) => {
          const payload = buildDynamicQris({ ...base, amount, reference });
          const q = parseQris(payload);
          assert.equal(q.amount, amount);
          assert.equal(qrisDrawable(payload, amount), true);
          assert.equal(qrisDrawable(payload, amount + 1), false);
          assert.equal(parseTlv(field(payload, '62')!).find((f) => f.id === '05')?.value, reference);
          const i = pos % (payload.length - 4);
          rejected(withCharChanged(payload, i));
        },
      ),
      { numRuns: 300 },
    );
  });
});
