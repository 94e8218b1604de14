import { css } from 'lit';

export const handoffViewStyles = css`
  ol {
    padding: 0.25em 0 0 1.25em;
  }
  .waiting {
    display: flex;
    align-items: center;
    gap: 0.5em;
  }
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
