import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, type TensorInput } from '@elbo/core';
import { allPlain, checkFinite, parameter } from '../parameters.js';
import { real } from '../support.js';
import { Bijector, type BijectorOptions } from './bijector.js';
import { checkNonZero } from './scale.js';

/**
 * The affine map y = shift + scale · x, elementwise with both parameters broadcast against x (torch's
 * `AffineTransform(loc, scale)`; TFP's `Chain([Shift(shift), Scale(scale)])`): x = (y − shift) / scale,
 * log|det J| = log|scale| for each element, summed over the event axes.
 *
 * Edge cases: a non-finite shift, or a scale of 0 or non-finite, throws a DomainError when validated
 * (plain-number parameters, or `validate: true`).
 *
 * @example
 * const b = new Affine(1, 2);
 * b.forward([0, 1]).print(); // [1, 3]
 * b.inverse([1, 3]).print(); // [0, 1]
 * b.forwardLogDetJacobian([0, 1], 1).print(); // 1.3862944  (= 2 log 2)
 * b.dispose();
 */
export class Affine extends Bijector {
  readonly name = 'Affine';
  readonly codomain = real;
  /** The translation, applied after the scaling. */
  readonly shift: tf.Tensor;
  /** The factor, ≠ 0. */
  readonly scale: tf.Tensor;

  constructor(shift: TensorInput, scale: TensorInput, options: BijectorOptions = {}) {
    const owned: tf.Tensor[] = [];
    const sh = parameter(shift, 'shift', 'Affine', owned);
    const sc = parameter(scale, 'scale', 'Affine', owned);
    super(owned);
    this.shift = sh;
    this.scale = sc;
    if (options.validate ?? allPlain(shift, scale)) {
      checkFinite(sh, 'shift', 'Affine');
      checkNonZero(sc, 'scale', 'Affine');
    }
  }

  protected override parameterShapes(): readonly (readonly number[])[] {
    return [this.shift.shape, this.scale.shape];
  }

  protected forwardMap(x: tf.Tensor): tf.Tensor {
    return tf.add(this.shift, tf.mul(this.scale, x));
  }

  protected inverseMap(y: tf.Tensor): tf.Tensor {
    return tf.div(tf.sub(y, this.shift), this.scale);
  }

  protected forwardLogDet(x: tf.Tensor): tf.Tensor {
    // Broadcast with the shift too, so that the log-determinant has the shape of the output.
    const shape = broadcastShapes(
      broadcastShapes(x.shape, this.shift.shape, 'Affine', 'x', 'shift'),
      this.scale.shape,
      'Affine',
      'x',
      'scale',
    );
    return tf.broadcastTo(tf.log(tf.abs(this.scale)), shape);
  }

  protected override inverseLogDet(y: tf.Tensor): tf.Tensor {
    return tf.neg(this.forwardLogDet(y));
  }
}

/**
 * Shorthand for `new Affine(shift, scale, options)`.
 *
 * @example affine(1, 2).forward(3).print(); // 7
 */
export function affine(shift: TensorInput, scale: TensorInput, options?: BijectorOptions): Affine {
  return new Affine(shift, scale, options);
}
