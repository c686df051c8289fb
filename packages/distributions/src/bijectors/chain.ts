import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, type TensorInput } from '@elbo/core';
import { real, type Support } from '../support.js';
import { Bijector } from './bijector.js';

/**
 * The composition of bijectors, in TFP's order: `new Chain([f, g, h])` is f ∘ g ∘ h, so `forward`
 * applies the LAST one first, y = f(g(h(x))), and `inverse` the first one first,
 * x = h⁻¹(g⁻¹(f⁻¹(y))). (torch's `ComposeTransform([h, g, f])` lists the same map in the opposite
 * order.) The log-determinants add along the way, each at the event rank of its own input:
 * log|det J(x)| = log|det J_h(x)| + log|det J_g(h(x))| + log|det J_f(g(h(x)))|. An empty chain is the
 * identity.
 *
 * The event ranks follow the bijectors that change them (FillScaleTriL turns vectors into matrices):
 * `forwardMinEventRank` is the smallest input rank that every link can act on.
 *
 * The chain does not own its bijectors: dispose those you created yourself.
 *
 * @example
 * // y = 1 + 2·eˣ: Exp first, then the affine map.
 * const b = new Chain([new Affine(1, 2), new Exp()]);
 * b.forward([0]).print(); // [3]
 * b.inverse([3]).print(); // [0]
 * b.forwardLogDetJacobian([0], 0).print(); // [0.6931472]  (= log 2 + 0)
 */
export class Chain extends Bijector {
  readonly name = 'Chain';
  readonly codomain: Support;
  override readonly forwardMinEventRank: number;
  override readonly inverseMinEventRank: number;
  /** The bijectors in TFP's order: the last one is applied first. */
  readonly bijectors: readonly Bijector[];

  constructor(bijectors: readonly Bijector[]) {
    super();
    if (!Array.isArray(bijectors)) {
      throw new ArgumentError(
        `Chain: argument 'bijectors' is ${bijectors === null ? 'null' : typeof bijectors}, expected an array of bijectors`,
      );
    }
    bijectors.forEach((b: unknown, i) => {
      if (!(b instanceof Bijector)) {
        throw new ArgumentError(
          `Chain: argument 'bijectors' has ${b === null ? 'null' : typeof b === 'object' ? (b.constructor?.name ?? 'an object') : `a ${typeof b}`} at index ${i}, expected a Bijector (Exp, Softplus, Shift, ...)`,
        );
      }
    });
    this.bijectors = Object.freeze([...bijectors]);
    // Smallest input rank r such that every link i (in the order of application) sees rank ≥ its minimum.
    let change = 0;
    let minimum = 0;
    for (const b of this.applied()) {
      minimum = Math.max(minimum, b.forwardMinEventRank - change);
      change += b.inverseMinEventRank - b.forwardMinEventRank;
    }
    this.forwardMinEventRank = minimum;
    this.inverseMinEventRank = minimum + change;
    this.codomain = this.bijectors[0]?.codomain ?? real;
  }

  override forward(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.forwardMap(this.convert(x, 'x', 'forward', this.forwardMinEventRank)));
  }

  override inverse(y: TensorInput): tf.Tensor {
    return tf.tidy(() => this.inverseMap(this.convert(y, 'y', 'inverse', this.inverseMinEventRank)));
  }

  override forwardLogDetJacobian(x: TensorInput, eventRank: number): tf.Tensor {
    return tf.tidy(() => {
      let t = this.convert(x, 'x', 'forwardLogDetJacobian', this.forwardMinEventRank);
      this.checkEventRank(eventRank, t, this.forwardMinEventRank, 'forwardLogDetJacobian');
      let rank = eventRank;
      let total: tf.Tensor = tf.zeros(t.shape.slice(0, t.rank - rank));
      for (const b of this.applied()) {
        total = tf.add(total, b.forwardLogDetJacobian(t, rank));
        t = b.forward(t);
        rank += b.inverseMinEventRank - b.forwardMinEventRank;
      }
      return total;
    });
  }

  override inverseLogDetJacobian(y: TensorInput, eventRank: number): tf.Tensor {
    return tf.tidy(() => {
      let t = this.convert(y, 'y', 'inverseLogDetJacobian', this.inverseMinEventRank);
      this.checkEventRank(eventRank, t, this.inverseMinEventRank, 'inverseLogDetJacobian');
      let rank = eventRank;
      let total: tf.Tensor = tf.zeros(t.shape.slice(0, t.rank - rank));
      for (const b of this.bijectors) {
        total = tf.add(total, b.inverseLogDetJacobian(t, rank));
        t = b.inverse(t);
        rank -= b.inverseMinEventRank - b.forwardMinEventRank;
      }
      return total;
    });
  }

  override forwardShape(shape: readonly number[], method = 'forwardShape'): number[] {
    return this.applied().reduce((s, b) => b.forwardShape(s, method), [...shape]);
  }

  override inverseShape(shape: readonly number[], method = 'inverseShape'): number[] {
    return this.bijectors.reduce((s, b) => b.inverseShape(s, method), [...shape]);
  }

  protected forwardMap(x: tf.Tensor): tf.Tensor {
    // A clone for the empty chain: the caller owns the result, never the argument.
    return this.applied().reduce((t, b) => b.forward(t), tf.clone(x));
  }

  protected inverseMap(y: tf.Tensor): tf.Tensor {
    return this.bijectors.reduce((t, b) => b.inverse(t), tf.clone(y));
  }

  protected forwardLogDet(x: tf.Tensor): tf.Tensor {
    return this.forwardLogDetJacobian(x, this.forwardMinEventRank);
  }

  /** The bijectors in the order `forward` applies them. */
  private applied(): Bijector[] {
    return [...this.bijectors].reverse();
  }
}

/**
 * Shorthand for `new Chain(bijectors)`: f ∘ g ∘ ... (the last one is applied first).
 *
 * @example chain([new Shift(1), new Exp()]).forward(0).print(); // 2
 */
export function chain(bijectors: readonly Bijector[]): Chain {
  return new Chain(bijectors);
}
