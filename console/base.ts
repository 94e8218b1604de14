/** Base of every console page: renders into the shell's shadow root (one stylesheet), gets texts, session and route. */
import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { ConsoleMe } from '../server/console/api-types.js';
import { TEXTS, type Lang, type Texts } from './i18n.js';

export class ConsolePage extends LitElement {
  @property({ attribute: false }) locale: Lang = 'id';
  @property({ attribute: false }) me!: ConsoleMe;
  /** Path segments after the page name and the hash's query. */
  @property({ attribute: false }) route: { parts: string[]; params: URLSearchParams } = { parts: [], params: new URLSearchParams() };

  get t(): Texts {
    return TEXTS[this.locale];
  }

  protected override createRenderRoot() {
    return this;
  }

  /** Moves to another console location (hash routing: works under any mount path, needs no server fallback). */
  go(hash: string) {
    location.hash = hash;
  }
}
