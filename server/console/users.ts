/**
 * Console users (BAYAR_CONSOLE_USERS): `name:role:scrypt-hash` entries separated by commas or whitespace, roles
 * `viewer` (reads) and `operator` (also refunds and resends). The hash is
 * `scrypt$<N>$<r>$<p>$<salt base64url>$<key base64url>` — no colons or commas, so it fits the list — made by
 * `npm run console-user`. The merchant key itself always signs in as the operator named `merchant`.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export type ConsoleRole = 'viewer' | 'operator';

export interface ConsoleUser {
  name: string;
  role: ConsoleRole;
  hash: string;
}

const scrypt = (password: string, salt: Buffer, keylen: number, o: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, o, (err, key) => (err ? reject(err) : resolve(key))));

/** N=2^15, r=8, p=1 (OWASP's scrypt minimum is N=2^17 with p=1 at 128 MiB; this is 32 MiB per sign-in, bounded by the rate limit). */
const PARAMS = { N: 32768, r: 8, p: 1 };
const HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

export async function hashPassword(password: string, params = PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, { ...params, maxmem: 256 * params.N * params.r });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = HASH.exec(hash);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, { N, r, p, maxmem: 256 * N * r });
  return timingSafeEqual(key, expected);
}

/** Parses BAYAR_CONSOLE_USERS, adding one message per bad entry to `problems`. */
export function parseConsoleUsers(text: string, problems: string[]): ConsoleUser[] {
  const users: ConsoleUser[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const [name, role, hash, ...rest] = entry.split(':');
    const label = `BAYAR_CONSOLE_USERS entry "${name ?? ''}"`;
    if (rest.length || !name || !role || !hash) problems.push(`${label}: expected name:role:scrypt-hash (make one with npm run console-user)`);
    else if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name) || name === 'merchant') problems.push(`${label}: names are 1-64 of A-Z a-z 0-9 . _ @ - and "merchant" is reserved`);
    else if (role !== 'viewer' && role !== 'operator') problems.push(`${label}: role must be viewer or operator, not "${role}"`);
    else if (!HASH.test(hash) || Number(hash.split('$')[1]) < 16384 || Number(hash.split('$')[1]) & (Number(hash.split('$')[1]) - 1)) {
      problems.push(`${label}: the hash is not an scrypt hash from npm run console-user`);
    } else if (users.some((u) => u.name === name)) problems.push(`${label}: listed twice`);
    else users.push({ name, role, hash });
  }
  return users;
}
