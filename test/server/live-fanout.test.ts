/**
 * The fan-out of a committed change to the live-status streams (server/routes/sse.ts LiveStreams): written in slices
 * that yield to the event loop between them, so thousands of streams never hold up other requests, yet every stream
 * gets each change once and in the order of the ledger. The streams here are recording responses on the real
 * LiveStreams and LocalBus; the ledger's history is a list.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request, Response } from 'express';
import { LocalBus } from '../../server/domain/live.js';
import { LiveStreams } from '../../server/routes/sse.js';
import type { HistoryEntry, Store } from '../../server/store/types.js';

const PAYMENT = 'pay_fanout_1';
const entry = (seq: number, status: HistoryEntry['status']): HistoryEntry => ({
  seq,
  paymentId: PAYMENT,
  status,
  reason: 'test',
  source: 'test',
  at: new Date(0).toISOString(),
  snapshot: JSON.stringify({ id: PAYMENT, status }),
});

/** A response that records its head and every event id written to it, and can be closed as a client would. */
function stream() {
  const ids: number[] = [];
  const listeners: Array<() => void> = [];
  let head: string[] = [];
  const res = {
    writableEnded: false,
    setHeader() {},
    writeHead(_status: number, h: string[]) {
      head = h;
    },
    write(chunk: Buffer | string) {
      const id = /^id: (\d+)$/m.exec(String(chunk));
      if (id) ids.push(Number(id[1]));
      return true;
    },
    end() {
      res.writableEnded = true;
      for (const l of listeners.splice(0)) l();
    },
    on(event: string, fn: () => void) {
      if (event === 'close') listeners.push(fn);
      return res;
    },
  };
  return { res: res as unknown as Response, ids, head: () => head, close: () => res.end() };
}

function setup(history: HistoryEntry[], slice: number) {
  const bus = new LocalBus();
  const store = { history: async (_id: string, after?: number) => history.filter((h) => after === undefined || h.seq > after) } as unknown as Store;
  const live = new LiveStreams(store, bus, 60_000, { perClient: 1_000, total: 1_000 }, slice);
  const open = async (lastEventId?: number) => {
    const s = stream();
    await live.open({ ip: '203.0.113.9', socket: {} } as unknown as Request, s.res, PAYMENT, lastEventId, []);
    return s;
  };
  return { bus, live, open };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('live-status fan-out', () => {
  it('writes a change to `slice` streams per turn of the event loop, every stream exactly once', async () => {
    const history = [entry(1, 'pending')];
    const { bus, live, open } = setup(history, 2);
    const streams: Array<ReturnType<typeof stream>> = [];
    for (let i = 0; i < 5; i++) streams.push(await open());
    assert.ok(streams.every((s) => s.ids.join() === '1'), 'each stream starts with the current status');
    const paid = entry(2, 'paid');
    history.push(paid);
    bus.publish(paid);
    const got = () => streams.filter((s) => s.ids.includes(2)).length;
    // The publish returns after the first slice: the rest waits for later turns, other work runs in between.
    assert.equal(got(), 2);
    await turn();
    assert.equal(got(), 4);
    await turn();
    assert.equal(got(), 5);
    await turn();
    assert.ok(streams.every((s) => s.ids.join() === '1,2'));
    assert.equal(live.lastFanout?.seq, 2);
    assert.equal(live.lastFanout?.streams, 5);
    live.closeAll();
  });

  it('keeps the order of the ledger on every stream when changes follow each other during a sliced fan-out', async () => {
    const history = [entry(1, 'pending')];
    const { bus, live, open } = setup(history, 3);
    const streams: Array<ReturnType<typeof stream>> = [];
    for (let i = 0; i < 7; i++) streams.push(await open());
    const changes = [entry(2, 'paid'), entry(3, 'refunded'), entry(4, 'refunded')];
    for (const c of changes) {
      history.push(c);
      bus.publish(c);
    }
    for (let i = 0; i < 10; i++) await turn();
    for (const s of streams) assert.deepEqual(s.ids, [1, 2, 3, 4]);
    live.closeAll();
  });

  it('a stream opened while a change is on its way gets it once (from the ledger), and one closed gets nothing more', async () => {
    const history = [entry(1, 'pending')];
    const { bus, live, open } = setup(history, 1);
    const a = await open();
    const b = await open();
    const c = await open();
    const paid = entry(2, 'paid');
    history.push(paid);
    bus.publish(paid);
    // The first slice wrote to a; c goes away before its turn, and d opens (and replays the ledger) meanwhile.
    c.close();
    const d = await open(1);
    for (let i = 0; i < 5; i++) await turn();
    assert.deepEqual(a.ids, [1, 2]);
    assert.deepEqual(b.ids, [1, 2]);
    assert.deepEqual(c.ids, [1]);
    assert.deepEqual(d.ids, [2]);
    assert.equal(live.size, 3);
    live.closeAll();
  });

  it('subscribes once per payment, and ends the subscription with its last stream', async () => {
    const { bus, live, open } = setup([entry(1, 'pending')], 500);
    const count = () => (bus as unknown as { emitter: { listenerCount(n: string): number } }).emitter.listenerCount(PAYMENT);
    const a = await open();
    const b = await open();
    assert.equal(count(), 1);
    a.close();
    assert.equal(count(), 1);
    b.close();
    assert.equal(count(), 0);
    assert.equal(live.size, 0);
  });

  it('sends the given head with the stream\'s own headers, in one writeHead', async () => {
    const { live, open } = setup([entry(1, 'pending')], 500);
    const s = stream();
    await live.open({ ip: '203.0.113.9', socket: {} } as unknown as Request, s.res, PAYMENT, undefined, ['X-Request-Id', 'r-1']);
    assert.deepEqual(s.head().slice(0, 4), ['X-Request-Id', 'r-1', 'Content-Type', 'text/event-stream; charset=utf-8']);
    await open();
    live.closeAll();
  });
});
