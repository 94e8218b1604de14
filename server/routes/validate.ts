/**
 * Request validation: zod schemas, and one mapping from the first problem to a specific machine-readable code
 * (`invalid_amount`, `invalid_method`…), with every problem listed in `details`.
 */
import type { z } from 'zod';
import { badRequest } from '../errors.js';

const CODE_BY_FIELD: Record<string, string> = {
  amount: 'invalid_amount',
  method: 'invalid_method',
  orderId: 'invalid_order_id',
  session: 'session_invalid',
  items: 'invalid_items',
  customer: 'invalid_customer',
  installment: 'invalid_installment',
  expiresIn: 'invalid_expires_in',
  methods: 'invalid_methods',
  description: 'invalid_description',
  openAmount: 'invalid_open_amount',
  expiresAt: 'invalid_expires_at',
  maxPayments: 'invalid_max_payments',
  returnUrl: 'invalid_return_url',
  date: 'invalid_date',
  from: 'invalid_date',
  to: 'invalid_date',
};

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  if (input === undefined || input === null) {
    throw badRequest('invalid_request', 'Send a JSON object body with Content-Type: application/json.');
  }
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = r.error.issues[0]!;
  const field = String(first.path[0] ?? '');
  const code = CODE_BY_FIELD[field] ?? 'invalid_request';
  throw badRequest(code, `${field ? `${field}: ` : ''}${first.message}`, { issues, ...(field ? { field } : {}) });
}
