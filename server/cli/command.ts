/** The shape of one `bayar` subcommand: the CLI (server/cli/index.ts) keeps them in one table. */
import type { ParseArgsConfig } from 'node:util';

export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface Command {
  /** One line for `bayar --help`. */
  summary: string;
  /** Arguments after `bayar`, e.g. `reconcile --date YYYY-MM-DD`. */
  usage: string;
  /** More lines for `bayar <command> --help`. */
  details?: string;
  options: NonNullable<ParseArgsConfig['options']>;
  positionals?: { min: number; max: number };
  /**
   * Resolves to the exit code. A long-running command (start) resolves once it is up and keeps the process alive
   * itself. Throws CliError for a failure with its own exit code and message.
   */
  run(ctx: CommandContext): Promise<number>;
}

/** Exit codes: 1 the operation failed, 2 bad arguments (usage printed), 78 bad configuration (EX_CONFIG). */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
