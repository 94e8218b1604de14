import type { NextFunction, Request, Response } from 'express';
import { pause, systemClock, type Clock } from '../lib/clock.js';
import type { FaultMode, FaultScope } from './types.js';

/**
 * Shared fault injection for every emulator's API router. 'reset-after-commit' lets the handler run (so the
 * emulator's state changes) and then destroys the socket instead of sending the answer: the caller cannot know
 * whether its request took effect, which is exactly the case deterministic references must survive. 'slow'
 * answers normally after `delayMs` of the emulator's clock (a test's manual clock is moved on, not waited for).
 *
 * A fault scoped to a channel (`{ channel: 'bca' }`) hits only creates for that channel, as when one bank's VA
 * link at a provider is down while the provider's other channels work. Each emulator says how its own wire
 * names the channel (`channelOf`); to read it the body is buffered here, before the router's own body parser,
 * which then sees a finished request and leaves `req.body` as it is.
 */
export class FaultSwitch {
  private mode: FaultMode | null = null;
  private remaining = Infinity;
  private scope: FaultScope = {};

  constructor(
    private readonly o: {
      clock?: Clock;
      /** The Bayar channel id (`bca`, `qris`, `ovo`…) a create request is for, from this provider's wire. */
      channelOf?: (req: Request, body: Record<string, unknown>) => string | undefined;
    } = {},
  ) {}

  set(mode: FaultMode | null, count = Infinity, scope: FaultScope = {}) {
    this.mode = mode;
    this.remaining = mode ? count : Infinity;
    this.scope = mode ? scope : {};
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction) => {
      if (this.mode && this.scope.channel !== undefined && !(await this.matchesChannel(req))) return next();
      const scope = this.scope;
      const mode = this.take();
      if (!mode) return next();
      switch (mode) {
        case 'error500':
          return res.status(500).json({ error: 'emulated internal error' });
        case 'error503':
          return res.status(503).json({ error: 'emulated service unavailable' });
        case 'hang':
          // Never answer; the socket is released when the client gives up.
          req.socket.setTimeout(0);
          return;
        case 'malformed-json':
          return res.status(200).type('application/json').send('{"truncated": ');
        case 'slow':
          await pause(this.o.clock ?? systemClock, scope.delayMs ?? 1_000);
          return next();
        case 'reset-after-commit': {
          const destroy = () => req.socket.destroy();
          res.json = (() => (destroy(), res)) as Response['json'];
          res.send = (() => (destroy(), res)) as Response['send'];
          return next();
        }
      }
    };
  }

  private async matchesChannel(req: Request): Promise<boolean> {
    if (!this.o.channelOf || req.method !== 'POST') return false;
    if (!Buffer.isBuffer(req.body)) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      req.body = Buffer.concat(chunks);
    }
    let body: unknown;
    try {
      body = JSON.parse((req.body as Buffer).toString('utf8'));
    } catch {
      return false;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
    return this.o.channelOf(req, body as Record<string, unknown>)?.toLowerCase() === this.scope.channel!.toLowerCase();
  }

  private take(): FaultMode | null {
    if (!this.mode) return null;
    const mode = this.mode;
    if (--this.remaining <= 0) this.set(null);
    return mode;
  }
}
