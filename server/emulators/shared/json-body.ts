/** Reading a raw (express.raw) request body as the JSON object an emulated API expects. */

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The body as a JSON object, or the emulator's own 400 error made by `invalid` (each provider has its error
 * envelope). An empty body is `{}` only when `allowEmpty`, for endpoints whose fields are all optional.
 */
export function jsonObjectBody(raw: unknown, invalid: (message: string) => Error, allowEmpty = false): JsonObject {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') {
    if (allowEmpty) return {};
    throw invalid('request body is required');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('request body is not valid JSON');
  }
  if (!isJsonObject(parsed)) throw invalid('request body must be a JSON object');
  return parsed;
}
