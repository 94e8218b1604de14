/**
 * server/domain/va-guides.ts: which bank guide a VA payment's widget answer carries (per bank AND provider), and
 * none where Bayar has no verified one (the widget then gives generic steps).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { vaGuide } from '../../server/domain/va-guides.js';

describe('vaGuide', () => {
  it('BCA through any provider: m-BCA, the ATM transfer menu and KlikBCA, whatever the case of the bank code', () => {
    for (const provider of ['komerce', 'midtrans', 'xendit', 'doku'] as const) {
      const g = vaGuide('BCA', provider)!;
      assert.deepEqual(g.mobile, ['BCA mobile', 'm-BCA › m-Transfer › BCA Virtual Account']);
      assert.equal(g.atm, 'Transaksi Lainnya › Transfer › ke Rek BCA Virtual Account');
      assert.deepEqual(g.internet, ['KlikBCA', 'Transfer Dana › Transfer ke BCA Virtual Account']);
      assert.equal(g.companyCode, undefined);
    }
  });

  it('Mandiri depends on the provider: Xendit with company code 88608, Midtrans bill payment, others only Livin\'', () => {
    assert.deepEqual(vaGuide('mandiri', 'xendit'), { atm: 'Bayar/Beli › Multi Payment', companyCode: '88608', mobile: ["Livin' by Mandiri", 'Bayar/VA'] });
    assert.deepEqual(vaGuide('MANDIRI', 'midtrans'), { atm: 'Bayar/Beli › Lainnya › Multi Payment', mobile: ["Livin' by Mandiri", 'Bayar/VA'] });
    assert.deepEqual(vaGuide('mandiri', 'komerce'), { mobile: ["Livin' by Mandiri", 'Bayar/VA'] });
  });

  it('BSI and bjb only through Xendit (its guides); none otherwise, nor for a bank without a verified guide', () => {
    assert.deepEqual(vaGuide('bsi', 'xendit')?.mobile, ['BYOND by BSI', 'Bayar & Beli']);
    assert.deepEqual(vaGuide('bjb', 'xendit')?.internet, ['bjb NET']);
    assert.equal(vaGuide('bsi', 'komerce'), undefined);
    assert.equal(vaGuide('bjb', 'midtrans'), undefined);
    assert.equal(vaGuide('danamon', 'komerce'), undefined);
  });

  it('hands out a copy: changing an answer cannot change the next one', () => {
    const g = vaGuide('bni', 'komerce')!;
    g.mobile[0] = 'changed';
    g.atm = 'changed';
    assert.equal(vaGuide('bni', 'komerce')!.mobile[0], 'BNI Mobile Banking');
    assert.equal(vaGuide('bni', 'komerce')!.atm, 'Menu Lainnya › Transfer › Virtual Account Billing');
  });
});
