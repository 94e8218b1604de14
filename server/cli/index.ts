/**
 * `bayar`: the companion's command line (package.json "bin"; `npx bayar …`). Every subcommand is one entry of
 * COMMANDS, configured by the same environment variables as the server (contract.md §3).
 *
 * Exit codes: 0 done, 1 the operation failed, 2 bad arguments (usage printed), 78 bad configuration (every problem
 * listed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../bayar.js';
import { ConfigError, loadConfig } from '../config.js';
import { PACKAGE_ROOT } from '../lib/paths.js';
import { serve } from '../process.js';
import { MIGRATIONS } from '../store/migrations.js';
import { redactDbUrl } from '../store/db-url.js';
import { CliError, type Command, type CommandContext } from './command.js';
import { consoleUser } from './console-user.js';
import { backup, piiErase, restore } from './ops.js';
import { reconcile } from './reconcile.js';

/** Flags of `start` and `migrate` that stand for a variable (flag wins over the environment). */
const SERVER_FLAGS = { port: 'PORT', host: 'HOST', db: 'BAYAR_DB', mode: 'BAYAR_MODE' } as const;
const withFlags = (ctx: CommandContext): NodeJS.ProcessEnv => {
  const env = { ...ctx.env };
  for (const [flag, variable] of Object.entries(SERVER_FLAGS)) {
    const v = ctx.values[flag];
    if (typeof v === 'string') env[variable] = v;
  }
  return env;
};
const serverOptions = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  mode: { type: 'string' },
} as const;

export const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'run the companion (with no configuration: the sandbox demo at http://127.0.0.1:8787/)',
    usage: 'start [--port 8787] [--host 127.0.0.1] [--db ./data/bayar.db] [--mode sandbox|live]',
    details:
      'Configured by the environment (BAYAR_MODE, BAYAR_DB, BAYAR_MERCHANT_KEY, provider credentials…; see contract.md §3);\n' +
      'the flags override PORT, HOST, BAYAR_DB and BAYAR_MODE. SIGTERM or Ctrl-C stops it gracefully.',
    options: serverOptions,
    async run(ctx) {
      const env = withFlags(ctx);
      await serve(env).catch((e: NodeJS.ErrnoException) => {
        const where = `${env.HOST ?? '127.0.0.1'}:${env.PORT ?? 8787}`;
        if (e?.code === 'EADDRINUSE') throw new CliError(1, `${where} is already in use: stop what runs there, or pick another port with --port (PORT).`);
        if (e?.code === 'EACCES') throw new CliError(1, `Not allowed to listen on ${where}: pick a port above 1023 with --port (PORT).`);
        throw e;
      });
      return 0;
    },
  },
  migrate: {
    summary: 'create the ledger or bring its schema up to date, then exit',
    usage: 'migrate [--db ./data/bayar.db]',
    details: 'Runs the same migrations as start (SQLite file or PostgreSQL URL in BAYAR_DB; on PostgreSQL under an advisory lock).',
    options: { db: { type: 'string' } },
    async run(ctx) {
      const config = loadConfig(withFlags(ctx));
      const store = await openStore(config).catch((e: unknown) => {
        throw new CliError(1, `Could not migrate ${redactDbUrl(config.dbPath)}: ${(e as Error).message}`);
      });
      const ready = await store.ready();
      await store.close();
      if (!ready) throw new CliError(1, `The ledger at ${redactDbUrl(config.dbPath)} is not at the latest schema after migrating.`);
      ctx.out.write(`${redactDbUrl(config.dbPath)}: schema at version ${MIGRATIONS.at(-1)!.version} (${MIGRATIONS.at(-1)!.name})\n`);
      return 0;
    },
  },
  reconcile,
  'console-user': consoleUser,
  backup,
  restore,
  'pii-erase': piiErase,
};

const version = () => (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: bayar <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `bayar <command> --help` for its options. Configuration comes from the environment (contract.md §3).',
  ].join('\n');
}

const commandHelp = (name: string, c: Command) => `Usage: bayar ${c.usage}\n\n${c.summary}.${c.details ? `\n${c.details}` : ''}\n`;

/** Runs `bayar <argv…>` and resolves to the exit code (start resolves once listening and keeps the process alive). */
export async function runCli(argv: string[], io: Partial<Omit<CommandContext, 'values' | 'positionals'>> = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const about = rest[0] && COMMANDS[rest[0]];
    out.write(about ? commandHelp(rest[0]!, about) : `${usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    out.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    err.write(`bayar: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: !!command.positionals, strict: true });
    const n = parsed.positionals.length;
    if (command.positionals && (n < command.positionals.min || n > command.positionals.max)) throw new Error(`expected ${command.positionals.min === command.positionals.max ? command.positionals.min : `${command.positionals.min}–${command.positionals.max}`} argument(s), got ${n}`);
  } catch (e) {
    err.write(`bayar ${name}: ${(e as Error).message}\nUsage: bayar ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    out.write(commandHelp(name, command));
    return 0;
  }
  try {
    return await command.run({ values: parsed.values as CommandContext['values'], positionals: parsed.positionals, env: io.env ?? process.env, out, err, stdin: io.stdin ?? process.stdin });
  } catch (e) {
    if (e instanceof ConfigError) {
      err.write(`${e.message}\n`);
      return 78;
    }
    if (e instanceof CliError) {
      err.write(`bayar ${name}: ${e.message}${e.exitCode === 2 ? `\nUsage: bayar ${command.usage}` : ''}\n`);
      return e.exitCode;
    }
    err.write(`bayar ${name}: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}
