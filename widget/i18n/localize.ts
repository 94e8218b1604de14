import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { en } from './en.js';
import { id } from './id.js';
import type { Translation } from './translation.js';

export type Locale = 'id' | 'en';
export type { Translation };

const translations: Record<Locale, Translation> = { id, en };

/** Anything unknown falls back to Bahasa Indonesia, the default (contract.md §2). */
export const translationFor = (locale: string | undefined): Translation =>
  translations[(locale ?? '').toLowerCase().slice(0, 2) as Locale] ?? id;

/**
 * Tiny localize controller: `this.i18n.t` is the translation for the host's current `locale`. Because `locale` is a
 * reactive property, changing the attribute re-renders every text live.
 */
export class LocalizeController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & { locale?: string }) {
    host.addController(this);
  }

  get t(): Translation {
    return translationFor(this.host.locale);
  }

  hostConnected(): void {}
}
