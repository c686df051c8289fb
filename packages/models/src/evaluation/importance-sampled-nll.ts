import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, foldIn, logSumExp, random, toSeed, type Seed } from '@elbo/core';

/**
 * What the evaluation needs of a model: its latent size and log importance weights
 * log w = log p(x | z) + log p(z) − log q(z | x) for draws z = μ(x) + σ(x)·ε, eps [k, B, latent] →
 * [k, B]. `VariationalAutoencoder` is one.
 */
export interface ImportanceWeightedModel {
  readonly latentSize: number;
  logImportanceWeights(x: tf.Tensor, eps: tf.Tensor): tf.Tensor;
}

/** Options of {@link importanceSampledNll} and {@link testElbo}. */
export interface EvaluationOptions {
  /** The number K of importance samples per image (default 1000 for the NLL, 1 for the ELBO). */
  readonly samples?: number;
  /** The seed of the draws. */
  readonly seed: Seed | number;
  /** How many of the K draws are evaluated at once, to bound memory (default 100). */
  readonly chunk?: number;
}

function readOptions(options: EvaluationOptions, fn: string, defaultSamples: number) {
  const key = toSeed(options.seed, 'options.seed', fn);
  const samples = options.samples ?? defaultSamples;
  const chunk = options.chunk ?? 100;
  for (const [name, v] of [
    ['samples', samples],
    ['chunk', chunk],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new ArgumentError(
        `${fn}: argument 'options.${name}' is ${String(v)}, expected a positive integer`,
      );
    }
  }
  return { key, samples, chunk };
}

/** Calls f on each chunk of draws: eps [c, B, latent] from foldIn(seed, chunk index). */
function forEachChunk(
  model: ImportanceWeightedModel,
  x: tf.Tensor,
  o: { key: Seed; samples: number; chunk: number },
  f: (logW: tf.Tensor) => void,
): void {
  const b = x.shape[0] ?? 0;
  for (let start = 0, i = 0; start < o.samples; start += o.chunk, i++) {
    const c = Math.min(o.chunk, o.samples - start);
    tf.tidy(() =>
      f(model.logImportanceWeights(x, random.normal([c, b, model.latentSize], foldIn(o.key, i)))),
    );
  }
}

/**
 * The importance-sampled negative log-likelihood of each image (Burda et al. 2016, the standard VAE test
 * metric), in nats:
 *
 *   −log p(x) ≈ −log (1/K) Σₖ p(x | zₖ) p(zₖ) / q(zₖ | x),   zₖ ~ q(z | x),
 *
 * computed as −(logSumExp_k log wₖ − log K), accumulated over chunks of draws with a running logSumExp
 * so that memory stays bounded by `chunk`. It is an upper bound on −log p(x) in expectation (it is the
 * negative IWAE bound with K samples) that tightens as K grows, and it is exact for every K when q is the
 * true posterior. For binarised images with a Bernoulli decoder this is a discrete log-probability.
 *
 * @param model - a model with `latentSize` and `logImportanceWeights` (a VariationalAutoencoder).
 * @param x - images [B, H, W, C] or [B, D].
 * @returns −log p̂(x) per image, [B], owned by the caller.
 * @throws ArgumentError for bad options.
 * @example
 * const nll = importanceSampledNll(model, testBatch, { samples: 1000, seed: 0 }); // ≈ 80–90 nats on MNIST
 */
export function importanceSampledNll(
  model: ImportanceWeightedModel,
  x: tf.Tensor,
  options: EvaluationOptions,
): tf.Tensor1D {
  const o = readOptions(options, 'importanceSampledNll', 1000);
  let acc: tf.Tensor | undefined;
  forEachChunk(model, x, o, (logW) => {
    const part = logSumExp(logW, 0);
    const next = acc === undefined ? part : logSumExp(tf.stack([acc, part]), 0);
    acc?.dispose();
    acc = tf.keep(next);
  });
  const total = acc as tf.Tensor;
  const nll = tf.tidy(() => tf.neg(tf.sub(total, Math.log(o.samples))));
  total.dispose();
  return nll as tf.Tensor1D;
}

/**
 * The test ELBO of each image, in nats: E_q[log p(x | z) + log p(z) − log q(z | x)], estimated with K
 * draws (default 1; chunked like {@link importanceSampledNll}). ELBO ≤ log p(x) ≈ −NLL; the difference is
 * the posterior gap KL(q(z|x) ‖ p(z|x)).
 *
 * @returns the ELBO per image, [B], owned by the caller.
 * @example const elbo = testElbo(model, testBatch, { samples: 10, seed: 1 });
 */
export function testElbo(
  model: ImportanceWeightedModel,
  x: tf.Tensor,
  options: EvaluationOptions,
): tf.Tensor1D {
  const o = readOptions(options, 'testElbo', 1);
  let acc: tf.Tensor | undefined;
  forEachChunk(model, x, o, (logW) => {
    const next = acc === undefined ? tf.sum(logW, 0) : tf.add(acc, tf.sum(logW, 0));
    acc?.dispose();
    acc = tf.keep(next);
  });
  const total = acc as tf.Tensor;
  const elbo = tf.div(total, o.samples);
  total.dispose();
  return elbo as tf.Tensor1D;
}

/**
 * Both figures of {@link importanceSampledNll} and {@link testElbo} from ONE set of K draws per image
 * (half the work of calling both): the NLL −(logSumExp_k log wₖ − log K) and the ELBO mean_k log wₖ,
 * with the same draws as those functions for the same seed and chunk.
 *
 * @returns `{ nll, elbo }`, each [B], owned by the caller.
 * @example const { nll, elbo } = importanceSampledBounds(model, x, { samples: 100, seed: 0 });
 */
export function importanceSampledBounds(
  model: ImportanceWeightedModel,
  x: tf.Tensor,
  options: EvaluationOptions,
): { nll: tf.Tensor1D; elbo: tf.Tensor1D } {
  const o = readOptions(options, 'importanceSampledBounds', 1000);
  let lse: tf.Tensor | undefined;
  let sum: tf.Tensor | undefined;
  forEachChunk(model, x, o, (logW) => {
    const part = logSumExp(logW, 0);
    const nextLse = lse === undefined ? part : logSumExp(tf.stack([lse, part]), 0);
    const nextSum = sum === undefined ? tf.sum(logW, 0) : tf.add(sum, tf.sum(logW, 0));
    lse?.dispose();
    sum?.dispose();
    lse = tf.keep(nextLse);
    sum = tf.keep(nextSum);
  });
  const [a, b] = [lse as tf.Tensor, sum as tf.Tensor];
  const out = tf.tidy(() => ({
    nll: tf.neg(tf.sub(a, Math.log(o.samples))) as tf.Tensor1D,
    elbo: tf.div(b, o.samples) as tf.Tensor1D,
  }));
  tf.dispose([a, b]);
  return out;
}

/**
 * Bits per dimension of a negative log-likelihood in nats per image: bpd = nats / (D·ln 2), D = the
 * number of pixels × channels. For binarised data with a Bernoulli decoder the NLL is a probability
 * and this is the figure to report (MNIST ≈ 80 nats ≈ 0.147 bits/dim). For a density on 8-bit data
 * scaled to [0, 1] (Gaussian or continuous-Bernoulli decoders), pass `levels: 256`: the discrete
 * likelihood of the dequantised data adds D·ln 256 nats, bpd = (nats + D·ln levels) / (D·ln 2).
 *
 * @throws ArgumentError for a non-positive D or levels.
 * @example bitsPerDim(80, 784) // ≈ 0.1472
 */
export function bitsPerDim(nats: number, dims: number, options: { levels?: number } = {}): number {
  if (!Number.isInteger(dims) || dims < 1) {
    throw new ArgumentError(
      `bitsPerDim: argument 'dims' is ${dims}, expected a positive integer (pixels × channels)`,
    );
  }
  const levels = options.levels;
  if (levels !== undefined && (!Number.isFinite(levels) || levels < 1)) {
    throw new ArgumentError(
      `bitsPerDim: argument 'options.levels' is ${levels}, expected a number ≥ 1 (e.g. 256)`,
    );
  }
  return (nats + (levels === undefined ? 0 : dims * Math.log(levels))) / (dims * Math.LN2);
}
