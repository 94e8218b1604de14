/**
 * What the current unit of work is about — the HTTP request, or one background job item — carried through every
 * await with AsyncLocalStorage, so log lines and provider-call metrics name it without passing it down each call.
 * The logger adds `reqId` and `paymentId` to every line written inside it (lib/logger.ts); provider-call metrics
 * read the payment's method family from it (app.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WorkContext {
  /** The request id (X-Request-Id in and out), or a job's own id. */
  reqId?: string;
  paymentId?: string;
  family?: string;
}

const storage = new AsyncLocalStorage<WorkContext>();

/** Runs fn with a fresh context (a request, or one item of a background job). */
export function runInContext<T>(ctx: WorkContext, fn: () => T): T {
  return storage.run({ ...ctx }, fn);
}

export function currentContext(): WorkContext | undefined {
  return storage.getStore();
}

/**
 * Names the payment the current work is about, once it is known (after a lookup by id, reference or webhook),
 * so every later log line of the request carries it and `paymentId` finds all of them.
 */
export function aboutPayment(p: { id: string; family?: string }): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  ctx.paymentId = p.id;
  if (p.family) ctx.family = p.family;
}
