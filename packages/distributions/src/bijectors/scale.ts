import * as tf from '@tensorflow/tfjs-core';
import { DomainError, type TensorInput } from '@elbo/core';
import { allPlain, formatFloat32, parameter } from '../parameters.js';
import { real } from '../support.js';
import { Bijector, type BijectorOptions } from './bijector.js';

/** Throws a DomainError naming the argument unless every entry is finite and ≠ 0. Internal (Scale, Affine). */
export function checkNonZero(t: tf.Tensor, arg: string, owner: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || v === 0) {
      throw new DomainError(
        `${owner}: argument '${arg}' has ${formatFloat32(v)} at flat index ${i}, expected a finite number ≠ 0 (a scale of 0 is not invertible)`,
      );
    }
  }
}

/**
 * The scaling y = scale · x, elementwise with `scale` broadcast against x (TFP's `Scale`, torch's
 * `AffineTransform(0, scale)`): x = y / scale, log|det J| = log|scale| for each element, summed over
 * the event axes (a scalar scale on an event of n elements gives n·log|scale|). A negative scale flips
 * the orientation; the log-determinant takes its absolute value.
 *
 * Edge cases: a scale of 0 or a non-finite scale throws a DomainError when validated (plain-number
 * parameters, or `validate: true`).
 *
 * @example
 * const b = new Scale(2);
 * b.forward([1, 3]).print(); // [2, 6]
 * b.forwardLogDetJacobian([1, 3], 1).print(); // 1.3862944  (= 2 log 2)
 * b.dispose();
 */
export class Scale extends Bijector {
  readonly name = 'Scale';
  readonly codomain = real;
  /** The factor, ≠ 0. */
  readonly scale: tf.Tensor;

  constructor(scale: TensorInput, options: BijectorOptions = {}) {
    const owned: tf.Tensor[] = [];
    const s = parameter(scale, 'scale', 'Scale', owned);
    super(owned);
    this.scale = s;
    if (options.validate ?? allPlain(scale)) checkNonZero(s, 'scale', 'Scale');
  }

  protected override parameterShapes(): readonly (readonly number[])[] {
    return [this.scale.shape];
  }

  protected forwardMap(x: tf.Tensor): tf.Tensor {
    return tf.mul(x, this.scale);
  }

  protected inverseMap(y: tf.Tensor): tf.Tensor {
    return tf.div(y, this.scale);
  }

  protected forwardLogDet(_x: tf.Tensor): tf.Tensor {
    return tf.log(tf.abs(this.scale));
  }

  protected override inverseLogDet(_y: tf.Tensor): tf.Tensor {
    return tf.neg(tf.log(tf.abs(this.scale)));
  }
}

/**
 * Shorthand for `new Scale(scale, options)`.
 *
 * @example scale(2).forward(3).print(); // 6
 */
export function scale(factor: TensorInput, options?: BijectorOptions): Scale {
  return new Scale(factor, options);
}
