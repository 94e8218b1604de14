/**
 * GET /api/methods before the Express stack (routes/fast-path.ts): the first request of every checkout and the most
 * frequent one in a flash sale.
 */
import type { Request } from 'express';
import type { MethodsResponse } from '../api-types.js';
import type { FastRoute } from './fast-path.js';

const PATH = /^\/api\/methods\/?(?:\?|$)/i;

/**
 * JSON.stringify of the answer, with the method list's text kept per list: PaymentService memoises one frozen list
 * per amount and filter, so the same list is written for most requests and serialising it was the largest single
 * cost of this path (issue 16's profile). Only frozen lists are kept (an unfrozen one could change under its text).
 */
const listText = new WeakMap<readonly unknown[], string>();
export function answerText(a: MethodsResponse): string {
  const { methods, ...rest } = a;
  let text = listText.get(methods);
  if (text === undefined) {
    text = JSON.stringify(methods);
    if (Object.isFrozen(methods)) listText.set(methods, text);
  }
  let out = `{"methods":${text}`;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  return `${out}}`;
}

/** The answer, as the widget router computes it (throws AppError for bad input). */
export function methodsRoute(answer: (req: Request) => MethodsResponse): FastRoute {
  return {
    route: '/api/methods',
    match: (url) => (PATH.test(url) ? {} : null),
    handle(req, res, head) {
      const body = answerText(answer(req));
      head.push('Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body)));
      res.writeHead(200, head);
      res.end(body);
    },
  };
}
