/**
 * The HTTP plumbing every adapter shares. One outbound call turns transport failures and HTTP answers into the
 * ProviderError kinds that routing and the circuit breaker act on (server/errors.ts):
 *
 * - no answer in time → timeout; refused, reset or any other transport failure → unavailable
 * - 5xx → unavailable; credentials refused (401/403 unless the provider says otherwise) → auth; other 4xx → rejected
 * - any other non-2xx, or a 2xx that is not JSON → unavailable
 *
 * What really differs per provider is passed in: how its error body names a code and a message, and which answers
 * mean "our credentials were refused". Each adapter keeps its own special cases (Doku's 409 replay, Komerce's 429,
 * Midtrans's errors inside HTTP 200, Indodana's `status: "ERROR"`) around these pieces.
 *
 * Inbound, every adapter reads webhook headers and bodies the same way too (headerOf, webhookJson).
 */
import {
  ProviderAuthError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  WebhookVerificationError,
  type ProviderError,
} from '../errors.js';
import { HttpTimeoutError, type HttpRequest } from '../lib/http.js';
import type { ProviderContext } from './types.js';

export type Op = keyof ProviderContext['timeouts'];

export interface ProviderErrorBody {
  /** The provider's own error code, or the adapter's stand-in when the body names none. */
  code: string;
  /** The provider's own words; undefined when the body says nothing. */
  message?: string;
}

export interface ProviderHttpOptions {
  /** Provider id, as ProviderError.provider. */
  id: string;
  /** The provider's name in messages ("Doku"). */
  name: string;
  baseUrl: string;
  ctx: ProviderContext;
  /** Reads an error answer's body; `body` is undefined when the answer was not JSON. */
  errorBody(body: unknown, status: number): ProviderErrorBody;
  /** Whether an error answer means our credentials were refused. Default: 401 and 403. */
  refusesCredentials?(status: number, code: string): boolean;
  /** What the operator should check when credentials are refused, appended to the auth error. */
  credentialsHint?: string;
  /** What a successful answer must be, named when it is not. Default: "a JSON body". */
  answer?: string;
  /** The adapter's error for an answer of the wrong shape (thrown by its mapping), which read() makes unavailable. */
  shapeError?: new (...args: never[]) => Error;
}

export interface ProviderRequest {
  method: HttpRequest['method'];
  /** Appended to the base URL; also names the call in messages. */
  path: string;
  headers: Record<string, string>;
  /** Sent exactly as given (some providers sign these bytes). */
  body?: string;
}

export interface ProviderAnswer {
  status: number;
  headers: Record<string, string>;
  /** The parsed body; undefined when it was not JSON. */
  json: unknown;
  /** "POST /v2/charge", for messages. */
  what: string;
}

export interface ProviderHttp {
  /** One request; only transport failures throw here, every answer is returned. */
  send(op: Op, req: ProviderRequest): Promise<ProviderAnswer>;
  /** The body of a successful answer; throws the ProviderError any other answer stands for. `status` overrides the HTTP one. */
  expectOk(answer: ProviderAnswer, status?: number): unknown;
  /** send() then expectOk(). */
  call(op: Op, req: ProviderRequest): Promise<unknown>;
  /** The ProviderError an error answer stands for, by its status and body. */
  errorFor(status: number, body: unknown, what: string): ProviderError;
  /** An answer that is not what the call must return: the provider cannot be relied on for it. */
  unexpected(what: string, expected?: string): ProviderUnavailableError;
  /** Runs the adapter's reading of an answer, turning its shape errors into unavailable. */
  read<T>(fn: () => T): T;
}

const credentialsStatus = (status: number) => status === 401 || status === 403;

export function providerHttp(o: ProviderHttpOptions): ProviderHttp {
  const base = o.baseUrl.replace(/\/+$/, '');
  const refusesCredentials = o.refusesCredentials ?? credentialsStatus;

  const api: ProviderHttp = {
    async send(op, req) {
      const what = `${req.method} ${req.path}`;
      const timeoutMs = o.ctx.timeouts[op];
      let res;
      try {
        res = await o.ctx.http.request({ method: req.method, url: base + req.path, headers: req.headers, body: req.body, timeoutMs });
      } catch (err) {
        if (err instanceof HttpTimeoutError) throw new ProviderTimeoutError(o.id, `${o.name} did not answer ${what} within ${timeoutMs} ms`);
        throw new ProviderUnavailableError(o.id, `${o.name} could not be reached for ${what}: ${(err as Error)?.message ?? String(err)}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(res.body);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, json, what };
    },

    expectOk(answer, status = answer.status) {
      if (status >= 400) throw api.errorFor(status, answer.json, answer.what);
      if (status < 200 || status >= 300) throw new ProviderUnavailableError(o.id, `${o.name} answered ${answer.what} with an unexpected HTTP ${status}`);
      if (answer.json === undefined) throw api.unexpected(answer.what);
      return answer.json;
    },

    async call(op, req) {
      return api.expectOk(await api.send(op, req));
    },

    errorFor(status, body, what) {
      const { code, message } = o.errorBody(body, status);
      const said = message ?? `HTTP ${status}`;
      // A stand-in code (`503`, `http_503`) only repeats the status.
      const answered = code.replace(/\D/g, '') === String(status) ? String(status) : `${status} ${code}`;
      if (status >= 500) return new ProviderUnavailableError(o.id, `${o.name} answered ${answered} to ${what}: ${said}`);
      if (refusesCredentials(status, code)) {
        return new ProviderAuthError(o.id, `${o.name} refused our credentials (${answered}): ${said}${o.credentialsHint ? `; ${o.credentialsHint}` : ''}`);
      }
      return new ProviderRejectedError(o.id, status, code, said);
    },

    unexpected(what, expected = o.answer ?? 'a JSON body') {
      return new ProviderUnavailableError(o.id, `${o.name} answered ${what} without ${expected}`);
    },

    read(fn) {
      try {
        return fn();
      } catch (err) {
        if (o.shapeError && err instanceof o.shapeError) throw new ProviderUnavailableError(o.id, `${o.name} answered an unexpected shape: ${err.message}`);
        throw err;
      }
    },
  };
  return api;
}

/** A request that asks for JSON and sends `payload`, when there is one, as JSON. */
export function jsonRequest(method: HttpRequest['method'], path: string, headers: Record<string, string>, payload?: unknown): ProviderRequest {
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  return { method, path, headers: { ...headers, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body };
}

/** A webhook header by name, whatever its case (Node lower-cases them; tests and proxies may not). */
export function headerOf(headers: Record<string, string | undefined>, name: string): string | undefined {
  const want = name.toLowerCase();
  if (headers[want] !== undefined) return headers[want];
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && k.toLowerCase() === want) return v;
  return undefined;
}

/** A verified webhook's body as JSON; `what` names it in the error ("Doku notification"). */
export function webhookJson(rawBody: Buffer, what: string): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('webhook_malformed', `${what} body is not JSON`);
  }
}
