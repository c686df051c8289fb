import { ElboError } from '@elbo/core';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BACKEND_NAMES, type BackendName } from '@elbo/backends';
import { NVAE_PRESET_NAMES } from '@elbo/models';
import { backendsCommand } from './commands/backends.js';
import { CAVI_MODELS, caviCommand, type CaviCommandOptions } from './commands/cavi.js';
import { conformanceCommand } from './commands/conformance.js';
import { evalCommand, type EvalOptions } from './commands/eval.js';
import { generateCommand, type GenerateOptions } from './commands/generate.js';
import { trainCommand, type TrainOptions } from './commands/train.js';
import { BINARIZE_NAMES } from './run/images.js';
import { DATASET_NAMES, dataDownloadCommand } from './commands/data.js';
import { FIT_DIVERGENCES, fitCommand, type FitCommandOptions } from './commands/fit.js';
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

  program
    .command('fit')
    .description(
      'fit q = Normal(loc, scale) to a Gaussian mixture by minimising a divergence; animate it as a GIF',
    )
    .option(
      '--target-weights <w,...>',
      'mixture weights (normalised)',
      parseList('--target-weights'),
      [0.3, 0.7],
    )
    .option('--target-locs <m,...>', 'component means', parseList('--target-locs'), [-2, 1.5])
    .option(
      '--target-scales <s,...>',
      'component standard deviations',
      parseList('--target-scales'),
      [0.5, 1],
    )
    .addOption(
      new Option('--divergence <name>', 'what to minimise')
        .choices([...FIT_DIVERGENCES])
        .default('kl-reverse'),
    )
    .option('--alpha <a>', 'α of --divergence alpha (Amari)', parseFinite('--alpha'), 0.5)
    .option('--steps <n>', 'Adam steps', parseInteger('--steps', 1), 500)
    .option('--lr <r>', 'Adam learning rate', parseNumber('--lr'), 0.05)
    .option('--samples <k>', 'draws from q per step', parseInteger('--samples', 1), 64)
    .option('--seed <s>', 'seed of the draws', parseInteger('--seed', 0), 0)
    .option('--init-loc <m>', 'initial loc of q', parseFinite('--init-loc'), 0)
    .option('--init-scale <s>', 'initial scale of q', parseNumber('--init-scale'), 2)
    .option('--frames <n>', 'frames of the animation', parseInteger('--frames', 1), 60)
    .option('--out <file>', 'write the animation (an animated GIF) here')
    .addOption(new Option('--backend <name>', 'backend').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option('--json', 'end with one JSON line { loc, scale, divergence, history }')
    .action(async (options: FitCommandOptions) => {
      result.code = await fitCommand(options, io);
    });

  program
    .command('data')
    .description('data sets')
    .command('download')
    .description('download a data set of the MNIST family (IDX files) and check its checksums')
    .addArgument(new Argument('<dataset>', 'which data set').choices([...DATASET_NAMES]))
    .requiredOption('--to <dir>', 'the folder to write the files into')
    .option('--mirror <url>', 'a base URL to download from instead of the standard one')
    .option('--json', 'print one JSON object')
    .action(async (dataset: string, options: { to: string; mirror?: string; json?: boolean }) => {
      result.code = await dataDownloadCommand({ dataset, ...options }, io);
    });

  program
    .command('train')
    .description(
      'train an auto-encoder, a VAE or an NVAE on MNIST-family digits, with a checkpoint every epoch',
    )
    .addOption(new Option('--model <kind>', 'the model').choices(['ae', 'vae', 'nvae']).default('vae'))
    .addOption(
      new Option('--preset <name>', 'nvae: the architecture preset')
        .choices([...NVAE_PRESET_NAMES])
        .default('mnist-small'),
    )
    .option(
      '--set <field=value>',
      'nvae: override a config field, e.g. --set channels=64 --set groupsPerScale=5,5 (repeatable)',
      collectSetting,
      [],
    )
    .addOption(new Option('--arch <arch>', 'encoder and decoder').choices(['mlp', 'conv']).default('mlp'))
    .option(
      '--hidden <n,...>',
      'hidden widths (mlp, 512,256) or channels (conv, 32,64)',
      parseList('--hidden'),
    )
    .option('--latent <n>', 'latent size', parseInteger('--latent', 1), 32)
    .addOption(
      new Option('--likelihood <name>', 'p(x|z)')
        .choices(['bernoulli', 'continuous-bernoulli', 'gaussian'])
        .default('bernoulli'),
    )
    .option('--beta <b>', 'weight of the KL term (β-VAE)', parseNumber('--beta'))
    .option('--iw <k>', 'train on the IWAE bound with k samples', parseInteger('--iw', 1))
    .option(
      '--data <mnist|dir>',
      "'mnist' (the shipped digits) or a folder of MNIST-family IDX files",
      'mnist',
    )
    .option('--range <a:b>', 'the images [a, b) of the data')
    .addOption(
      new Option('--binarize <how>', 'binarisation').choices([...BINARIZE_NAMES]).default('threshold'),
    )
    .option('--epochs <n>', 'epochs in all (a resumed run continues to it)', parseInteger('--epochs', 1), 2)
    .option('--batch-size <b>', 'batch size (default 128; nvae 64)', parseInteger('--batch-size', 1))
    .option('--lr <r>', 'Adam learning rate (default 1e-3; nvae 3e-3)', parseNumber('--lr'))
    .option('--seed <s>', 'seed of the weights, batches and draws', parseInteger('--seed', 0), 0)
    .option(
      '--kl-warmup <steps>',
      'raise the KL weight from 0 to 1 over this many steps (default 0; nvae 30% of the steps)',
      parseInteger('--kl-warmup', 0),
    )
    .option('--clip-norm <c>', 'clip gradients to this global norm', parseNumber('--clip-norm'))
    .option(
      '--workers <n>',
      'data-parallel training on n threads (each computes a share of every batch; default 1)',
      parseInteger('--workers', 1),
      1,
    )
    .addOption(new Option('--backend <name>', 'backend').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option(
      '--threads <n>',
      'wasm: threads XNNPACK computes on, 1 to 8 (default every core; 1 for nvae and per worker with --workers)',
      parseInteger('--threads', 1),
    )
    .option('--out <dir>', 'run folder: checkpoint/, samples.png, reconstructions.png', 'runs/vae')
    .option('--resume', 'continue the checkpoint in --out to --epochs')
    .option(
      '--json',
      'end with one JSON line { backend, epoch, imagesPerSecond, seconds, loss, resumedFrom, checkpoint }',
    )
    .action(async (options: TrainOptions) => {
      result.code = await trainCommand(options, io);
    });

  program
    .command('eval')
    .description('importance-sampled NLL, test ELBO and bits/dim of a trained VAE')
    .requiredOption('--checkpoint <dir>', 'a run folder of elbo train, or its checkpoint folder')
    .option('--data <mnist|dir>', "'mnist' or a folder of MNIST-family IDX files", 'mnist')
    .option('--range <a:b>', 'the images [a, b) of the data')
    .addOption(
      new Option('--binarize <how>', 'binarisation').choices([...BINARIZE_NAMES]).default('threshold'),
    )
    .option(
      '--importance-samples <k>',
      'K of the importance-sampled NLL',
      parseInteger('--importance-samples', 1),
      500,
    )
    .option('--batch-size <b>', 'images evaluated at once', parseInteger('--batch-size', 1), 100)
    .option('--seed <s>', 'seed of the draws', parseInteger('--seed', 0), 0)
    .addOption(new Option('--backend <name>', 'backend').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option(
      '--threads <n>',
      'wasm: threads XNNPACK computes on, 1 to 8 (default every core)',
      parseInteger('--threads', 1),
    )
    .option('--json', 'print one JSON object { nll, elbo, bitsPerDim } (nats per image)')
    .action(async (options: EvalOptions) => {
      result.code = await evalCommand(options, io);
    });

  for (const kind of ['sample', 'reconstruct', 'interpolate'] as const) {
    program
      .command(kind)
      .description(
        {
          sample: 'a PNG grid of draws from a trained VAE',
          reconstruct: 'a PNG grid of images above their reconstructions',
          interpolate: 'a PNG row decoding the line between two images in latent space',
        }[kind],
      )
      .requiredOption('--checkpoint <dir>', 'a run folder of elbo train, or its checkpoint folder')
      .requiredOption('--out <file>', 'the PNG to write')
      .option('--n <n>', 'how many images', parseInteger('--n', 1), 64)
      .option('--columns <c>', 'images per row', parseInteger('--columns', 1), 8)
      .option('--temperature <t>', 'sample: scale of the prior draws', parseNumber('--temperature'), 1)
      .option('--data <mnist|dir>', "'mnist' or a folder of MNIST-family IDX files", 'mnist')
      .option('--range <a:b>', 'the images [a, b) of the data')
      .addOption(
        new Option('--binarize <how>', 'binarisation').choices([...BINARIZE_NAMES]).default('threshold'),
      )
      .option('--from <i>', 'interpolate: the first image', parseInteger('--from', 0), 0)
      .option('--to <i>', 'interpolate: the last image', parseInteger('--to', 0), 1)
      .option('--steps <n>', 'interpolate: images along the line', parseInteger('--steps', 2), 10)
      .option('--seed <s>', 'seed of the draws', parseInteger('--seed', 0), 0)
      .addOption(
        new Option('--backend <name>', 'backend').choices(['auto', ...BACKEND_NAMES]).default('auto'),
      )
      .action(async (options: GenerateOptions) => {
        result.code = await generateCommand(kind, options, io);
      });
  }

  return program;
}

/** Collects repeated `--set field=value` options. */
function collectSetting(value: string, previous: string[]): string[] {
  if (!/^[A-Za-z]+=.+$/.test(value)) {
    throw new InvalidArgumentError(`--set must be field=value (e.g. channels=64), got '${value}'`);
  }
  return [...previous, value];
}

function parseList(flag: string): (value: string) => number[] {
  return (value) => {
    const items = value.split(',').map((v) => v.trim());
    const numbers = items.map(Number);
    if (items.some((v) => v === '') || numbers.some((n) => !Number.isFinite(n))) {
      throw new InvalidArgumentError(`${flag} must be numbers separated by commas, got '${value}'`);
    }
    return numbers;
  };
}

function parseFinite(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${flag} must be a number, got '${value}'`);
    return n;
  };
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
