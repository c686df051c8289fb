// Internal: log p(x | z) of the decoders' observation models, summed over pixels.
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '@elbo/core';
import { Bernoulli, ContinuousBernoulli, Independent, Normal, type Distribution } from '@elbo/distributions';
import type { ModelConfig } from './config.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** The clamp of the learned Gaussian log σ. */
export const LOG_SCALE_RANGE = [-6, 2] as const;

/** σ of the Gaussian likelihood: fixed, or exp(clamp(logScale)). Call inside tf.tidy. */
export function gaussianScale(config: ModelConfig, logScale: tf.Tensor | undefined): tf.Tensor {
  if (logScale === undefined) return tf.scalar(config.gaussianScale ?? 1);
  return tf.exp(tf.clipByValue(logScale, LOG_SCALE_RANGE[0], LOG_SCALE_RANGE[1]));
}

/**
 * log p(x | z) summed over the last axis, for decoder outputs `out` [..., D] and images x broadcasting
 * against them ([B, D] against [k, B, D]). Call inside tf.tidy.
 *
 * - bernoulli: x·ℓ − softplus(ℓ) (exact for binary x; the usual cross-entropy for x in [0, 1]);
 * - continuous-bernoulli: the same plus log C(λ), from `ContinuousBernoulli.logProb`;
 * - gaussian: −½((x − μ)/σ)² − log σ − ½ log 2π.
 */
export function logLikelihood(
  config: ModelConfig,
  out: tf.Tensor,
  x: tf.Tensor,
  logScale: tf.Tensor | undefined,
): tf.Tensor {
  switch (config.likelihood) {
    case 'bernoulli':
      return tf.sum(tf.sub(tf.mul(x, out), softplus(out)), -1);
    case 'continuous-bernoulli': {
      const d = new ContinuousBernoulli({ logits: out });
      const lp = tf.sum(d.logProb(tf.broadcastTo(x, out.shape)), -1);
      d.dispose();
      return lp;
    }
    case 'gaussian': {
      const s = gaussianScale(config, logScale);
      const zs = tf.div(tf.sub(x, out), s);
      return tf.sum(tf.sub(tf.sub(tf.mul(-0.5, tf.square(zs)), tf.log(s)), HALF_LOG_TWO_PI), -1);
    }
  }
}

/**
 * The parameter tensors of p(x | z) for decoder outputs [N, D]: `{ logits }` or `{ loc, scale }`, each
 * [N, ...inputShape]. Call inside tf.tidy and return them.
 */
export function observationParameters(
  config: ModelConfig,
  out: tf.Tensor2D,
  logScale: tf.Tensor | undefined,
): Record<string, tf.Tensor> {
  const shaped = tf.reshape(out, [out.shape[0], ...config.inputShape]);
  if (config.likelihood !== 'gaussian') return { logits: shaped };
  const s = gaussianScale(config, logScale);
  return {
    loc: shaped,
    scale: tf.broadcastTo(logScale === undefined ? s : tf.reshape(s, config.inputShape), shaped.shape),
  };
}

/** p(x | z) with event shape inputShape, over tensors from {@link observationParameters} (not copied). */
export function observationModel(config: ModelConfig, params: Record<string, tf.Tensor>): Distribution {
  switch (config.likelihood) {
    case 'bernoulli':
      return new Independent(new Bernoulli({ logits: params['logits'] as tf.Tensor }), 3);
    case 'continuous-bernoulli':
      return new Independent(new ContinuousBernoulli({ logits: params['logits'] as tf.Tensor }), 3);
    case 'gaussian':
      return new Independent(new Normal(params['loc'] as tf.Tensor, params['scale'] as tf.Tensor), 3);
  }
}

/**
 * The mean E[x | z] of a decoder's output [N, D], reshaped to [N, ...inputShape]: σ(ℓ) (bernoulli), the
 * continuous Bernoulli's mean, or μ (gaussian). Call inside tf.tidy.
 */
export function observationMean(config: ModelConfig, out: tf.Tensor2D): tf.Tensor {
  const shaped = tf.reshape(out, [out.shape[0], ...config.inputShape]);
  switch (config.likelihood) {
    case 'bernoulli':
      return tf.sigmoid(shaped);
    case 'continuous-bernoulli': {
      const d = new ContinuousBernoulli({ logits: shaped });
      const m = d.mean();
      d.dispose();
      return m;
    }
    case 'gaussian':
      return shaped;
  }
}
