/**
 * Live status fan-out to SSE streams. Publishing happens after the ledger committed the change; subscribers
 * replay from the ledger by seq, so a message lost here (or published on another instance) costs latency,
 * never a missed status. The in-process bus serves one instance; a PostgreSQL LISTEN/NOTIFY bus implements the
 * same interface for several.
 */
import { EventEmitter } from 'node:events';
import type { HistoryEntry } from '../store/types.js';

export interface LiveBus {
  publish(entry: HistoryEntry): void;
  subscribe(paymentId: string, fn: (entry: HistoryEntry) => void): () => void;
  close(): Promise<void>;
}

export class LocalBus implements LiveBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    // One listener per open SSE stream: thousands are expected.
    this.emitter.setMaxListeners(0);
  }
  publish(entry: HistoryEntry) {
    this.emitter.emit(entry.paymentId, entry);
  }
  subscribe(paymentId: string, fn: (entry: HistoryEntry) => void) {
    this.emitter.on(paymentId, fn);
    return () => this.emitter.off(paymentId, fn);
  }
  async close() {
    this.emitter.removeAllListeners();
  }
}
