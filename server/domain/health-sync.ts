/**
 * Channel health shared between instances on one PostgreSQL ledger. Each instance keeps its own sliding windows;
 * when one of them degrades a channel (or brings it back after a probe) it writes the transition to the ledger,
 * and every instance reads the ledger's rows every `intervalMs` and adopts transitions newer than what it
 * knows. So a channel degraded by failures seen on instance A is skipped by instance B within about one interval.
 *
 * A read that fails is retried on the next tick: each instance then routes on its own evidence meanwhile.
 */
import { randomId } from '../lib/crypto.js';
import type { Logger } from '../lib/logger.js';
import type { HealthBoard, HealthTransition } from './health.js';

export interface SharedTransition extends HealthTransition {
  /** The instance that decided it. */
  instance: string;
}

/** Where transitions are shared (the ledger's channel_health table). */
export interface HealthShare {
  /** Upserts the channel's row unless the row already holds a later transition. */
  publish(t: SharedTransition): Promise<void>;
  /** The latest transition of every channel. */
  all(): Promise<SharedTransition[]>;
}

export class HealthSync {
  readonly instance = randomId('h', 10);
  private board: HealthBoard | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly share: HealthShare,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  attach(board: HealthBoard) {
    this.board = board;
  }

  /** A local transition: written to the ledger in the background (routing never waits for it). */
  push(t: HealthTransition) {
    this.share.publish({ ...t, instance: this.instance }).catch((err: Error) => this.log.warn({ err: err.message, provider: t.provider, method: t.method }, 'channel health: could not share a transition'));
  }

  /** Reads the ledger once and adopts what other instances decided. */
  pull(): Promise<void> {
    return (this.reading ??= (async () => {
      try {
        for (const t of await this.share.all()) {
          if (t.instance !== this.instance && this.board?.adopt(t)) this.log.info({ provider: t.provider, method: t.method, state: t.state, reason: t.reason, from: t.instance }, 'channel health from another instance');
        }
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'channel health: could not read shared state');
      } finally {
        this.reading = null;
      }
    })());
  }

  start() {
    if (this.timer) return;
    void this.pull();
    this.timer = setInterval(() => void this.pull(), this.intervalMs);
    this.timer.unref();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reading;
  }
}
