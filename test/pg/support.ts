/** Shared pieces of the PostgreSQL tests: a merchant backend that records notifications, and polling. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Notification {
  path: string;
  body: string;
  type: string;
  paymentId: string;
  status: string;
}

/**
 * A merchant endpoint. `hold(path)` decides per request whether to leave it unanswered (a hung merchant), so a
 * notifier can be caught with deliveries in flight; held sockets are destroyed on close.
 */
export async function merchantBackend(hold: (path: string) => boolean = () => false) {
  const received: Notification[] = [];
  const held: ServerResponse[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    if (hold(path)) {
      held.push(res);
      return;
    }
    const j = JSON.parse(body);
    received.push({ path, body, type: j.type, paymentId: j.payment.id, status: j.payment.status });
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    held,
    close: () =>
      new Promise<void>((r) => {
        for (const h of held) h.socket?.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
