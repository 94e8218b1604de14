import type { NextFunction, Request, Response } from 'express';
import type { FaultMode } from './types.js';

/**
 * Shared fault injection for every emulator's API router. 'reset-after-commit' lets the handler run (so the
 * emulator's state changes) and then destroys the socket instead of sending the answer: the caller cannot know
 * whether its request took effect, which is exactly the case deterministic references must survive.
 */
export class FaultSwitch {
  private mode: FaultMode | null = null;
  private remaining = Infinity;

  set(mode: FaultMode | null, count = Infinity) {
    this.mode = mode;
    this.remaining = mode ? count : Infinity;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
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
        case 'reset-after-commit': {
          const destroy = () => req.socket.destroy();
          res.json = (() => (destroy(), res)) as Response['json'];
          res.send = (() => (destroy(), res)) as Response['send'];
          return next();
        }
      }
    };
  }

  private take(): FaultMode | null {
    if (!this.mode) return null;
    const mode = this.mode;
    if (--this.remaining <= 0) this.set(null);
    return mode;
  }
}
