import { ElboError } from '@elbo/core';
import { Command, CommanderError, Option } from 'commander';
import { backendsCommand } from './commands/backends.js';
import { processIo, type Io } from './io.js';

const VERSION = '0.0.0';

/** Builds the `elbo` program; each action stores its exit code in `result.code`. */
export function buildProgram(io: Io, result: { code: number }): Command {
  const program = new Command('elbo')
    .description('Variational inference and VAEs on TensorFlow.js: train, sample, evaluate, check numerics.')
    .version(VERSION)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showHelpAfterError('(run `elbo --help` for the list of commands)');

  program
    .command('backends')
    .description('list the TensorFlow.js backends that run here and the one `auto` picks')
    .addOption(new Option('--json', 'print one JSON object instead of a table'))
    .action(async (options: { json?: boolean }) => {
      result.code = await backendsCommand(options, io);
    });

  return program;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code. Errors elbo
 * anticipates (bad input, an unavailable backend, a corrupt file) print one line, without a stack trace.
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const result = { code: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (unknown command or option, --help, --version).
      return error.exitCode;
    }
    if (error instanceof ElboError) {
      io.stderr(`elbo: ${error.message}\n`);
      return 2;
    }
    io.stderr(
      `elbo: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
