import { css } from 'lit';

export const qrisViewStyles = css`
  .qr-frame {
    justify-self: center;
    padding: 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: #fff;
    width: min(100%, 280px);
  }
  canvas {
    display: block;
    width: 100%;
    height: auto;
    aspect-ratio: 1;
    image-rendering: pixelated;
  }
`;
