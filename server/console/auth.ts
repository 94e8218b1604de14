/**
 * Console sign-in. The merchant key (operator `merchant`) or a BAYAR_CONSOLE_USERS name and password buys an
 * opaque session token in an `HttpOnly; SameSite=Strict` cookie (`Secure` except over plain http to a loopback
 * address in sandbox mode), scoped to the console's own path. Only the token's SHA-256 is stored (the ledger's
 * console_sessions table, shared by every instance), so sign-out and expiry hold everywhere.
 *
 * State-changing calls must come from the console's own origin (`Origin`) and carry the session's CSRF token
 * (`X-CSRF-Token`); SameSite=Strict alone does not cover sibling subdomains or older browsers. Wrong credentials
 * are answered after a delay and limited per client address; the secret travels only in a POST body and is
 * never logged, echoed or stored.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError, forbidden, unauthorized } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { randomId, safeEqual, sha256 } from '../lib/crypto.js';
import type { ConsoleSession, Store } from '../store/types.js';
import { verifyPassword, type ConsoleUser } from './users.js';

export const COOKIE = 'bayar_console';
/** Absolute session lifetime: a working day. */
export const SESSION_MS = 12 * 3600_000;

export interface AuthDeps {
  store: Store;
  clock: Clock;
  merchantKey: string;
  users: ConsoleUser[];
  sandbox: boolean;
  /** The companion's public URL: its origin is accepted beside the request's own. */
  publicUrl: string;
  /** Added to every wrong-credentials answer (default 1 s). */
  failDelayMs?: number;
  /** Wrong sign-ins per client address per 15 minutes before 429 (default 10). */
  failLimit?: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    consoleSession?: ConsoleSession;
  }
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function readCookie(req: Request): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=') || null;
  }
  return null;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

function cookie(req: Request, deps: AuthDeps, value: string, maxAgeS: number): string {
  // Browsers drop a Secure cookie set over plain http; the sandbox on 127.0.0.1 is the one place that is expected.
  const plainLoopback = deps.sandbox && req.protocol === 'http' && LOOPBACK.test(req.get('host') ?? '');
  // Scoped to the console (its page and API), wherever the app is mounted.
  const path = req.baseUrl.replace(/\/api$/, '') || '/';
  return `${COOKIE}=${value}; Path=${path}; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${plainLoopback ? '' : '; Secure'}`;
}

function sameOrigin(req: Request, publicUrl: string): boolean {
  const origin = req.get('origin');
  if (!origin) return false;
  const own = `${req.protocol}://${req.get('host')}`;
  let pub = '';
  try {
    pub = new URL(publicUrl).origin;
  } catch {
    /* an unparseable public URL only leaves the request's own origin */
  }
  return origin === own || origin === pub;
}

const foreignOrigin = () => forbidden('console_origin', 'State-changing console calls must come from the console page itself (Origin check failed).');

/** Spelled out so the published `.d.ts` names express's handler type, not express-rate-limit's (TS2742 otherwise). */
export interface ConsoleAuth {
  /** Counts failed sign-ins per address (successful ones are free). */
  limiter: RequestHandler;
  signIn: RequestHandler;
  requireSession: RequestHandler;
  signOut: RequestHandler;
}

export function consoleAuth(deps: AuthDeps): ConsoleAuth {
  const { store, clock } = deps;
  const failDelayMs = deps.failDelayMs ?? 1000;

  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: deps.failLimit ?? 10,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // As the API's limiter (app.ts): built with the app, which a mounted router builds on its first request; req.ip
    // already applies BAYAR_TRUST_PROXY to X-Forwarded-For.
    validate: { creationStack: false, xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new AppError(429, 'console_sign_in_limited', 'Too many wrong sign-ins from this address; wait 15 minutes and try again.')),
  });

  async function check(name: string | undefined, secret: string): Promise<{ actor: string; role: ConsoleSession['role'] } | null> {
    if (!name) return safeEqual(secret, deps.merchantKey) ? { actor: 'merchant', role: 'operator' } : null;
    const user = deps.users.find((u) => u.name === name);
    // Unknown names cost the same scrypt as known ones, so timing does not tell which names exist.
    const ok = await verifyPassword(secret, user?.hash ?? DUMMY_HASH);
    return user && ok ? { actor: user.name, role: user.role } : null;
  }

  const signIn: RequestHandler = async (req, res, next) => {
    try {
      if (!sameOrigin(req, deps.publicUrl)) throw foreignOrigin();
      const body = (req.body ?? {}) as { name?: unknown; secret?: unknown };
      const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim().slice(0, 64) : undefined;
      const secret = typeof body.secret === 'string' ? body.secret.slice(0, 512) : '';
      if (!secret) throw new AppError(400, 'invalid_request', 'Enter the merchant key, or a name and password.', { field: 'secret' });
      const who = await check(name, secret);
      const at = clock.now();
      if (!who) {
        await store.addAudit({ at: at.toISOString(), actor: name ?? 'merchant', role: 'none', ip: clientIp(req), action: 'sign_in', outcome: 'invalid_credentials' });
        await new Promise((r) => setTimeout(r, failDelayMs));
        throw unauthorized('invalid_credentials', name ? 'That name and password do not match a console user.' : 'That is not the merchant key.');
      }
      const token = randomId('', 32);
      const session: ConsoleSession = {
        tokenHash: sha256(token).toString('hex'),
        actor: who.actor,
        role: who.role,
        csrf: randomId('', 24),
        ip: clientIp(req),
        createdAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + SESSION_MS).toISOString(),
      };
      await store.createConsoleSession(session);
      await store.addAudit({ at: session.createdAt, actor: who.actor, role: who.role, ip: session.ip, action: 'sign_in', outcome: 'ok' });
      res.setHeader('Set-Cookie', cookie(req, deps, token, SESSION_MS / 1000));
      res.setHeader('Cache-Control', 'no-store');
      req.consoleSession = session;
      next();
    } catch (err) {
      next(err);
    }
  };

  /** Every console API call after sign-in: a live session, and for writes the Origin and CSRF checks. */
  const requireSession: RequestHandler = async (req, res, next) => {
    try {
      const token = readCookie(req);
      const session = token && /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await store.getConsoleSession(sha256(token).toString('hex'), clock.now().toISOString()) : null;
      if (!session) throw unauthorized('console_signed_out', 'Sign in to the console first (the session is missing or expired).');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        if (!sameOrigin(req, deps.publicUrl)) throw foreignOrigin();
        if (!safeEqual(req.get('x-csrf-token') ?? '', session.csrf)) throw forbidden('console_csrf', 'The CSRF token is missing or wrong; reload the console.');
      }
      req.consoleSession = session;
      res.setHeader('Cache-Control', 'no-store');
      next();
    } catch (err) {
      next(err);
    }
  };

  const signOut: RequestHandler = async (req, res, next) => {
    try {
      const s = req.consoleSession!;
      await store.deleteConsoleSession(s.tokenHash);
      await store.addAudit({ at: clock.now().toISOString(), actor: s.actor, role: s.role, ip: clientIp(req), action: 'sign_out', outcome: 'ok' });
      res.setHeader('Set-Cookie', cookie(req, deps, '', 0));
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  };

  return { limiter, signIn, requireSession, signOut };
}

export function requireOperator(req: Request, _res: Response, next: NextFunction) {
  if (req.consoleSession?.role !== 'operator') return next(forbidden('console_forbidden', 'Only an operator may do this; your console user is read-only.'));
  next();
}

/** A well-formed hash nobody knows the password of (the password is 32 random bytes, thrown away). */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
