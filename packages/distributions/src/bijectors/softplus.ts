import * as tf from '@tensorflow/tfjs-core';
import { log1mExp, logSigmoid, softplus as softplusOp, softplusInverse } from '@elbo/core';
import { positive } from '../support.js';
import { Bijector } from './bijector.js';

/**
 * The softplus map y = log(1 + eˣ) from ℝ onto (0, ∞), elementwise (TFP's `Softplus`, torch's
 * `SoftplusTransform`): x = log(e^y − 1) = log(expm1(y)), log|dy/dx| = log σ(x) = −softplus(−x),
 * log|dx/dy| = −log(1 − e^−y); each summed over the event axes. Computed with `@elbo/core`'s stable
 * `softplus`, `softplusInverse`, `logSigmoid` and `log1mExp`, so neither tail overflows or loses its
 * relative accuracy (softplus(−80) = 1.8e-35, not 0).
 *
 * Edge cases: y = 0 gives x = −∞; y < 0 gives NaN.
 *
 * @example
 * const b = new Softplus();
 * b.forward([0]).print(); // [0.6931472]
 * b.inverse([Math.LN2]).print(); // [0]
 * b.forwardLogDetJacobian([0], 0).print(); // [-0.6931472]  (= log σ(0))
 */
export class Softplus extends Bijector {
  readonly name = 'Softplus';
  readonly codomain = positive;

  constructor() {
    super();
  }

  protected forwardMap(x: tf.Tensor): tf.Tensor {
    return softplusOp(x);
  }

  protected inverseMap(y: tf.Tensor): tf.Tensor {
    return softplusInverse(y);
  }

  protected forwardLogDet(x: tf.Tensor): tf.Tensor {
    return logSigmoid(x);
  }

  protected override inverseLogDet(y: tf.Tensor): tf.Tensor {
    // dx/dy = 1/(1 − e^−y): σ(x) = 1 − e^−y when y = softplus(x).
    return tf.neg(log1mExp(tf.neg(y)));
  }
}

/**
 * Shorthand for `new Softplus()`.
 *
 * @example softplus().forward(0).print(); // 0.6931472
 */
export function softplus(): Softplus {
  return new Softplus();
}
