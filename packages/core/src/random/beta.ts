import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { sumToShape, withGradient } from './custom-gradient.js';
import { gammaLogSampleGradient } from './gamma-gradient.js';
import { checkShape } from './sample-shape.js';
import { splitSeed, toSeed, type Seed } from './seed.js';
import { concentrationValues, FLOAT32_MIN_NORMAL, sampleLogGamma } from './standard-gamma.js';

/** The largest float32 below 1. */
const FLOAT32_BELOW_ONE = 1 - 2 ** -24;

/**
 * Draws Beta(α, β) variates (density x^{α−1} (1 − x)^{β−1} / B(α, β) on 0 < x < 1) as a float32 tensor of
 * shape `shape` that the caller owns, with `concentration1` α and `concentration0` β broadcast to
 * `shape` (TensorFlow Probability's names). Built from two gamma draws, x = G_α / (G_α + G_β) with
 * G_α ~ Gamma(α, 1) from `splitSeed(s, 2)[0]` and G_β ~ Gamma(β, 1) from `splitSeed(s, 2)[1]` (see
 * {@link gamma}); the ratio is taken in float64 from the logs, x = 1 / (1 + exp(log G_β − log G_α)), so
 * that it stays exact when both gammas are far below the float32 range (α, β ≪ 1). The float32 result is
 * kept inside [2^-126, 1 − 2^-24], and is bit-identical on every backend.
 *
 * Differentiable in α and β: with the implicit gamma gradients (Figurnov et al. 2018),
 *
 *   ∂x/∂α = x (1 − x) · d log G_α/dα,   ∂x/∂β = −x (1 − x) · d log G_β/dβ,
 *
 * in float64, summed over broadcast axes.
 *
 * @param shape - the output shape (non-negative integers).
 * @param concentration1 - α > 0, finite, broadcastable to `shape`.
 * @param concentration0 - β > 0, finite, broadcastable to `shape`.
 * @param s - a Seed or a non-negative safe integer.
 * @throws ShapeError, ArgumentError or DomainError as {@link gamma}, naming the offending argument.
 * @example
 * const x = beta([1000], 2, 5, seed(0)); // mean ≈ 2/7
 * const g = tf.grad((a) => tf.mean(beta([1000], a, 5, seed(0))))(tf.scalar(2)); // ≈ 5/49
 */
export function beta(
  shape: readonly number[],
  concentration1: TensorInput,
  concentration0: TensorInput,
  s: Seed | number,
): tf.Tensor {
  const fn = 'beta';
  const dims = checkShape(shape, fn, 'shape');
  const [seed1, seed0] = splitSeed(toSeed(s, 'seed', fn), 2) as [Seed, Seed];
  return tf.tidy(() => {
    const tensor1 = toFloatTensor(concentration1, 'concentration1', fn);
    const tensor0 = toFloatTensor(concentration0, 'concentration0', fn);
    const alpha1 = concentrationValues(tensor1, dims, fn, 'concentration1');
    const alpha0 = concentrationValues(tensor0, dims, fn, 'concentration0');
    const log1 = sampleLogGamma(alpha1, seed1.key);
    const log0 = sampleLogGamma(alpha0, seed0.key);
    const n = log1.length;
    return withGradient(
      [tensor1, tensor0],
      () => {
        const values = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const d = (log1[i] as number) - (log0[i] as number);
          const x = Math.fround(d >= 0 ? 1 / (1 + Math.exp(-d)) : Math.exp(d) / (1 + Math.exp(d)));
          values[i] = Math.min(Math.max(x, FLOAT32_MIN_NORMAL), FLOAT32_BELOW_ONE);
        }
        return tf.tensor(values, dims, 'float32');
      },
      (dy) => {
        const grad1 = new Float32Array(n);
        const grad0 = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const l1 = log1[i] as number;
          const l0 = log0[i] as number;
          const e = Math.exp(-Math.abs(l1 - l0));
          const q = e / ((1 + e) * (1 + e)); // x (1 − x), without cancellation
          grad1[i] = q === 0 ? 0 : q * gammaLogSampleGradient(alpha1[i] as number, l1);
          grad0[i] = q === 0 ? 0 : -q * gammaLogSampleGradient(alpha0[i] as number, l0);
        }
        return [
          sumToShape(tf.mul(dy, tf.tensor(grad1, dims, 'float32')), tensor1.shape),
          sumToShape(tf.mul(dy, tf.tensor(grad0, dims, 'float32')), tensor0.shape),
        ];
      },
    );
  });
}
