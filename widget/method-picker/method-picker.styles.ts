import { css } from 'lit';

export const methodPickerStyles = css`
  h2 {
    margin-bottom: calc(var(--_space) * 0.75);
  }
  /* minmax(0, 1fr): a long label or brand mark wraps instead of pushing the list out of a narrow card. */
  .groups {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: calc(var(--_space) * 0.9);
  }
  .group {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.5em;
  }
  .family {
    color: var(--_muted);
    font-size: 0.78em;
    font-weight: 650;
    letter-spacing: 0.06em;
    text-transform: uppercase;
  }
  .method {
    display: flex;
    align-items: center;
    gap: 0.75em;
    min-height: 52px;
    padding: 0.55em 0.85em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_bg);
    cursor: pointer;
    transition: border-color 0.15s, box-shadow 0.15s;
  }
  .method:hover {
    border-color: var(--_primary);
  }
  .method[aria-checked='true'] {
    border-color: var(--_primary);
    box-shadow: 0 0 0 1px var(--_primary);
    background: var(--_soft);
  }
  /* Greyed, not faded: the reason must stay legible (contrast) while the method plainly cannot be chosen. */
  [aria-disabled='true'] {
    cursor: not-allowed;
    background: none;
    border-style: dashed;
    color: var(--_muted);
  }
  [aria-disabled='true'] .mark {
    filter: grayscale(1);
  }
  .why {
    display: block;
    font-size: 0.85em;
    font-weight: 400;
  }
  .label {
    flex: 1;
    min-width: 0;
    font-weight: 550;
    overflow-wrap: anywhere;
  }
  .check {
    width: 1.15em;
    height: 1.15em;
    border-radius: 50%;
    border: 2px solid var(--_border);
    flex: none;
  }
  [aria-checked='true'] .check {
    border: 0.34em solid var(--_primary);
  }
  @media (prefers-reduced-motion: reduce) {
    .method {
      transition: none;
    }
  }
`;
