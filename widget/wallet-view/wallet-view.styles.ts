import { css } from 'lit';

export const walletViewStyles = css`
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
