import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, type TensorInput } from '@elbo/core';
import { allPlain, checkFinite, parameter } from '../parameters.js';
import { real } from '../support.js';
import { Bijector, type BijectorOptions } from './bijector.js';

/**
 * The translation y = x + shift, elementwise with `shift` broadcast against x (TFP's `Shift`, torch's
 * `AffineTransform(shift, 1)`): x = y − shift, log|det J| = 0.
 *
 * Edge cases: a non-finite shift throws a DomainError when validated (plain-number parameters, or
 * `validate: true`).
 *
 * @example
 * const b = new Shift([1, -1]);
 * b.forward([0, 0]).print(); // [1, -1]
 * b.forwardLogDetJacobian([[0, 0]], 1).print(); // [0]
 * b.dispose();
 */
export class Shift extends Bijector {
  readonly name = 'Shift';
  readonly codomain = real;
  /** The translation. */
  readonly shift: tf.Tensor;

  constructor(shift: TensorInput, options: BijectorOptions = {}) {
    const owned: tf.Tensor[] = [];
    const s = parameter(shift, 'shift', 'Shift', owned);
    super(owned);
    this.shift = s;
    if (options.validate ?? allPlain(shift)) checkFinite(s, 'shift', 'Shift');
  }

  protected override parameterShapes(): readonly (readonly number[])[] {
    return [this.shift.shape];
  }

  protected forwardMap(x: tf.Tensor): tf.Tensor {
    return tf.add(x, this.shift);
  }

  protected inverseMap(y: tf.Tensor): tf.Tensor {
    return tf.sub(y, this.shift);
  }

  protected forwardLogDet(x: tf.Tensor): tf.Tensor {
    return tf.zeros(broadcastShapes(x.shape, this.shift.shape, 'Shift', 'x', 'shift'));
  }

  protected override inverseLogDet(y: tf.Tensor): tf.Tensor {
    return this.forwardLogDet(y);
  }
}

/**
 * Shorthand for `new Shift(shift, options)`.
 *
 * @example shift(2).forward(1).print(); // 3
 */
export function shift(amount: TensorInput, options?: BijectorOptions): Shift {
  return new Shift(amount, options);
}
