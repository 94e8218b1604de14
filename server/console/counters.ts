/**
 * Counts the checkout sessions merchants mint (POST /api/sessions answered 201), per Jakarta day, for the console's
 * funnel: sessions → payments created → paid. Sessions are signed tokens the ledger never stores, so this counter is
 * the only trace of them. Counted after the answer, so a failing counter never fails a mint.
 */
import type { RequestHandler } from 'express';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/types.js';

export const jakartaDate = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);

export function countSessions(store: Store, clock: Clock, log: Logger): RequestHandler {
  return (_req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode !== 201) return;
      store.bumpDailyCount(jakartaDate(clock.now()), 'sessions').catch((err) => log.warn({ err: (err as Error).message }, 'session counter not updated'));
    });
    next();
  };
}
