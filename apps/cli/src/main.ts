import { ElboError } from '@elbo/core';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BACKEND_NAMES, type BackendName } from '@elbo/backends';
import { backendsCommand } from './commands/backends.js';
import { CAVI_MODELS, caviCommand, type CaviCommandOptions } from './commands/cavi.js';
import { conformanceCommand } from './commands/conformance.js';
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

  program
    .command('conformance')
    .description('check distributions and KL divergences against a reference file, on one backend')
    .requiredOption('--refs <file>', 'reference JSON (format of shared/refs/README.md)')
    .addOption(
      new Option('--backend <name>', 'backend to evaluate on')
        .choices(['auto', ...BACKEND_NAMES])
        .default('auto'),
    )
    .option('--atol <number>', 'absolute tolerance (default 1e-4)', parseNumber('--atol'))
    .option('--rtol <number>', 'relative tolerance (default 1e-3)', parseNumber('--rtol'))
    .option('--json', 'print one JSON object with every result')
    .action(
      async (options: {
        refs: string;
        backend: BackendName | 'auto';
        json?: boolean;
        atol?: number;
        rtol?: number;
      }) => {
        result.code = await conformanceCommand(options, io);
      },
    );

  program
    .command('cavi')
    .description('fit a conjugate model by coordinate-ascent VI, printing the ELBO after every sweep')
    .addOption(new Option('--model <name>', 'the model').choices([...CAVI_MODELS]).makeOptionMandatory())
    .requiredOption('--data <file>', 'data: .csv (one point per line, numbers separated by commas) or .json')
    .option('--components <k>', 'mixture components (blei-gmm: 3, gmm: 6)', parseInteger('--components', 1))
    .option(
      '--weight-prior <a>',
      'gmm: Dirichlet concentration of the weights (default 1/K)',
      parseNumber('--weight-prior'),
    )
    .option(
      '--prior <k=v,...>',
      'prior parameters: normal-gamma mu0,lambda0,a0,b0 (0,1,1,1; Gamma by rate); blei-gmm sigma2 (25); gmm meanPrecision, degreesOfFreedom',
    )
    .option('--max-iter <n>', 'most sweeps (1000)', parseInteger('--max-iter', 1))
    .option('--tol <t>', 'stop when the relative ELBO change falls below t (1e-6)', parseNumber('--tol'))
    .option('--seed <s>', 'seed of the initialisation (0)', parseInteger('--seed', 0))
    .addOption(new Option('--backend <name>', 'backend').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option('--json', 'print one JSON object: the posterior and the ELBO trace')
    .action(async (options: CaviCommandOptions) => {
      result.code = await caviCommand(options, io);
    });

  return program;
}

function parseInteger(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got '${value}'`);
    }
    return n;
  };
}

function parseNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${flag} must be a non-negative number, got '${value}'`);
    }
    return n;
  };
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
