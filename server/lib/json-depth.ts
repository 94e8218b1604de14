/**
 * How deep a JSON text nests, read from its bytes before anything parses or hashes it: JSON.parse copes with
 * 15 000 levels, but everything that walks the result recursively afterwards (JSON.stringify for the
 * Idempotency-Key hash, zod, logging) overflows the stack. No request body of this API nests deeper than a few.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether `buf` (JSON text) opens more than `max` arrays/objects inside one another. Strings are skipped. */
export function jsonTooDeep(buf: Buffer, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
