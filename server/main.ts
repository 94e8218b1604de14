/**
 * Process entry for development (`node --import tsx server/main.ts`, `npm run dev`); the package's executable is
 * `bayar start` (server/cli). Both run serve() from ./process.ts.
 */
import { ConfigError } from './config.js';
import { serve } from './process.js';

export { serve, start, type Running } from './process.js';

if (import.meta.url === `file://${process.argv[1]}`) {
  serve().catch((err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(err instanceof ConfigError ? 78 : 1);
  });
}
