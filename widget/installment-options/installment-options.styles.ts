import { css } from 'lit';

export const installmentOptionsStyles = css`
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5em;
    min-width: 0;
  }
  legend {
    font-weight: 650;
    padding: 0;
    margin-bottom: 0.5em;
  }
  .option {
    display: flex;
    gap: 0.75em;
    align-items: flex-start;
    padding: 0.65em 0.85em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    cursor: pointer;
  }
  .option:has(:checked) {
    border-color: var(--_primary);
    box-shadow: 0 0 0 1px var(--_primary);
    background: var(--_soft);
  }
  input {
    accent-color: var(--_primary);
    margin: 0.3em 0 0;
    width: 1.1em;
    height: 1.1em;
    flex: none;
  }
  .detail {
    display: block;
  }
`;
