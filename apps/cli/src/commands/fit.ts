import * as tf from '@tensorflow/tfjs-core';
import { useBackend, type BackendName } from '@elbo/backends';
import { ArgumentError } from '@elbo/core';
import { MixtureSameFamily, Normal } from '@elbo/distributions';
import {
  amariAlpha,
  jeffreys,
  jensenShannon,
  klForward,
  klReverse,
  monteCarloDivergence,
  pearson,
  squaredHellinger,
  totalVariation,
  type CsiszarFunction,
} from '@elbo/divergences';
import { fitSurrogatePosterior, meanFieldGuide } from '@elbo/inference';
import { renameSync, writeFileSync } from 'node:fs';
import type { Io } from '../io.js';
import { FIT_PALETTE, renderFitFrame } from '../plot/fit-frame.js';
import { encodeGif } from '../plot/gif.js';

/** The divergences `elbo fit` minimises, by their command-line names. */
export const FIT_DIVERGENCES = [
  'kl-reverse',
  'kl-forward',
  'alpha',
  'jensen-shannon',
  'hellinger',
  'pearson',
  'total-variation',
  'jeffreys',
] as const;
export type FitDivergenceName = (typeof FIT_DIVERGENCES)[number];

/** Options of `elbo fit`. */
export interface FitCommandOptions {
  readonly targetWeights: number[];
  readonly targetLocs: number[];
  readonly targetScales: number[];
  readonly divergence: FitDivergenceName;
  readonly alpha: number;
  readonly steps: number;
  readonly lr: number;
  readonly samples: number;
  readonly seed: number;
  readonly initLoc: number;
  readonly initScale: number;
  readonly frames: number;
  readonly out?: string;
  readonly backend: BackendName | 'auto';
  readonly json?: boolean;
}

function csiszar(name: FitDivergenceName, alpha: number): CsiszarFunction {
  switch (name) {
    case 'kl-reverse':
      return klReverse;
    case 'kl-forward':
      return klForward;
    case 'alpha':
      return amariAlpha(alpha);
    case 'jensen-shannon':
      return jensenShannon;
    case 'hellinger':
      return squaredHellinger;
    case 'pearson':
      return pearson;
    case 'total-variation':
      return totalVariation;
    case 'jeffreys':
      return jeffreys;
  }
}

function checkTarget(o: FitCommandOptions): void {
  const k = o.targetWeights.length;
  if (o.targetLocs.length !== k || o.targetScales.length !== k) {
    throw new ArgumentError(
      `fit: --target-weights has ${k} values, --target-locs ${o.targetLocs.length}, --target-scales ${o.targetScales.length}, expected one of each per component`,
    );
  }
  if (o.targetWeights.some((w) => !(w > 0))) {
    throw new ArgumentError(
      `fit: --target-weights ${o.targetWeights.join(',')}, expected numbers > 0 (they are normalised)`,
    );
  }
  if (o.targetScales.some((s) => !(s > 0))) {
    throw new ArgumentError(`fit: --target-scales ${o.targetScales.join(',')}, expected numbers > 0`);
  }
  if (!(o.initScale > 0)) throw new ArgumentError(`fit: --init-scale ${o.initScale}, expected a number > 0`);
}

/** `count` step indices spread evenly over 0..steps−1, always including the last. */
function frameSteps(steps: number, count: number): number[] {
  const n = Math.max(1, Math.min(count, steps));
  return Array.from({ length: n }, (_, i) => (n === 1 ? steps - 1 : Math.round((i * (steps - 1)) / (n - 1))));
}

/**
 * `elbo fit`: the seed's animation. Fits q = Normal(loc, scale) to a Gaussian mixture target by
 * minimising a Csiszár divergence with Adam (`fitSurrogatePosterior`), then writes an animated GIF of
 * the target, the current q and the divergence over the steps, and with `--json` one line
 * `{ loc, scale, divergence, history }`.
 */
export async function fitCommand(o: FitCommandOptions, io: Io): Promise<number> {
  checkTarget(o);
  const backend = await useBackend(o.backend);
  const f = csiszar(o.divergence, o.alpha);
  const logWeights = o.targetWeights.map((w) => Math.log(w));
  const components = new Normal(o.targetLocs, o.targetScales);
  const target = new MixtureSameFamily(logWeights, components);
  const guide = meanFieldGuide({ shape: [], loc: o.initLoc, scale: o.initScale });
  const optimizer = tf.train.adam(o.lr);
  const track: { loc: number; scale: number }[] = [];
  try {
    const { losses } = fitSurrogatePosterior((z) => target.logProb(z), guide, {
      optimizer,
      steps: o.steps,
      samples: o.samples,
      seed: o.seed,
      divergence: f,
      trace: ({ surrogate }) => {
        const p = surrogate.parameters();
        track.push({ loc: p['loc']!.dataSync()[0]!, scale: p['scale']!.dataSync()[0]! });
        tf.dispose(Object.values(p));
      },
    });
    const last = track[track.length - 1]!;
    // The final divergence, estimated with many draws from q (a fixed seed), not the last step's noisy one.
    const divergence = tf.tidy(() => {
      const q = new Normal(last.loc, last.scale);
      return monteCarloDivergence(q, target, f, { samples: 8192, seed: o.seed + 1 }).dataSync()[0]!;
    });
    if (o.out !== undefined) writeAnimation(o, target, track, losses, o.out);
    const result = { loc: last.loc, scale: last.scale, divergence, history: losses };
    if (o.json === true) {
      io.stdout(`${JSON.stringify(result)}\n`);
    } else {
      io.stdout(
        `backend: ${backend.name}\n` +
          `${o.divergence}: q = Normal(${last.loc.toFixed(4)}, ${last.scale.toFixed(4)}) after ${o.steps} steps, divergence ${divergence.toFixed(5)}\n` +
          (o.out !== undefined ? `animation: ${o.out}\n` : ''),
      );
    }
    return 0;
  } finally {
    guide.dispose();
    target.dispose();
    components.dispose();
    optimizer.dispose();
  }
}

function writeAnimation(
  o: FitCommandOptions,
  target: MixtureSameFamily,
  track: readonly { loc: number; scale: number }[],
  losses: readonly number[],
  out: string,
): void {
  const lo = Math.min(...o.targetLocs.map((m, i) => m - 4 * o.targetScales[i]!), o.initLoc - 3 * o.initScale);
  const hi = Math.max(...o.targetLocs.map((m, i) => m + 4 * o.targetScales[i]!), o.initLoc + 3 * o.initScale);
  const xs = Array.from({ length: 241 }, (_, i) => lo + ((hi - lo) * i) / 240);
  const targetDensity = tf.tidy(() => Array.from(target.prob(tf.tensor1d(xs)).dataSync()));
  const normal = (m: number, s: number) => (x: number) =>
    Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
  const steps = frameSteps(track.length, o.frames);
  const qs = steps.map((s) => xs.map(normal(track[s]!.loc, track[s]!.scale)));
  const densityMax = 1.05 * Math.max(...targetDensity, ...qs.map((q) => Math.max(...q)));
  // Each step's loss is a Monte Carlo estimate: the panel draws its exponential moving average (about
  // the last 20 steps), on an axis from the 2nd to the 98th percentile so that early outliers do not
  // flatten it.
  const smoothed: number[] = [];
  for (const v of losses) {
    const previous = smoothed[smoothed.length - 1];
    smoothed.push(previous === undefined || !Number.isFinite(previous) ? v : previous + (v - previous) / 20);
  }
  const sorted = smoothed.filter(Number.isFinite).sort((a, b) => a - b);
  const range: [number, number] = [
    sorted[Math.floor(0.02 * (sorted.length - 1))] ?? 0,
    sorted[Math.ceil(0.98 * (sorted.length - 1))] ?? 1,
  ];
  const frames = steps.map((s, i) =>
    renderFitFrame({
      xs,
      target: targetDensity,
      q: qs[i]!,
      densityMax,
      history: smoothed.slice(0, s + 1).map((v) => Math.min(Math.max(v, range[0]), range[1])),
      totalSteps: losses.length,
      historyRange: range,
    }),
  );
  const bytes = encodeGif(frames, FIT_PALETTE, 80);
  // Written beside the destination and renamed, so that a failure never leaves half a file at `out`.
  const partial = `${out}.partial-${process.pid}`;
  writeFileSync(partial, bytes);
  renameSync(partial, out);
}
