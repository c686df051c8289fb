import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { sumToShape, withGradient } from './custom-gradient.js';
import { gammaLogSampleGradient } from './gamma-gradient.js';
import { checkShape } from './sample-shape.js';
import { toSeed, type Seed } from './seed.js';
import { concentrationValues, float32FromLog, sampleLogGamma } from './standard-gamma.js';

/**
 * Draws Gamma(α, 1) variates (density z^{α−1} e^{−z} / Γ(α) on z > 0) as a float32 tensor of shape
 * `shape` that the caller owns, with `concentration` α broadcast to `shape`. For rate β use
 * `tf.div(gamma(shape, α, s), β)` in tf ops: the gradient to β then follows by the chain rule.
 *
 * Sampling is Marsaglia & Tsang (2000) in float64, with the boost z = z' u^{1/α}, z' ~ Gamma(α + 1), for
 * α < 1 (see the counter layout in `random.uniformBits`: element i reads blocks (i, j, 1, 0) and
 * (i, 0, 2, 0)); each element depends only on its index and its α. Samples below 2^-126 (possible for
 * α ≪ 1) are returned as 2^-126, so the result has no zeros and no subnormals. Computed in JavaScript
 * after one download of α, so bit-identical on every backend.
 *
 * The draw is differentiable with respect to `concentration` by implicit reparameterisation (Figurnov,
 * Mohamed & Mnih 2018): with F(z; α) = P(α, z) the CDF,
 *
 *   dz/dα = −(∂F/∂α)(z; α) / p(z; α),
 *
 * computed in float64 when the gradient is asked for (series of ∂P/∂α for z < α + 1, Legendre's continued
 * fraction of 1 − P differentiated in dual numbers otherwise), summed over broadcast axes.
 *
 * @param shape - the output shape (non-negative integers).
 * @param concentration - α > 0, finite, of a shape that broadcasts to `shape`.
 * @param s - a Seed or a non-negative safe integer.
 * @throws ShapeError for a bad shape or a concentration that does not broadcast to it; ArgumentError for
 *   a bad seed or concentration; DomainError for α ≤ 0, NaN or ∞.
 * @example
 * const alpha = tf.scalar(2.5);
 * const z = gamma([1000], alpha, seed(0)); // mean ≈ 2.5
 * const dMean = tf.grad((a) => tf.mean(gamma([1000], a, seed(0))))(alpha); // ≈ d E[z]/dα = 1
 */
export function gamma(shape: readonly number[], concentration: TensorInput, s: Seed | number): tf.Tensor {
  const fn = 'gamma';
  const dims = checkShape(shape, fn, 'shape');
  const key = toSeed(s, 'seed', fn).key;
  return tf.tidy(() => {
    const alphaTensor = toFloatTensor(concentration, 'concentration', fn);
    const alpha = concentrationValues(alphaTensor, dims, fn, 'concentration');
    const logz = sampleLogGamma(alpha, key);
    const n = logz.length;
    return withGradient(
      [alphaTensor],
      () => {
        const values = new Float32Array(n);
        for (let i = 0; i < n; i++) values[i] = float32FromLog(logz[i] as number);
        return tf.tensor(values, dims, 'float32');
      },
      (dy) => {
        // dz/dα = z · d(log z)/dα at the float64 sample.
        const dzda = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const l = logz[i] as number;
          const z = Math.exp(l);
          dzda[i] = z === 0 ? 0 : z * gammaLogSampleGradient(alpha[i] as number, l);
        }
        return [sumToShape(tf.mul(dy, tf.tensor(dzda, dims, 'float32')), alphaTensor.shape)];
      },
    );
  });
}
