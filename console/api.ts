/**
 * The console's calls to its API. Every URL is relative (`api/…`), resolved against the page at `…/console/`, so
 * the console works wherever the companion is mounted. The session lives in an HttpOnly cookie the script never
 * sees; writes carry the CSRF token the session call hands out.
 */
import type { ApiErrorBody } from '../server/api-types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrf = '';
export const setCsrf = (t: string) => (csrf = t);

/** Called when the session has ended (401): the shell shows the sign-in form. */
export let onSignedOut: () => void = () => {};
export const setOnSignedOut = (f: () => void) => (onSignedOut = f);

export async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', 'The companion did not answer.');
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => null)) as (T & ApiErrorBody) | null;
  if (!res.ok) {
    const e = json?.error;
    if (res.status === 401 && e?.code === 'console_signed_out') onSignedOut();
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details);
  }
  return json as T;
}

/** A query string from the set values only. */
export function qs(params: Record<string, string | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
}
