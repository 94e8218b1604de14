import { css } from 'lit';

/** Pieces shared by the payment views: header, code fields, countdown, instructions, status notes. */
export const viewStyles = css`
  .stack {
    display: grid;
    gap: calc(var(--_space) * 0.75);
  }
  .amount {
    font-size: 1.5em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .head {
    display: flex;
    align-items: center;
    gap: 0.6em;
  }
  .field {
    display: grid;
    gap: 0.25em;
  }
  .code-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em 0.75em;
    padding: 0.6em 0.75em;
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_soft);
  }
  .code {
    flex: 1 1 auto;
    min-width: 0;
    font: 700 clamp(1.15em, 5.5vw, 1.45em) / 1.2 ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    letter-spacing: 0.04em;
    overflow-wrap: anywhere;
    user-select: all;
  }
  .copy {
    min-height: 36px;
    padding: 0.3em 0.9em;
  }
  .countdown {
    display: grid;
    gap: 0.15em;
  }
  .timer strong {
    font-variant-numeric: tabular-nums;
    font-size: 1.1em;
  }
  .timer.over,
  .error {
    color: var(--_danger);
    font-weight: 600;
  }
  [part='instructions'] {
    display: grid;
    gap: 0.5em;
  }
  details {
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0 0.85em;
  }
  summary {
    cursor: pointer;
    font-weight: 600;
    padding: 0.65em 0;
  }
  ol {
    padding: 0 0 0.75em 1.25em;
    display: grid;
    gap: 0.3em;
  }
`;

/** The white frame a QR code is drawn in (QRIS, an e-wallet's QR): scanners need the quiet zone light in dark themes. */
export const qrFrame = css`
  .qr-frame {
    justify-self: center;
    padding: 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: #fff;
    width: min(100%, 280px);
  }
  .qr-frame > * {
    display: block;
    width: 100%;
    height: auto;
    aspect-ratio: 1;
    image-rendering: pixelated;
  }
`;
