import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { id } from './id.js';
import type { Translation, ViewTranslation } from './translation.js';

export type Locale = 'id' | 'en';
export type { Translation };

/**
 * Bahasa Indonesia's first-load half ships in bayar.mjs and its view texts arrive with the views' chunk
 * (addViewTexts); English is its own small chunk, fetched the first time it is asked for. Until the views' chunk has
 * run, `id` lacks the view texts, but so does the page lack every element that reads them (the same chunk defines
 * them), hence the cast.
 */
const loaded: Partial<Record<Locale, Translation>> = { id: id as Translation };
const loaders: Record<Locale, () => Promise<Translation>> = {
  id: async () => loaded.id!,
  en: async () => (await import('./en.js')).en,
};
const loading = new Map<Locale, Promise<void>>();
const hosts = new Set<ReactiveControllerHost>();

/** Anything unknown falls back to Bahasa Indonesia, the default (contract.md §2). */
export const toLocale = (locale: string | undefined): Locale => ((locale ?? '').toLowerCase().slice(0, 2) === 'en' ? 'en' : 'id');

/** Called by the views' chunk as it loads: completes Bahasa Indonesia with the views' texts. */
export const addViewTexts = (texts: ViewTranslation): void => {
  loaded.id = { ...loaded.id!, ...texts };
  hosts.forEach((host) => host.requestUpdate());
};

/** Resolves once `locale`'s texts are available; every connected element then re-renders with them. */
export const ensureLocale = (locale: string | undefined): Promise<void> => {
  const key = toLocale(locale);
  if (loaded[key]) return Promise.resolve();
  let promise = loading.get(key);
  if (!promise) {
    promise = loaders[key]().then(
      (translation) => {
        loaded[key] = translation;
        hosts.forEach((host) => host.requestUpdate());
      },
      () => {
        loading.delete(key); // stay on the default; a later switch retries
      },
    );
    loading.set(key, promise);
  }
  return promise;
};

/** The texts for `locale` if loaded (starting the load otherwise), else the default's. */
export const translationFor = (locale: string | undefined): Translation => {
  const key = toLocale(locale);
  if (!loaded[key]) void ensureLocale(key);
  return loaded[key] ?? loaded.id!;
};

/**
 * Tiny localize controller: `this.i18n.t` is the translation for the host's current `locale`. `locale` is a reactive
 * property, so changing the attribute re-renders every text live (after a first fetch of that language's chunk).
 */
export class LocalizeController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & { locale?: string }) {
    host.addController(this);
  }

  get t(): Translation {
    return translationFor(this.host.locale);
  }

  hostConnected(): void {
    hosts.add(this.host);
  }

  hostDisconnected(): void {
    hosts.delete(this.host);
  }
}
