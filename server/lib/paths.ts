/**
 * Where the package's own files are (dist/ for the widget, demo/ for the sandbox storefront). The same code runs from
 * the repository through tsx (server/…) and from the compiled bundle (lib/server/…), so the root is found by walking
 * up to bayar's package.json rather than by a fixed number of `..`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'bayar') return dir;
    if (dirname(dir) === dir) throw new Error(`bayar: cannot find the package root above ${from}`);
  }
}

export const PACKAGE_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
