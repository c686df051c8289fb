import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  formatShape,
  logSigmoid,
  logSumExp,
  maskOf,
  ShapeError,
  softplus,
  toFloatTensor,
  type TensorInput,
} from '@elbo/core';

/** The floor of a logistic component's log-scale (σ ≥ e⁻⁷, as in PixelCNN++). */
const MIN_LOG_SCALE = -7;

/**
 * The log-probability of 8-bit images under a discretised mixture of logistics (Salimans et al. 2017,
 * PixelCNN++; NVAE's output for 8-bit data), channels independent given the component (no RGB
 * coupling). Intensities x ∈ {0, 1/255, …, 1} are mapped to y = 2x − 1 ∈ [−1, 1] with bins of half-width
 * 1/255; component m has weight πₘ (softmax of the logits), location μₘ and scale sₘ = exp(max(log sₘ, −7)):
 *
 *   P(x) = Σₘ πₘ Πc [F((y + 1/255 − μ)/s) − F((y − 1/255 − μ)/s)],  F the logistic CDF,
 *
 * with the first bin's lower edge at −∞ and the last's upper edge at +∞, so the 256 probabilities of each
 * pixel sum to 1. Where a bin's mass is below 1e-5 the density at its centre times its width is used.
 *
 * @param params - [..., H, W, M·(1 + 2C)]: M mixture logits, then M·C locations, then M·C log-scales.
 * @param x - images [..., H, W, C] in [0, 1] (multiples of 1/255).
 * @param mixtures - M.
 * @returns log P(x) per image, summed over pixels: [...] (params' leading axes), owned by the caller.
 * @throws ShapeError when params' last axis is not M·(1 + 2C) or the shapes disagree.
 * @example const ll = logisticMixtureLogProb(out, x, 10); // [B]
 */
export function logisticMixtureLogProb(params: TensorInput, x: TensorInput, mixtures: number): tf.Tensor {
  const fn = 'logisticMixtureLogProb';
  if (!Number.isInteger(mixtures) || mixtures < 1) {
    throw new ArgumentError(`${fn}: argument 'mixtures' is ${mixtures}, expected a positive integer`);
  }
  return tf.tidy(() => {
    const p = toFloatTensor(params, 'params', fn);
    const xt = toFloatTensor(x, 'x', fn);
    const c = xt.shape[xt.rank - 1] as number;
    const m = mixtures;
    const last = p.shape[p.rank - 1];
    if (
      last !== m * (1 + 2 * c) ||
      p.rank !== xt.rank ||
      p.shape.slice(0, -1).some((d, i) => d !== xt.shape[i])
    ) {
      throw new ShapeError(
        `${fn}: argument 'params' has shape ${formatShape(p.shape)}, expected ${formatShape([...xt.shape.slice(0, -1), m * (1 + 2 * c)])} for x ${formatShape(xt.shape)} and ${m} mixtures`,
      );
    }
    // Every pixel as a row [N, ·] (rank ≤ 3 throughout: WebGL's where has no rank-5 form).
    const lead = p.shape.slice(0, -1);
    const n = lead.reduce((a, b) => a * b, 1);
    const p2 = tf.reshape(p, [n, m * (1 + 2 * c)]);
    const logits = tf.slice(p2, [0, 0], [n, m]);
    const loc = tf.reshape(tf.slice(p2, [0, m], [n, m * c]), [n, c, m]);
    const logScale = tf.maximum(
      tf.reshape(tf.slice(p2, [0, m + m * c], [n, m * c]), [n, c, m]),
      MIN_LOG_SCALE,
    );
    const y = tf.reshape(tf.sub(tf.mul(xt, 2), 1), [n, c, 1]);
    const centered = tf.sub(y, loc);
    const invS = tf.exp(tf.neg(logScale));
    const plus = tf.mul(tf.add(centered, 1 / 255), invS);
    const minus = tf.mul(tf.sub(centered, 1 / 255), invS);
    const mid = tf.mul(centered, invS);
    // log F(plus) for the first bin, log(1 − F(minus)) for the last, log(F(plus) − F(minus)) between.
    const logCdfPlus = logSigmoid(plus);
    const logOneMinusCdfMinus = tf.neg(softplus(minus));
    const delta = tf.sub(tf.sigmoid(plus), tf.sigmoid(minus));
    const logPdfMid = tf.add(tf.sub(tf.sub(mid, logScale), tf.mul(2, softplus(mid))), Math.log(2 / 255));
    const big = maskOf([delta], (d) => tf.greater(d, 1e-5));
    const logDelta = tf.where(big, tf.log(tf.maximum(delta, 1e-12)), logPdfMid);
    const isFirst = tf.broadcastTo(
      maskOf([y], (v) => tf.less(v, -0.999)),
      [n, c, m],
    );
    const isLast = tf.broadcastTo(
      maskOf([y], (v) => tf.greater(v, 0.999)),
      [n, c, m],
    );
    const logBin = tf.where(isFirst, logCdfPlus, tf.where(isLast, logOneMinusCdfMinus, logDelta)); // [N, C, M]
    const logMix = tf.sub(logits, tf.expandDims(logSumExp(logits, -1), -1)); // [N, M]
    const perPixel = tf.reshape(logSumExp(tf.add(tf.sum(logBin, 1), logMix), -1), lead); // [..., H, W]
    return tf.sum(perPixel, [perPixel.rank - 2, perPixel.rank - 1]);
  });
}

/**
 * The mean intensity of each pixel under the mixture: Σₘ πₘ·clip((μₘ + 1)/2, 0, 1), [..., H, W, C].
 *
 * @returns a new tensor, owned by the caller.
 * @example const img = logisticMixtureMean(out, 10, 1);
 */
export function logisticMixtureMean(params: TensorInput, mixtures: number, channels: number): tf.Tensor {
  return tf.tidy(() => {
    const p = toFloatTensor(params, 'params', 'logisticMixtureMean');
    const lead = p.shape.slice(0, -1);
    const m = mixtures;
    const pi = tf.softmax(tf.slice(p, [...lead.map(() => 0), 0], [...lead, m]));
    const loc = tf.reshape(tf.slice(p, [...lead.map(() => 0), m], [...lead, m * channels]), [
      ...lead,
      channels,
      m,
    ]);
    const intensity = tf.clipByValue(tf.div(tf.add(loc, 1), 2), 0, 1);
    return tf.sum(tf.mul(intensity, tf.expandDims(pi, -2)), -1);
  });
}
