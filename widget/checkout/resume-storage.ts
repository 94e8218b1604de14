/**
 * What the checkout remembers in localStorage, per shop (its companion's base URL): the order's payment, to resume it
 * after a reload, and the last used method. Nothing about the customer is kept.
 */

/** What is kept to resume an order's payment after a reload: its id and the client secret that unlocks it. */
export interface Saved {
  id: string;
  secret: string;
}

export const readSaved = (raw: string | null): Saved | null => {
  const [id, secret] = (raw ?? '').split(' ');
  return id && secret ? { id, secret } : null;
};

/** localStorage may throw (sandboxed frames, disabled storage): resuming is best effort. */
export const storage = {
  get: (key: string) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set: (key: string, value: string) => {
    try {
      localStorage.setItem(key, value);
    } catch {
      // ignore
    }
  },
  remove: (key: string) => {
    try {
      localStorage.removeItem(key);
    } catch {
      // ignore
    }
  },
};

/** Where an order's payment is remembered; null while a session's order is not known yet. */
export const paymentKey = (base: string, identity: string | undefined): string | null => (identity ? `bayar:payment:${base}|${identity}` : null);

/** Where the last used method is remembered: only the method id. */
export const methodKey = (base: string): string => `bayar:method:${base}`;
