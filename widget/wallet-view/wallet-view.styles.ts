import { css } from 'lit';

export const walletViewStyles = css`
  .qr-frame {
    justify-self: center;
    padding: 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: #fff;
    width: min(100%, 280px);
  }
  canvas,
  img {
    display: block;
    width: 100%;
    height: auto;
    aspect-ratio: 1;
    image-rendering: pixelated;
  }
  .open {
    min-height: 48px;
  }
  .switch {
    justify-self: center;
  }
  ol {
    padding: 0.25em 0 0 1.25em;
  }
  .waiting {
    display: flex;
    align-items: center;
    gap: 0.5em;
  }
`;
