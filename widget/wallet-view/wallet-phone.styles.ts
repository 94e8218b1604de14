import { css } from 'lit';

export const walletPhoneStyles = css`
  :host {
    display: grid;
    gap: 0.35em;
  }
  label {
    font-weight: 600;
  }
  input {
    font: inherit;
    min-height: 44px;
    padding: 0.5em 0.75em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_bg);
    color: var(--_text);
  }
  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .error {
    color: var(--_danger);
    font-weight: 600;
  }
`;
