import { css } from 'lit';

/**
 * The reset and the controls every element shares (headings, text, buttons, links, the focus ring), read from the
 * private `--_x` copies that tokens.ts sets on :host: include it right after `tokens`.
 */
export const controls = css`
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  /* Headings take focus only to move the reading position to a new view; they are not controls. */
  [tabindex='-1']:focus {
    outline: none;
  }
  h2,
  h3,
  p,
  ol,
  dl,
  dd {
    margin: 0;
  }
  h2 {
    font-size: 1.1em;
    font-weight: 650;
  }
  h3 {
    font-size: 1em;
    font-weight: 600;
  }
  .muted {
    color: var(--_muted);
    font-size: 0.9em;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    min-height: 44px;
    padding: 0.55em 1.1em;
    border-radius: calc(var(--_radius) * 0.75);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_text);
    cursor: pointer;
    text-decoration: none;
  }
  button:hover,
  .button:hover {
    border-color: var(--_primary);
  }
  .primary {
    background: var(--_primary);
    border-color: var(--_primary);
    color: #fff;
    width: 100%;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  /* A faded accent reads as washed-out white on pale blue: a disabled main button goes neutral instead, still legible. */
  .primary:disabled {
    opacity: 1;
    background: var(--_border);
    border-color: var(--_border);
    color: var(--_muted);
  }
  .link {
    border: 0;
    background: none;
    color: var(--_primary);
    padding: 0.25em 0;
    min-height: 0;
  }
`;
