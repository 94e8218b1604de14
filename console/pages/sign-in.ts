/**
 * Sign-in form. The key or password goes only into the POST body of `api/session`: never into the URL, storage
 * or the page after the answer (the field is cleared either way).
 *
 * @fires signed-in - with the session (`ConsoleMe`) once the cookie is set
 */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ConsoleMe } from '../../server/console/api-types.js';
import { ApiError, call } from '../api.js';
import { ConsolePage } from '../base.js';

@customElement('bayar-console-sign-in')
export class SignIn extends ConsolePage {
  @state() private error = '';
  @state() private busy = false;

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const secretInput = form.elements.namedItem('secret') as HTMLInputElement;
    this.busy = true;
    this.error = '';
    try {
      const me = await call<ConsoleMe>('POST', 'session', { name: String(data.get('name') ?? ''), secret: String(data.get('secret') ?? '') });
      this.dispatchEvent(new CustomEvent('signed-in', { detail: me, bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof ApiError && err.status === 429 ? this.t.signIn.limited : err instanceof ApiError && err.status === 401 ? this.t.signIn.wrong : (err as Error).message;
      secretInput.focus();
    } finally {
      secretInput.value = '';
      this.busy = false;
    }
  }

  override render() {
    const t = this.t.signIn;
    return html`<section class="panel signin">
      <h1 tabindex="-1">${t.heading}</h1>
      <p class="hint">${t.intro}</p>
      <form @submit=${this.submit} novalidate>
        <div class="field"><label for="name">${t.name}</label><input id="name" name="name" autocomplete="username" autocapitalize="none" spellcheck="false" /></div>
        <div class="field">
          <label for="secret">${t.secret}</label>
          <input id="secret" name="secret" type="password" autocomplete="current-password" required aria-describedby=${this.error ? 'signin-error' : nothing} aria-invalid=${this.error ? 'true' : 'false'} />
        </div>
        <p id="signin-error" class="error" role="alert">${this.error}</p>
        <button class="primary" type="submit" ?disabled=${this.busy}>${t.submit}</button>
      </form>
    </section>`;
  }
}
