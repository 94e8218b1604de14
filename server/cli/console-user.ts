/**
 * `bayar console-user <name> <viewer|operator>` (also `npm run console-user --`): prints one BAYAR_CONSOLE_USERS
 * entry, `name:role:scrypt-hash`, for a password typed at the prompt (twice, not echoed) or piped on stdin (its first
 * line). The password is never echoed, written to a file or taken from the command line (where `ps` and shell
 * history would keep it). Hashing and the entry's rules are the console's own (server/console/users.ts).
 */
import { createInterface } from 'node:readline';
import { hashPassword, parseConsoleUsers } from '../console/users.js';
import { CliError, type Command, type CommandContext } from './command.js';

const ROLES = ['viewer', 'operator'];
const MIN_LENGTH = 12;

async function readPiped(stdin: CommandContext['stdin']): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

/** Asks on the terminal without echoing what is typed. */
function ask(ctx: CommandContext, prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: ctx.stdin, output: ctx.err, terminal: true });
    const output = rl as unknown as { _writeToOutput(s: string): void };
    let prompted = false;
    output._writeToOutput = (s: string) => {
      if (!prompted) ctx.err.write(s);
      prompted = true;
    };
    rl.question(prompt, (answer) => {
      rl.close();
      ctx.err.write('\n');
      resolve(answer);
    });
  });
}

export const consoleUser: Command = {
  summary: 'print a BAYAR_CONSOLE_USERS entry (name:role:scrypt-hash) for a new console user',
  usage: 'console-user <name> <viewer|operator>',
  details: `The password is read from the terminal (twice) or from stdin's first line; at least ${MIN_LENGTH} characters.\nAdd the printed entry to BAYAR_CONSOLE_USERS (entries separated by commas).`,
  options: {},
  positionals: { min: 2, max: 2 },
  async run(ctx) {
    const [name, role] = ctx.positionals as [string, string];
    if (!ROLES.includes(role)) throw new CliError(2, `The role must be ${ROLES.join(' or ')}, not "${role}".`);
    let password: string;
    if (ctx.stdin.isTTY) {
      password = await ask(ctx, `Password for ${name}: `);
      if ((await ask(ctx, 'Again: ')) !== password) throw new CliError(1, 'The passwords differ; nothing was printed.');
    } else {
      password = await readPiped(ctx.stdin);
    }
    if (password.length < MIN_LENGTH) throw new CliError(1, `Use a password of at least ${MIN_LENGTH} characters.`);
    const line = `${name}:${role}:${await hashPassword(password)}`;
    const problems: string[] = [];
    parseConsoleUsers(line, problems);
    if (problems.length) throw new CliError(2, problems.join('\n'));
    ctx.out.write(`${line}\n`);
    ctx.err.write('Add it to BAYAR_CONSOLE_USERS (entries separated by commas).\n');
    return 0;
  },
};
