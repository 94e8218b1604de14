/**
 * One error tree. Everything the API answers with a non-2xx status is an AppError rendered as
 * `{ "error": { "code", "message", "details"? } }` by the single error middleware in app.ts.
 * Messages are safe to show to a storefront developer and say what to do next.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const unauthorized = (code: string, message: string) => new AppError(401, code, message);
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
export const notFound = (code: string, message: string) => new AppError(404, code, message);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);

/**
 * An input the ledger cannot read (a listing cursor it did not issue). The store speaks no HTTP: the error
 * middleware answers this 400 with its code, as it maps a ProviderError.
 */
export class LedgerInputError extends Error {
  constructor(
    readonly code: 'invalid_cursor',
    message: string,
  ) {
    super(message);
    this.name = 'LedgerInputError';
  }
}

/** Base of every failure coming from a payment provider. Adapters throw only these. */
export abstract class ProviderError extends Error {
  abstract readonly kind: 'rejected' | 'unavailable' | 'timeout' | 'auth' | 'not_supported';
  constructor(
    readonly provider: string,
    message: string,
  ) {
    super(message);
  }
}

/** The provider answered 4xx: our request was wrong for it. Retrying the same request will not help. */
export class ProviderRejectedError extends ProviderError {
  readonly kind = 'rejected' as const;
  constructor(
    provider: string,
    readonly httpStatus: number,
    readonly providerCode: string,
    message: string,
  ) {
    super(provider, message);
  }
}

/** 5xx, connection refused or reset, malformed answer: another provider may serve the payment. */
export class ProviderUnavailableError extends ProviderError {
  readonly kind = 'unavailable' as const;
}

/**
 * The provider asks us to slow down (e.g. Komerce's 1 status request per 3 s per payment). Transient, but not a
 * sign of an unhealthy provider: it never opens the circuit breaker.
 */
export class ProviderRateLimitedError extends ProviderUnavailableError {
  constructor(
    provider: string,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(provider, message);
  }
}

export class ProviderTimeoutError extends ProviderError {
  readonly kind = 'timeout' as const;
}

/** Our credentials were refused: an operator must fix configuration. */
export class ProviderAuthError extends ProviderError {
  readonly kind = 'auth' as const;
}

export class ProviderNotSupportedError extends ProviderError {
  readonly kind = 'not_supported' as const;
}

/** A webhook whose signature, token or freshness does not verify. Answered 401, nothing stored. */
export class WebhookVerificationError extends AppError {
  constructor(code: 'webhook_signature_invalid' | 'webhook_stale' | 'webhook_malformed', message: string) {
    super(code === 'webhook_malformed' ? 400 : 401, code, message);
  }
}

/** Maps a provider failure onto the API's error tree. */
export function providerErrorToAppError(err: ProviderError): AppError {
  switch (err.kind) {
    case 'rejected': {
      const e = err as ProviderRejectedError;
      // The provider refused what this payment asks for (its own validation): the request cannot be served as it is.
      return new AppError(422, 'provider_rejected', `${err.provider} rejected the request: ${err.message}`, {
        provider: err.provider,
        providerCode: e.providerCode,
      });
    }
    case 'timeout':
      return new AppError(504, 'provider_timeout', `${err.provider} did not answer in time; try again.`, { provider: err.provider });
    case 'auth':
      return new AppError(502, 'provider_auth_failed', `${err.provider} refused our credentials; the operator must check them.`, {
        provider: err.provider,
      });
    case 'not_supported':
      return new AppError(422, 'not_supported', err.message, { provider: err.provider });
    default:
      return new AppError(503, 'provider_unavailable', `${err.provider} is unavailable; try again shortly.`, { provider: err.provider });
  }
}
