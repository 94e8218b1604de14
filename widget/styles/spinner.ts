import { css } from 'lit';

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
