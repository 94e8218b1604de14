import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The one place where secrets, signatures and tokens are compared. Both sides are hashed first so that
 * the comparison takes the same time whatever the lengths, and a length difference leaks nothing.
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && Buffer.byteLength(a) === Buffer.byteLength(b);
}

export const hmacSha256 = (key: string | Buffer, data: string | Buffer) => createHmac('sha256', key).update(data).digest();
export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();
export const sha512Hex = (data: string | Buffer) => createHash('sha512').update(data).digest('hex');

/** 128 random bits or more, URL-safe. */
export const randomId = (prefix: string, bytes = 16) => `${prefix}${randomBytes(bytes).toString('base64url')}`;
