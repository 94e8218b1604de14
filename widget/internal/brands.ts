import { html, type TemplateResult } from 'lit';

/**
 * Bank, wallet, store and lender marks: text badges coloured by styles/marks.ts. They ship inside the bundle and
 * nothing is ever fetched (no logo URLs from a provider). Unknown channels get a neutral badge with their name.
 */
export const MARKS: Record<string, string> = {
  bca: 'BCA', bni: 'BNI', bri: 'BRI', mandiri: 'mandiri', permata: 'Permata', cimb: 'CIMB', bsi: 'BSI',
  danamon: 'Danamon', bjb: 'bjb', btn: 'BTN', maybank: 'Maybank', qris: 'QRIS', ovo: 'OVO', dana: 'DANA',
  gopay: 'GoPay', shopeepay: 'ShopeePay', linkaja: 'LinkAja', indomaret: 'Indomaret', alfamart: 'Alfamart',
  indodana: 'Indodana', kredivo: 'Kredivo', akulaku: 'Akulaku', card: 'VISA MC',
};

export const brandKey = (channel: string): string => channel.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Decorative: the accessible name always comes from the text beside it. */
export const mark = (channel: string): TemplateResult => {
  const key = brandKey(channel);
  return html`<span class="mark" data-brand=${key} aria-hidden="true">${MARKS[key] ?? channel.slice(0, 8).toUpperCase()}</span>`;
};
