import { css } from 'lit';

/** Brand colours of the bundled marks (internal/brands.ts). */
export const marks = css`
  .mark {
    --_m: #475569;
    display: inline-grid;
    place-items: center;
    min-width: 4.2em;
    height: 1.9em;
    padding: 0 0.45em;
    border-radius: 6px;
    background: var(--_m);
    color: #fff;
    font: 700 0.72em/1 var(--_font);
    letter-spacing: 0.02em;
    white-space: nowrap;
    flex: none;
  }
  [data-brand='bca'] { --_m: #0060af; }
  [data-brand='bni'] { --_m: #c2410c; }
  [data-brand='bri'] { --_m: #00529c; }
  [data-brand='mandiri'] { --_m: #003d79; color: #ffc20e; }
  [data-brand='permata'] { --_m: #c8102e; }
  [data-brand='cimb'] { --_m: #7a0019; }
  [data-brand='bsi'] { --_m: #00756d; }
  [data-brand='danamon'] { --_m: #b45309; }
  [data-brand='qris'] { --_m: #111827; }
  [data-brand='ovo'] { --_m: #4c3494; }
  [data-brand='dana'] { --_m: #0b6bc0; }
  [data-brand='gopay'] { --_m: #047857; }
  [data-brand='shopeepay'] { --_m: #d0011b; }
  [data-brand='linkaja'] { --_m: #d71920; }
  [data-brand='indomaret'] { --_m: #0a4aa6; }
  [data-brand='alfamart'] { --_m: #c8102e; }
  [data-brand='indodana'] { --_m: #0b5cad; }
  [data-brand='kredivo'] { --_m: #c2410c; }
  [data-brand='akulaku'] { --_m: #b91c1c; }
`;
