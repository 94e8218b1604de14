/**
 * `bayar backup --to FILE`, `bayar restore --from FILE [--force]`, `bayar pii-erase --email …|--phone …` (also
 * `npm run backup|restore|pii-erase --`): the operator commands of server/ops/commands.ts in the CLI's table.
 */
import { USAGE, runOpsCommand, type OpsCommand } from '../ops/commands.js';
import type { Command, CommandContext } from './command.js';

/** The parsed flags back as arguments: server/ops/commands.ts validates them itself, for every caller alike. */
function argv(values: CommandContext['values']): string[] {
  return Object.entries(values).flatMap(([k, v]) => (k === 'help' || v === undefined || v === false ? [] : v === true ? [`--${k}`] : [`--${k}`, String(v)]));
}

const opsCommand = (name: OpsCommand, summary: string, options: Command['options']): Command => ({
  summary,
  usage: USAGE[name].replace(/^usage: npm run \S+ -- /, `${name} `),
  details: 'BAYAR_DB names the ledger (default ./data/bayar.db); see docs/operations.md.',
  options,
  run: ({ values, env, out, err }) =>
    runOpsCommand(name, argv(values), { env, out: (l) => out.write(`${l}\n`), err: (l) => err.write(`${l}\n`) }),
});

export const backup = opsCommand('backup', 'copy a running SQLite ledger (online backup API, checked, SHA-256 checksum)', { to: { type: 'string' } });
export const restore = opsCommand('restore', 'restore a SQLite ledger backup after checking it (refuses a live ledger without --force)', {
  from: { type: 'string' },
  force: { type: 'boolean' },
});
export const piiErase = opsCommand('pii-erase', "erase one customer's name, email and phone from every payment (SQLite or PostgreSQL)", {
  email: { type: 'string' },
  phone: { type: 'string' },
});
