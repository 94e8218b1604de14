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
`;
