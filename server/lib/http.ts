/**
 * The outbound HTTP client injected into adapters and emulators. One small interface so tests can inject
 * faults and so every provider call gets a deadline. Node's fetch (undici) keeps connections alive by default.
 */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent exactly as given: signatures are computed over these bytes. */
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export class HttpTimeoutError extends Error {
  constructor(url: string, ms: number) {
    super(`no answer from ${url} within ${ms} ms`);
    this.name = 'HttpTimeoutError';
  }
}

export class HttpNetworkError extends Error {
  constructor(url: string, cause: unknown) {
    super(`request to ${url} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'HttpNetworkError';
  }
}

export function createFetchClient(defaultTimeoutMs = 10_000): HttpClient {
  return {
    async request(req) {
      const ms = req.timeoutMs ?? defaultTimeoutMs;
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), ms);
      try {
        const res = await fetch(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body,
          signal: ctrl.signal,
          redirect: 'manual',
        });
        const body = await res.text();
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => (headers[k] = v));
        return { status: res.status, headers, body };
      } catch (err) {
        if (ctrl.signal.aborted) throw new HttpTimeoutError(req.url, ms);
        throw new HttpNetworkError(req.url, err);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
