/**
 * Field validation with Xendit's error envelope: `{ error_code, message }`, 400 API_VALIDATION_ERROR for a
 * missing or mistyped field (providers.md §4.7). Messages follow the `"field" is required` style of Xendit's
 * own validation answers.
 */
import { type JsonObject, jsonObjectBody } from '../shared/json-body.js';

export class XenditApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Body = JsonObject;

export const invalid = (message: string) => new XenditApiError(400, 'API_VALIDATION_ERROR', message);

/** Parses a JSON object body; an empty body is `{}` only when `allowEmpty`. */
export const jsonBody = (raw: unknown, allowEmpty = false): Body => jsonObjectBody(raw, invalid, allowEmpty);

export function reqString(b: Body, key: string, max = 255): string {
  const v = b[key];
  if (v === undefined || v === null) throw invalid(`"${key}" is required`);
  if (typeof v !== 'string') throw invalid(`"${key}" must be a string`);
  if (v.length === 0) throw invalid(`"${key}" is not allowed to be empty`);
  if (v.length > max) throw invalid(`"${key}" length must be less than or equal to ${max} characters long`);
  return v;
}

export function optString(b: Body, key: string, max = 255): string | undefined {
  return b[key] === undefined ? undefined : reqString(b, key, max);
}

export function optNumber(b: Body, key: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`"${key}" must be a number`);
  if (opts.integer && !Number.isInteger(v)) throw invalid(`"${key}" must be an integer`);
  if (opts.min !== undefined && v < opts.min) throw invalid(`"${key}" must be greater than or equal to ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw invalid(`"${key}" must be less than or equal to ${opts.max}`);
  return v;
}

export function reqNumber(b: Body, key: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const v = optNumber(b, key, opts);
  if (v === undefined) throw invalid(`"${key}" is required`);
  return v;
}

export function optBool(b: Body, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalid(`"${key}" must be a boolean`);
  return v;
}

export function reqEnum<T extends string>(b: Body, key: string, values: readonly T[]): T {
  const v = reqString(b, key);
  if (!(values as readonly string[]).includes(v)) throw invalid(`"${key}" must be one of [${values.join(', ')}]`);
  return v as T;
}

/** An ISO 8601 date-time string. */
export function optDate(b: Body, key: string): Date | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw invalid(`"${key}" must be a valid ISO 8601 date`);
  }
  return new Date(v);
}

export function optObject(b: Body, key: string): Body | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`"${key}" must be an object`);
  return v as Body;
}

export function optUrl(b: Body, key: string): string | undefined {
  const v = optString(b, key, 1000);
  if (v !== undefined && !/^https?:\/\/[^\s]+$/.test(v)) throw invalid(`"${key}" must be a valid http(s) URL`);
  return v;
}

/** Key-order-independent JSON, to tell an identical repeat from a different request with the same id. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Body)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
