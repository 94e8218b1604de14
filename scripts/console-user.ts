/**
 * `npm run console-user -- <name> <viewer|operator>`: asks for a password (or reads one line from stdin when
 * piped) and prints the `name:role:scrypt-hash` entry to add to BAYAR_CONSOLE_USERS. The password is never
 * echoed, written to a file or passed on the command line (where `ps` and shell history would keep it).
 */
import { createInterface } from 'node:readline';
import { hashPassword, parseConsoleUsers } from '../server/console/users.js';

async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    return '';
  }
  process.stderr.write(prompt);
  process.stdin.setRawMode(true);
  let pw = '';
  for await (const chunk of process.stdin) {
    for (const ch of String(chunk)) {
      if (ch === '\r' || ch === '\n') {
        process.stdin.setRawMode(false);
        process.stderr.write('\n');
        return pw;
      }
      if (ch === '\u0003') process.exit(130);
      pw = ch === '\u007f' ? pw.slice(0, -1) : pw + ch;
    }
  }
  return pw;
}

const [name, role] = process.argv.slice(2);
if (!name || (role !== 'viewer' && role !== 'operator')) {
  console.error('usage: npm run console-user -- <name> <viewer|operator>   (the password is asked for, or read from stdin)');
  process.exit(64);
}
const password = await readPassword(`Password for ${name}: `);
if (password.length < 12) {
  console.error('Use a password of at least 12 characters.');
  process.exit(65);
}
const line = `${name}:${role}:${await hashPassword(password)}`;
const problems: string[] = [];
parseConsoleUsers(line, problems);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(65);
}
console.log(line);
console.error('Add it to BAYAR_CONSOLE_USERS (entries separated by commas).');
