import * as tf from '@tensorflow/tfjs-core';
import { positive } from '../support.js';
import { Bijector } from './bijector.js';

/**
 * The exponential map y = eˣ from ℝ onto (0, ∞), elementwise (TFP's `Exp`, torch's `ExpTransform`):
 * x = log y, log|dy/dx| = x, log|dx/dy| = −log y, each summed over the event axes.
 *
 * Edge cases: x > 88.7 overflows float32 to +∞; y = 0 gives x = −∞; y < 0 gives NaN.
 *
 * @example
 * const b = new Exp();
 * b.forward([0, 1]).print(); // [1, 2.7182817]
 * b.inverse([1, Math.E]).print(); // [0, 1]
 * b.forwardLogDetJacobian([[0, 1]], 1).print(); // [1]
 */
export class Exp extends Bijector {
  readonly name = 'Exp';
  readonly codomain = positive;

  constructor() {
    super();
  }

  protected forwardMap(x: tf.Tensor): tf.Tensor {
    return tf.exp(x);
  }

  protected inverseMap(y: tf.Tensor): tf.Tensor {
    return tf.log(y);
  }

  protected forwardLogDet(x: tf.Tensor): tf.Tensor {
    return tf.clone(x);
  }

  protected override inverseLogDet(y: tf.Tensor): tf.Tensor {
    return tf.neg(tf.log(y));
  }
}

/**
 * Shorthand for `new Exp()`.
 *
 * @example exp().forward(0).print(); // 1
 */
export function exp(): Exp {
  return new Exp();
}
