import * as tf from '@tensorflow/tfjs-core';
import { log1p, softplus } from '@elbo/core';
import { unitInterval } from '../support.js';
import { Bijector } from './bijector.js';

/** The smallest positive normal float32, torch.finfo(torch.float32).tiny. */
const FLOAT32_TINY = 2 ** -126;
/** The float32 machine epsilon, torch.finfo(torch.float32).eps. */
const FLOAT32_EPS = 2 ** -23;

/**
 * The logistic map y = σ(x) = 1/(1 + e^−x) from ℝ onto (0, 1), elementwise (TFP's `Sigmoid`, torch's
 * `SigmoidTransform`): x = logit(y) = log y − log(1 − y), log|dy/dx| = log σ(x) + log σ(−x) =
 * −softplus(−x) − softplus(x), summed over the event axes.
 *
 * As torch does, `forward` clamps σ(x) to [tiny, 1 − ε] of float32 (1.2e-38, 1 − 1.2e-7) and `inverse`
 * clamps y to the same interval, so that the ends of the interval map to finite values (|x| ≤ 87.3 and
 * 15.9); there the gradient of `forward` is 0.
 *
 * @example
 * const b = new Sigmoid();
 * b.forward([0]).print(); // [0.5]
 * b.inverse([0.5]).print(); // [0]
 * b.forwardLogDetJacobian([0], 0).print(); // [-1.3862944]  (= log ¼)
 */
export class Sigmoid extends Bijector {
  readonly name = 'Sigmoid';
  readonly codomain = unitInterval;

  constructor() {
    super();
  }

  protected forwardMap(x: tf.Tensor): tf.Tensor {
    return tf.clipByValue(tf.sigmoid(x), FLOAT32_TINY, 1 - FLOAT32_EPS);
  }

  protected inverseMap(y: tf.Tensor): tf.Tensor {
    const clamped = tf.clipByValue(y, FLOAT32_TINY, 1 - FLOAT32_EPS);
    return tf.sub(tf.log(clamped), log1p(tf.neg(clamped)));
  }

  protected forwardLogDet(x: tf.Tensor): tf.Tensor {
    return tf.neg(tf.add(softplus(tf.neg(x)), softplus(x)));
  }
}

/**
 * Shorthand for `new Sigmoid()`.
 *
 * @example sigmoid().forward(0).print(); // 0.5
 */
export function sigmoid(): Sigmoid {
  return new Sigmoid();
}
