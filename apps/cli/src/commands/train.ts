import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '@elbo/backends';
import { ArgumentError } from '@elbo/core';
import { batches } from '@elbo/datasets';
import { createModel, Nvae, type Likelihood } from '@elbo/models';
import { fit, loadCheckpoint } from '@elbo/models/node';
import { disposeCheckpoint } from '@elbo/models';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Io } from '../io.js';
import { ProgressBar } from '../progress.js';
import { binarizeOption, loadImages, type BinarizeName } from '../run/images.js';
import { checkpointDir } from '../run/model.js';
import { writeImageGrid } from '../run/grids.js';
import { WorkerGradientPool } from '../run/gradient-workers.js';

/** Options of `elbo train`. */
export interface TrainOptions {
  readonly model: 'ae' | 'vae' | 'nvae';
  /** nvae: the preset, and `field=value` overrides of its config. */
  readonly preset?: string;
  readonly set?: readonly string[];
  readonly arch: 'mlp' | 'conv';
  readonly hidden?: number[];
  readonly latent: number;
  readonly likelihood: Likelihood;
  readonly beta?: number;
  readonly iw?: number;
  readonly data: string;
  readonly range?: string;
  readonly binarize: BinarizeName;
  readonly epochs: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed: number;
  readonly klWarmup?: number;
  readonly clipNorm?: number;
  /** Threads of data-parallel training (default 1: none). */
  readonly workers?: number;
  /** wasm: the threads XNNPACK computes on (default every core; 1 for NVAE and per worker with --workers). */
  readonly threads?: number;
  readonly backend: BackendName | 'auto';
  readonly out: string;
  readonly resume?: boolean;
  readonly json?: boolean;
}

/**
 * `elbo train`: trains an auto-encoder or a VAE on MNIST-family images, writing a checkpoint to
 * OUT/checkpoint after every epoch (atomically) and, at the end, OUT/samples.png and
 * OUT/reconstructions.png. With `--resume` it continues the checkpoint in OUT to `--epochs` (the model
 * is rebuilt from the checkpoint's config).
 */
export async function trainCommand(o: TrainOptions, io: Io): Promise<number> {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) {
    throw new ArgumentError(`train: --epochs is ${o.epochs}, expected an integer ≥ 1`);
  }
  const workers = o.workers ?? 1;
  // On wasm, one thread unless told otherwise: for data-parallel workers, which each run their own
  // backend, and for NVAE, whose ~13,500 small kernels a step lose more to XNNPACK's thread hand-offs than
  // its convolutions gain (mnist-small, batch 64: 81.5 images/s on one thread, 75.1 on two).
  const threads = o.threads ?? (workers > 1 || o.model === 'nvae' ? 1 : undefined);
  const backend = await useBackend(o.backend, threads === undefined ? {} : { threads });
  if (o.json !== true) io.stdout(`backend: ${backend.name} (${backend.reason})\n`);
  const images = await loadImages(o.data, o.range, 'train');
  const dir = checkpointDir(o.out);
  if (o.model !== 'nvae' && o.set !== undefined && o.set.length > 0) {
    throw new ArgumentError(`train: --set ${o.set[0]} configures an NVAE, expected --model nvae`);
  }
  let config: Parameters<typeof createModel>[0] =
    o.model === 'nvae'
      ? {
          kind: 'nvae',
          preset: o.preset ?? 'mnist-small',
          inputShape: [images.rows, images.cols, 1],
          seed: o.seed,
          ...readSettings(o.set ?? []),
        }
      : {
          kind: o.model,
          arch: o.arch,
          latent: o.latent,
          likelihood: o.likelihood,
          inputShape: [images.rows, images.cols, 1],
          seed: o.seed,
          ...(o.hidden !== undefined ? { hidden: o.hidden } : {}),
          ...(o.beta !== undefined ? { beta: o.beta } : {}),
          ...(o.iw !== undefined ? { iw: o.iw } : {}),
        };
  const resuming =
    o.resume === true && (existsSync(path.join(dir, 'model.json')) || existsSync(`${dir}.old`));
  if (o.resume === true && !resuming) {
    throw new ArgumentError(
      `train: --resume, but ${o.out} holds no checkpoint to resume (train without --resume first)`,
    );
  }
  if (resuming) {
    const checkpoint = await loadCheckpoint(dir);
    config = checkpoint.config as unknown as typeof config;
    disposeCheckpoint(checkpoint);
  }
  mkdirSync(o.out, { recursive: true });
  const model = createModel(config);
  const isNvae = model instanceof Nvae;
  const batchSize = o.batchSize ?? (isNvae ? 64 : 128);
  const perEpoch = Math.ceil(images.count / batchSize);
  // NVAE's defaults (Vahdat & Kautz 2020 warm the KL up over 30% of training).
  const learningRate = o.lr ?? (isNvae ? 3e-3 : 1e-3);
  const klWarmup = o.klWarmup ?? (isNvae ? Math.round(0.3 * o.epochs * perEpoch) : undefined);
  // Per-epoch diagnostics of an NVAE, kept across resumed runs (an epoch trained again replaces its entry).
  const diagnosticsFile = path.join(o.out, 'diagnostics.json');
  let diagnostics: Array<{ epoch: number; groups?: unknown }> =
    resuming && existsSync(diagnosticsFile) ? readDiagnostics(diagnosticsFile) : [];
  const bar = new ProgressBar(io, o.epochs * perEpoch);
  let pool: WorkerGradientPool | undefined;
  try {
    if (workers > 1) {
      pool = await WorkerGradientPool.start(workers - 1, backend.name, model.config, backend.threads);
      if (o.json !== true) io.stdout(`data parallel: ${workers} threads on ${backend.name}\n`);
    }
    const result = await fit({
      model,
      data: (epoch) =>
        (function* () {
          for (const b of batches(images, {
            batchSize,
            seed: o.seed,
            epoch,
            binarize: binarizeOption(o.binarize),
          })) {
            yield b.images;
          }
        })(),
      epochs: o.epochs,
      seed: o.seed,
      learningRate,
      checkpoint: { dir },
      resume: resuming,
      ...(klWarmup !== undefined ? { klWarmup } : {}),
      ...(o.clipNorm !== undefined ? { clipNorm: o.clipNorm } : {}),
      ...(pool !== undefined ? { pool } : {}),
      callbacks: {
        onStep: ({ step, epoch, loss, imagesPerSecond }) =>
          bar.update(
            step,
            `epoch ${epoch}/${o.epochs}  loss ${loss.toFixed(2)}  ${imagesPerSecond.toFixed(0)} img/s`,
          ),
        onEpochEnd: async ({ epoch, metrics, seconds }) => {
          bar.done();
          if (o.json !== true) {
            io.stdout(
              `epoch ${epoch}: loss ${metrics.loss.toFixed(3)} (${seconds.toFixed(1)} s), checkpoint ${dir}\n`,
            );
          }
          if (isNvae) {
            const groups = await groupDiagnostics(model, images, o.binarize);
            diagnostics = [...diagnostics.filter((d) => d.epoch < epoch), { epoch, groups }];
            writeFileSync(diagnosticsFile, `${JSON.stringify(diagnostics, null, 1)}\n`);
            if (o.json !== true) {
              const active = groups.reduce((a, g) => a + (g.activeUnits > 0 ? 1 : 0), 0);
              io.stdout(
                `  latent groups (KL nats / active units of size): ${groups
                  .map((g) => `${g.index}: ${g.kl.toFixed(1)} / ${g.activeUnits} of ${g.size}`)
                  .join(', ')}; ${active} of ${groups.length} groups active\n`,
              );
            }
          }
        },
      },
    });
    bar.done();
    const samples = path.join(o.out, 'samples.png');
    const reconstructions = path.join(o.out, 'reconstructions.png');
    writeSamples(model, o.seed, samples);
    const cooler = path.join(o.out, 'samples-t0.8.png');
    if (isNvae) writeSamples(model, o.seed, cooler, 0.8);
    writeReconstructions(model, images, o.binarize, reconstructions);
    if (o.json === true) {
      io.stdout(
        `${JSON.stringify({
          backend: backend.name,
          epoch: result.epoch,
          imagesPerSecond: result.imagesPerSecond,
          seconds: result.seconds,
          loss: result.loss,
          resumedFrom: result.resumedFrom,
          checkpoint: dir,
        })}\n`,
      );
    } else {
      io.stdout(
        `trained on ${backend.name}: epoch ${result.epoch}, loss ${result.loss.toFixed(3)}, ` +
          `${result.imagesPerSecond.toFixed(0)} images/s\nsamples: ${samples}${isNvae ? ` (temperature 0.8: ${cooler})` : ''}\nreconstructions: ${reconstructions}\n`,
      );
    }
    return 0;
  } finally {
    await pool?.close();
    model.dispose();
  }
}

/**
 * Parses `--set field=value` overrides of an NVAE config: numbers, comma-separated number lists,
 * true/false and null; anything else stays a string (createModel then names a bad field).
 */
export function readSettings(settings: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of settings) {
    const at = item.indexOf('=');
    const key = item.slice(0, at);
    const raw = item.slice(at + 1).trim();
    let value: unknown = raw;
    if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (raw === 'null') value = null;
    else if (key === 'groupsPerScale' || raw.includes(',')) value = raw.split(',').map((v) => Number(v));
    else if (raw !== '' && Number.isFinite(Number(raw))) value = Number(raw);
    out[key] = value;
  }
  return out;
}

function readDiagnostics(file: string): Array<{ epoch: number }> {
  try {
    const d = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(d) ? (d as Array<{ epoch: number }>) : [];
  } catch {
    return []; // a damaged diagnostics file is rewritten from this run's epochs
  }
}

/** KL and active units per latent group on the first 500 training images (threshold-binarised). */
async function groupDiagnostics(
  model: Nvae,
  images: Awaited<ReturnType<typeof loadImages>>,
  binarizeName: BinarizeName,
) {
  const [first] = batches(images, {
    batchSize: Math.min(500, images.count),
    seed: 0,
    shuffle: false,
    binarize: binarizeName === 'dynamic' ? { method: 'threshold' } : binarizeOption(binarizeName),
  });
  if (first === undefined) return [];
  try {
    return await model.diagnostics(first.images, 0);
  } finally {
    first.images.dispose();
  }
}

function writeSamples(
  model: ReturnType<typeof createModel>,
  seed: number,
  file: string,
  temperature = 1,
): void {
  if (!('sample' in model)) return; // an auto-encoder has no prior to sample from
  const x = model.sample(64, seed + 1, temperature);
  try {
    writeImageGrid(x, 8, file);
  } finally {
    x.dispose();
  }
}

function writeReconstructions(
  model: ReturnType<typeof createModel>,
  images: Awaited<ReturnType<typeof loadImages>>,
  binarizeName: BinarizeName,
  file: string,
): void {
  const [first] = batches(images, {
    batchSize: Math.min(32, images.count),
    seed: 0,
    shuffle: false,
    binarize: binarizeName === 'dynamic' ? { method: 'threshold' } : binarizeOption(binarizeName),
  });
  if (first === undefined) return;
  const both = tf.tidy(() => {
    const xr = model.reconstruct(first.images);
    // Rows of 8: originals, then their reconstructions below them.
    const n = first.images.shape[0]!;
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < n; i += 8) {
      const size = Math.min(8, n - i);
      rows.push(
        tf.slice(first.images, [i, 0, 0, 0], [size, -1, -1, -1]),
        tf.slice(xr, [i, 0, 0, 0], [size, -1, -1, -1]),
      );
    }
    return tf.concat(rows, 0);
  });
  first.images.dispose();
  try {
    writeImageGrid(both, 8, file);
  } finally {
    both.dispose();
  }
}
