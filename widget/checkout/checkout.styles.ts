import { css } from 'lit';

export const checkoutStyles = css`
  :host {
    max-width: 480px;
  }
  .card {
    position: relative;
    display: grid;
    gap: var(--_space);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    box-shadow: 0 1px 2px rgb(15 23 42 / 0.05), 0 8px 24px -12px rgb(15 23 42 / 0.18);
  }
  @media (min-width: 480px) {
    .card {
      padding: calc(var(--_space) * 1.5);
    }
  }
  .pay {
    min-height: 48px;
    font-size: 1.05em;
  }
  .actions {
    display: grid;
    justify-items: center;
    gap: 0.5em;
    text-align: center;
  }
  .check {
    width: 100%;
  }
  .actions p:empty {
    display: none;
  }
  .alert {
    display: grid;
    gap: 0.35em;
    justify-items: start;
    padding: 0.75em 0.9em;
    border-radius: calc(var(--_radius) * 0.75);
    border: 1px solid var(--_danger);
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 6%, var(--_bg));
  }
  .alert p {
    color: var(--_text);
  }
  .loading {
    display: flex;
    align-items: center;
    gap: 0.5em;
    min-height: 120px;
    justify-content: center;
  }
  .spinner {
    width: 1.1em;
    height: 1.1em;
  }
`;
