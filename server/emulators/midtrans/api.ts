/**
 * What every Midtrans Core API route shares: the error envelope `{status_code, status_message, id,
 * validation_messages?}` for a thrown MidtransApiError, on the HTTP status the emulator is set to pair with it.
 * The route files (charge.ts, transactions.ts) are built on it.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { EmulatorOptions } from '../types.js';
import type { Body, MidtransState } from './state.js';
import { MidtransApiError } from './validation.js';
import type { MidtransWebhooks } from './webhooks.js';

/**
 * Which HTTP status goes with an error body is [unconfirmed] (§5.4): 'mirror' answers with the body's status_code
 * as the HTTP status; 'always-200' answers every error on HTTP 200 with only the body telling.
 */
export type ErrorHttpStatus = 'mirror' | 'always-200';

export interface MidtransApi {
  sendError(res: Response, err: MidtransApiError): void;
  /** Runs a route; a MidtransApiError becomes Midtrans's error answer, anything else goes to the error handler. */
  handle(fn: (req: Request, res: Response) => void | Promise<void>): (req: Request, res: Response, next: NextFunction) => Promise<void>;
}

/** What a route file needs from the emulator it is part of. */
export interface MidtransContext {
  opts: EmulatorOptions;
  state: MidtransState;
  webhooks: MidtransWebhooks;
  api: MidtransApi;
}

export function midtransApi(errorHttpStatus: ErrorHttpStatus): MidtransApi {
  function sendError(res: Response, err: MidtransApiError) {
    const body: Body = { status_code: String(err.status), status_message: err.message, id: randomUUID() };
    if (err.validation?.length) body.validation_messages = err.validation;
    res.status(errorHttpStatus === 'always-200' ? 200 : err.status).json(body);
  }
  return {
    sendError,
    handle: (fn) => async (req, res, next) => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof MidtransApiError) return sendError(res, err);
        next(err);
      }
    },
  };
}
