/**
 * The merchant API (`Authorization: Bearer $BAYAR_MERCHANT_KEY`): called by the merchant's backend, never the page.
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { CreateSessionResponse } from '../api-types.js';
import { unauthorized } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { safeEqual } from '../lib/crypto.js';
import { signSession } from '../domain/sessions.js';
import { createSessionBody } from './schemas.js';
import { parse } from './validate.js';

export function requireMerchant(merchantKey: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (!m || !safeEqual(m[1]!, merchantKey)) {
      return next(unauthorized('unauthorized', 'Send Authorization: Bearer <BAYAR_MERCHANT_KEY>; this endpoint is for your backend only.'));
    }
    next();
  };
}

export function merchantRoutes(merchantKey: string, clock: Clock, idem: RequestHandler): Router {
  const r = Router();
  r.post('/api/sessions', requireMerchant(merchantKey), idem, (req, res) => {
    const body = parse(createSessionBody, req.body);
    const exp = Math.floor(clock.now().getTime() / 1000) + (body.expiresIn ?? 3600);
    const session = signSession(
      { orderId: body.orderId, amount: body.amount, items: body.items, customer: body.customer, methods: body.methods, exp },
      merchantKey,
    );
    const out: CreateSessionResponse = { session, expiresAt: new Date(exp * 1000).toISOString() };
    res.status(201).json(out);
  });
  return r;
}
