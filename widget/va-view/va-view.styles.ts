import { css } from 'lit';

export const vaViewStyles = css`
  .amount {
    margin-top: 0.1em;
  }
`;
