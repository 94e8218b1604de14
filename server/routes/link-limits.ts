/**
 * Rate limits on payments started through payment links, beside the general API limit: per link (a shared link
 * cannot be used to hammer the providers) and per client address across links. Only a session that verifies
 * counts against a link, so nobody can exhaust another link's allowance with forged tokens.
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { verifySession } from '../domain/sessions.js';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';

export function linkPaymentLimits(merchantKey: string, clock: Clock, limits: { perLink: number; perAddress: number }): RequestHandler[] {
  const linkOf = (req: Request): string | null => {
    const session = (req.body as { session?: unknown } | undefined)?.session;
    if (typeof session !== 'string') return null;
    try {
      return verifySession(session, merchantKey, clock.now()).link?.id ?? null;
    } catch {
      return null;
    }
  };
  const common = {
    windowMs: 60_000,
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
    skip: (req: Request) => linkOf(req) === null,
    // As the API's limiter (app.ts): built with the app, which a mounted router builds on its first request; req.ip
    // already applies BAYAR_TRUST_PROXY to X-Forwarded-For.
    validate: { creationStack: false, xForwardedForHeader: false },
  };
  return [
    rateLimit({
      ...common,
      limit: limits.perLink,
      keyGenerator: (req) => `link:${linkOf(req)}`,
      handler: (_req, _res, next) => next(new AppError(429, 'link_rate_limited', 'Too many payments are being started through this link; try again in a minute.')),
    }),
    rateLimit({
      ...common,
      limit: limits.perAddress,
      keyGenerator: (req) => `addr:${ipKeyGenerator(req.ip ?? '')}`,
      handler: (_req, _res, next) => next(new AppError(429, 'rate_limited', 'Too many payments started from your address; try again in a minute.')),
    }),
  ];
}
