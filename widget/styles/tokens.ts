import { css } from 'lit';

/**
 * The public theming surface (contract.md §2) with its defaults on :host. Elements read only the private `--_x`
 * copies, so a `--bayar-*` value set by the page anywhere above (:root, a wrapper, the element itself) wins.
 */
export const tokens = css`
  :host {
    --_primary: var(--bayar-color-primary, #1d4ed8);
    --_text: var(--bayar-color-text, #0f172a);
    --_muted: var(--bayar-color-muted, #475569);
    --_bg: var(--bayar-color-background, #ffffff);
    --_border: var(--bayar-color-border, #cbd5e1);
    --_success: var(--bayar-color-success, #15803d);
    --_danger: var(--bayar-color-danger, #b91c1c);
    --_radius: var(--bayar-radius, 12px);
    --_font: var(--bayar-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_space: var(--bayar-space, 16px);
    --_soft: color-mix(in srgb, var(--_primary) 8%, var(--_bg));
    display: block;
    box-sizing: border-box;
    color: var(--_text);
    font-family: var(--_font);
    font-size: 15px;
    line-height: 1.5;
    min-width: 0;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  /* Headings take focus only to move the reading position to a new view; they are not controls. */
  [tabindex='-1']:focus {
    outline: none;
  }
  h2,
  h3,
  p,
  ol,
  dl,
  dd {
    margin: 0;
  }
  h2 {
    font-size: 1.1em;
    font-weight: 650;
  }
  h3 {
    font-size: 1em;
    font-weight: 600;
  }
  .muted {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    min-height: 44px;
    padding: 0.55em 1.1em;
    border-radius: calc(var(--_radius) * 0.75);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_text);
    cursor: pointer;
    text-decoration: none;
  }
  button:hover,
  .button:hover {
    border-color: var(--_primary);
  }
  .primary {
    background: var(--_primary);
    border-color: var(--_primary);
    color: #fff;
    width: 100%;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  /* A faded accent reads as washed-out white on pale blue: a disabled main button goes neutral instead, still legible. */
  .primary:disabled {
    opacity: 1;
    background: var(--_border);
    border-color: var(--_border);
    color: var(--_muted);
  }
  .link {
    border: 0;
    background: none;
    color: var(--_primary);
    padding: 0.25em 0;
    min-height: 0;
  }
`;

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

/** The waiting spinner, one for every view that shows one (sized by the view). */
export const spinner = css`
  .spinner {
    width: 1em;
    height: 1em;
    border-radius: 50%;
    border: 2px solid var(--_border);
    border-top-color: var(--_primary);
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
`;
