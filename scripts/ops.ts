/**
 * `npm run backup -- --to FILE`, `npm run restore -- --from FILE [--force]`, `npm run pii-erase -- --email …|--phone …`:
 * the operator commands of server/ops/commands.ts from the repository (BAYAR_DB names the ledger).
 */
import { USAGE, runOpsCommand, type OpsCommand } from '../server/ops/commands.js';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd || !(cmd in USAGE)) {
  process.stderr.write(`usage: node --import tsx scripts/ops.ts ${Object.keys(USAGE).join('|')} …\n`);
  process.exit(2);
}
process.exitCode = await runOpsCommand(cmd as OpsCommand, args, {
  env: process.env,
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
});
