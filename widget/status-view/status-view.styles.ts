import { css } from 'lit';

export const statusViewStyles = css`
  .status {
    display: grid;
    justify-items: center;
    text-align: center;
    gap: 0.5em;
    padding: var(--_space) 0;
  }
  .icon {
    width: 56px;
    height: 56px;
    fill: none;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  .good .icon {
    stroke: var(--_success);
  }
  .bad .icon {
    stroke: var(--_danger);
  }
  .amount {
    font-size: 1.25em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .primary {
    margin-top: 0.5em;
  }
  .reason {
    font-weight: 600;
    max-width: 32em;
    margin: 0;
  }
`;
