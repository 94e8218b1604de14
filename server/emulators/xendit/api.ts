/**
 * What every Xendit API route shares: the error envelope `{ error_code, message }` for a thrown XenditApiError, and
 * X-IDEMPOTENCY-KEY replay. The route files (virtual-accounts.ts, qr-codes.ts, ewallets.ts) are built on it.
 */
import type { NextFunction, Request, Response } from 'express';
import type { EmulatorOptions } from '../types.js';
import type { XenditState } from './state.js';
import { XenditApiError } from './validation.js';
import type { XenditWebhooks } from './webhooks.js';

/** What a route file needs from the emulator it is part of. */
export interface XenditContext {
  opts: EmulatorOptions;
  state: XenditState;
  webhooks: XenditWebhooks;
}

type Handler = (req: Request, res: Response) => void | Promise<void>;

/** Runs a route; a XenditApiError becomes Xendit's error answer, anything else goes to the router's error handler. */
export const handle =
  (fn: Handler) =>
  async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      await fn(req, res);
    } catch (err) {
      if (err instanceof XenditApiError) {
        res.status(err.status).json({ error_code: err.code, message: err.message });
        return;
      }
      next(err);
    }
  };

export const notFound = (code: string, message: string) => new XenditApiError(404, code, message);

const idemKey = (req: Request) => {
  const key = req.get('x-idempotency-key');
  return key ? `${req.method} ${req.path} ${key}` : null;
};

const rawText = (req: Request) => (Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');

/**
 * X-IDEMPOTENCY-KEY: the same key with the same body replays the first answer; with a different body it is
 * refused [unconfirmed: status and code for a reused key with another payload].
 */
export function replayIfSeen(state: XenditState, req: Request, res: Response): boolean {
  const key = idemKey(req);
  if (!key) return false;
  const seen = state.idempotency.get(key);
  if (!seen) return false;
  if (seen.request !== rawText(req)) {
    throw new XenditApiError(409, 'IDEMPOTENCY_ERROR', 'X-IDEMPOTENCY-KEY was already used with a different request body');
  }
  res.status(seen.status).json(seen.body);
  return true;
}

/** Answers, and remembers a 2xx answer under the request's idempotency key. */
export function reply(state: XenditState, req: Request, res: Response, status: number, body: unknown) {
  const key = idemKey(req);
  if (key && status >= 200 && status < 300) {
    state.idempotency.set(key, { request: rawText(req), status, body: structuredClone(body) });
  }
  res.status(status).json(body);
}
