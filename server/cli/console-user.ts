/**
 * `bayar console-user <name> [--role admin]`: prints one BAYAR_CONSOLE_USERS entry, `name:role:scrypt-hash`, for a
 * password typed at the prompt (twice, not echoed) or piped on stdin (its first line). The password itself is
 * never printed or stored.
 */
import { createInterface } from 'node:readline';
import { hashPassword } from '../lib/password.js';
import { CliError, type Command, type CommandContext } from './command.js';

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const ROLE = /^[a-z][a-z_-]{0,31}$/;
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
  usage: 'console-user <name> [--role admin]',
  details: `The password is read from the terminal (twice) or from stdin's first line; at least ${MIN_LENGTH} characters.\nAppend the printed entry to BAYAR_CONSOLE_USERS (entries separated by commas).`,
  options: { role: { type: 'string', default: 'admin' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const name = ctx.positionals[0]!;
    const role = String(ctx.values.role);
    if (!NAME.test(name)) throw new CliError(2, `The name "${name}" must be 1–64 letters, digits or . _ @ -.`);
    if (!ROLE.test(role)) throw new CliError(2, `The role "${role}" must be lower-case letters (e.g. admin).`);
    let password: string;
    if (ctx.stdin.isTTY) {
      password = await ask(ctx, `Password for ${name}: `);
      if ((await ask(ctx, 'Again: ')) !== password) throw new CliError(1, 'The passwords differ; nothing was printed.');
    } else {
      password = await readPiped(ctx.stdin);
    }
    if (password.length < MIN_LENGTH) throw new CliError(1, `The password must be at least ${MIN_LENGTH} characters.`);
    ctx.out.write(`${name}:${role}:${await hashPassword(password)}\n`);
    return 0;
  },
};
