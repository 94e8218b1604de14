/**
 * server/domain/pay-steps.ts: the how-to-pay steps a pending payment's widget answer carries, in both languages:
 * a VA's channels from the bank's verified guide (or its app alone), a store's till, a wallet's app when there is
 * nothing to open; none for anything the customer finishes by link or on the page, and none once it is not pending.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Payment } from '../../server/api-types.js';
import { paySteps } from '../../server/domain/pay-steps.js';

const payment = (over: Partial<Payment>): Payment => ({
  id: 'pay_1',
  orderId: 'ORDER-1',
  method: 'va:bca',
  family: 'va',
  provider: 'komerce',
  amount: 150_000,
  currency: 'IDR',
  status: 'pending',
  createdAt: '2026-11-30T00:00:00.000Z',
  expiresAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

describe('paySteps', () => {
  it('a BCA VA: mobile, ATM and internet banking with BCA\'s menus, the number in blocks of four, both languages alike', () => {
    const s = paySteps(payment({ va: { bank: 'BCA', number: '8808123456789012' } }))!;
    assert.deepEqual(s.id, [
      ['mobile', 'Buka aplikasi BCA mobile dan masuk.', 'Pilih menu m-BCA › m-Transfer › BCA Virtual Account.', 'Masukkan nomor Virtual Account 8808 1234 5678 9012.', 'Pastikan jumlah tagihan {amount}.', 'Masukkan PIN untuk menyelesaikan pembayaran.'],
      ['atm', 'Masukkan kartu ATM {name} dan PIN Anda.', 'Pilih menu Transaksi Lainnya › Transfer › ke Rek BCA Virtual Account.', 'Masukkan nomor Virtual Account 8808 1234 5678 9012.', 'Pastikan jumlah tagihan {amount}, lalu pilih Benar/Ya.', 'Simpan struk sebagai bukti pembayaran.'],
      ['internet', 'Masuk ke KlikBCA.', 'Pilih menu Transfer Dana › Transfer ke BCA Virtual Account.', 'Masukkan nomor Virtual Account 8808 1234 5678 9012.', 'Pastikan jumlah tagihan {amount}.', 'Konfirmasi dengan token atau kode OTP.'],
    ]);
    assert.deepEqual(s.en.map((l) => l.length), [6, 6, 6]);
    assert.equal(s.en[1]![1], 'Insert your {name} ATM card and enter your PIN.');
    assert.equal(s.en[2]![2], 'Choose Transfer Dana › Transfer ke BCA Virtual Account.');
  });

  it('Mandiri: Midtrans bill payment with its biller code and bill key, Xendit Multi Payment with company code 88608', () => {
    const bill = paySteps(payment({ method: 'va:mandiri', provider: 'midtrans', va: { bank: 'mandiri', number: '511224069085', billerCode: '70012' } }))!;
    assert.deepEqual(bill.id.map((l) => l[0]), ['mobile', 'atm']);
    assert.equal(bill.id[1]![3], 'Masukkan kode perusahaan 70012, lalu kode bayar 511224069085.');
    assert.equal(bill.en[0]![3], 'Enter the biller code 70012, then the bill key 511224069085.');
    const multi = paySteps(payment({ method: 'va:mandiri', provider: 'xendit', va: { bank: 'mandiri', number: '8860812345678' } }))!;
    assert.equal(multi.id[1]![3], 'Masukkan kode perusahaan 88608, lalu nomor Virtual Account 8860 8123 4567 8.');
    // The app is told the VA number alone.
    assert.equal(multi.id[0]![3], 'Masukkan nomor Virtual Account 8860 8123 4567 8.');
  });

  it('a bank without a verified guide for its provider: its mobile banking app, no invented menu path', () => {
    const s = paySteps(payment({ method: 'va:bsi', va: { bank: 'bsi', number: '1234567890' } }))!;
    assert.deepEqual(s.id, [
      ['mobile', 'Buka aplikasi mobile banking {name} Anda dan masuk.', 'Pilih menu untuk membayar ke nomor Virtual Account.', 'Masukkan nomor Virtual Account 1234 5678 90.', 'Pastikan jumlah tagihan {amount}, lalu konfirmasi dengan PIN Anda.'],
    ]);
    assert.ok(!JSON.stringify(s).includes('›'));
  });

  it('a store code: Alfamart names Alfamidi and Dan+Dan too, any other store by name; the code grouped; whom the till bills', () => {
    const alfa = paySteps(payment({ method: 'cstore:alfamart', family: 'cstore', cstore: { store: 'Alfamart', paymentCode: 'BYR1234567890' } }))!;
    assert.deepEqual(alfa.id, [
      ['store', 'Datang ke gerai Alfamart, Alfamidi, atau Dan+Dan terdekat.', 'Sampaikan ke kasir bahwa Anda ingin membayar tagihan {payee}.', 'Tunjukkan kode pembayaran BYR1 2345 6789 0.', 'Pastikan jumlah yang disebut kasir {amount}, lalu bayar. Mungkin dikenakan biaya admin.', 'Simpan struk sebagai bukti pembayaran.'],
    ]);
    assert.equal(alfa.en[0]![1], 'Go to the nearest Alfamart, Alfamidi or Dan+Dan store.');
    const indo = paySteps(payment({ method: 'cstore:indomaret', family: 'cstore', cstore: { store: '', paymentCode: '123' } }))!;
    assert.equal(indo.id[0]![1], 'Datang ke gerai {name} terdekat.');
    assert.equal(indo.en[0]![3], 'Show the payment code 123.');
  });

  it('a wallet: its app\'s steps only when there is nothing to open (OVO), none beside a link', () => {
    const ovo = paySteps(payment({ method: 'ewallet:ovo', family: 'ewallet', provider: 'xendit' }))!;
    assert.deepEqual(ovo.en, [['app', 'Open the {name} app on the phone whose number you gave at checkout.', 'Open the payment request notification (or the {name} inbox).', 'Check the amount, {amount}, then confirm with your {name} PIN.']]);
    // A QR alone still gets them: the view falls back to them if the QR cannot be shown.
    assert.ok(paySteps(payment({ method: 'ewallet:dana', family: 'ewallet', ewallet: { qrString: '000201' } })));
    assert.equal(paySteps(payment({ method: 'ewallet:dana', family: 'ewallet', redirectUrl: 'https://wallet.test/pay' })), undefined);
    assert.equal(paySteps(payment({ method: 'ewallet:gopay', family: 'ewallet', ewallet: { deeplinkUrl: 'gojek://pay' } })), undefined);
  });

  it('none for what is finished by link or on the page, and none once a payment is no longer pending', () => {
    assert.equal(paySteps(payment({ method: 'qris:qris', family: 'qris', qris: { qrString: '000201' } })), undefined);
    assert.equal(paySteps(payment({ method: 'paylater:indodana', family: 'paylater', redirectUrl: 'https://lender.test/a' })), undefined);
    assert.equal(paySteps(payment({ method: 'card:card', family: 'card', redirectUrl: 'https://card.test/a' })), undefined);
    assert.equal(paySteps(payment({ status: 'paid', va: { bank: 'bca', number: '1' } })), undefined);
    assert.equal(paySteps(payment({ method: 'ewallet:ovo', family: 'ewallet', status: 'expired' })), undefined);
  });
});
