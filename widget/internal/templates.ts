import { html, nothing, type TemplateResult } from 'lit';
import type { CountdownController } from '../controllers/countdown.js';
import type { CopyController } from '../controllers/copy.js';
import type { Translation } from '../i18n/translation.js';
import { formatDeadline, formatRemaining, groupDigits } from './view-format.js';

/**
 * A code the customer types somewhere else (VA number, bill key, store payment code): grouped in fours for reading,
 * with a copy button that confirms. `part` names the value's part.
 */
export const codeField = (
  t: Translation,
  copier: CopyController,
  key: string,
  label: string,
  value: string,
  part: string,
): TemplateResult => html`
  <div class="field">
    <div class="muted">${label}</div>
    <div class="code-row">
      <span class="code" part=${part}>${groupDigits(value)}</span>
      <button
        type="button"
        part="copy-button"
        class="copy"
        @click=${(e: Event) =>
          copier.copy(key, value, (e.currentTarget as Element).previousElementSibling)}
      >
        ${copier.copied === key ? t.copied : t.copy}<span class="sr-only"> ${label}</span>
      </button>
    </div>
    <span class="sr-only" role="status">${copier.copied === key ? t.copied : nothing}</span>
  </div>
`;

/**
 * Deadline as a local date-time, the ticking remaining time (not a live region), and a polite live region that only
 * changes at the controller's coarse steps.
 */
export const countdownTemplate = (
  t: Translation,
  countdown: CountdownController,
  expiresAt: string,
  locale: string,
): TemplateResult => html`
  <div class="countdown" part="countdown">
    <div class="muted">${t.payBefore} <time datetime=${expiresAt}>${formatDeadline(expiresAt, locale === 'en' ? 'en' : 'id')}</time></div>
    <div class="timer ${countdown.expired ? 'over' : ''}">
      ${countdown.expired
        ? t.status.expired
        : html`<span class="muted">${t.timeLeft}</span> <strong>${formatRemaining(countdown.remaining)}</strong>`}
    </div>
    <div class="sr-only" aria-live="polite">${countdown.expired ? t.status.expired : countdown.step ? t.remaining(countdown.step) : nothing}</div>
  </div>
`;
