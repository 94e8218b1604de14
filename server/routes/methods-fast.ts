/**
 * GET /api/methods before the Express stack (routes/fast-path.ts): the first request of every checkout and the most
 * frequent one in a flash sale.
 */
import type { Request } from 'express';
import type { MethodsResponse } from '../api-types.js';
import { contentCoding, encode, type Coding, type FastRoute } from './fast-path.js';

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

/**
 * The answer's bytes in a content coding, kept per list like its text (an answer with an order is encoded afresh):
 * compressing the same 3 KB for every checkout would cost more than everything else this path does.
 */
const listCoded = new WeakMap<readonly unknown[], Partial<Record<Coding, Buffer>>>();
function coded(a: MethodsResponse, text: string, coding: Coding): Buffer {
  const kept = Object.isFrozen(a.methods) && a.order === undefined ? listCoded.get(a.methods) ?? {} : undefined;
  const bytes = kept?.[coding] ?? encode(text, coding);
  if (kept && !kept[coding]) listCoded.set(a.methods, Object.assign(kept, { [coding]: bytes }));
  return bytes;
}

/**
 * The answer, as the widget router computes it (throws AppError for bad input), compressed as the stack's
 * compression() would (app.ts): on a phone the list shares the first round trips' bandwidth with bayar.mjs.
 */
export function methodsRoute(answer: (req: Request) => MethodsResponse): FastRoute {
  return {
    route: '/api/methods',
    match: (url) => (PATH.test(url) ? {} : null),
    handle(req, res, head) {
      const a = answer(req);
      const text = answerText(a);
      const size = Buffer.byteLength(text);
      const coding = contentCoding(req, size);
      const body = coding ? coded(a, text, coding) : text;
      head.push('Content-Type', 'application/json; charset=utf-8', 'Vary', 'Accept-Encoding');
      if (coding) head.push('Content-Encoding', coding);
      head.push('Content-Length', String(coding ? body.length : size));
      res.writeHead(200, head);
      res.end(body);
    },
  };
}
