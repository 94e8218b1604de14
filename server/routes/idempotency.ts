/**
 * `Idempotency-Key` for POST endpoints: the same key with the same body replays the first response; the same key
 * with another body is refused (422 idempotency_key_reused); a concurrent request with the key waits for the
 * first one and replays it, so the provider is called once. Failed requests (4xx/5xx) release the key, so
 * they leave nothing behind and can be retried.
 */
import type { RequestHandler, Response } from 'express';
import { AppError, badRequest, unprocessable } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { sha256 } from '../lib/crypto.js';
import { IDEMPOTENCY_TTL_MS } from '../domain/retention.js';
import type { Store } from '../store/types.js';

const LOCK_MS = 60_000;
const WAIT_MS = 20_000;

export function idempotent(store: Store, clock: Clock, scope: string): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (key === undefined) return next();
    try {
      if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1–255 printable ASCII characters.');
      const hash = sha256(`${req.method} ${req.path} ${JSON.stringify(req.body ?? null)}`).toString('hex');
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const now = clock.now();
        const begin = await store.beginIdempotent(
          scope,
          key,
          hash,
          now.toISOString(),
          new Date(now.getTime() + LOCK_MS).toISOString(),
          new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString(),
        );
        if (begin.kind === 'mismatch') {
          throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used with a different request body; use a new key for a new request.');
        }
        if (begin.kind === 'replay') {
          res.setHeader('Idempotent-Replayed', 'true');
          return res.status(begin.status).type('application/json').send(begin.body);
        }
        if (begin.kind === 'new') break;
        if (Date.now() > deadline) throw new AppError(409, 'idempotency_key_in_progress', 'A request with this Idempotency-Key is still running; retry shortly.');
        await new Promise((r) => setTimeout(r, 25));
      }
      capture(res, async (status, body) => {
        if (status >= 200 && status < 300) await store.completeIdempotent(scope, key, status, body);
        else await store.abandonIdempotent(scope, key);
      });
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Calls `done` with the final status and JSON body before the response is sent. */
function capture(res: Response, done: (status: number, body: string) => Promise<void>) {
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    const text = JSON.stringify(body);
    done(res.statusCode, text).then(
      () => json(body),
      () => json(body),
    );
    return res;
  };
}
