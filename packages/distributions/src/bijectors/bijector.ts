import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  broadcastShapes,
  formatShape,
  ShapeError,
  toFloatTensor,
  type TensorInput,
} from '@elbo/core';
import type { Support } from '../support.js';

/** Options every bijector constructor with parameters accepts. */
export interface BijectorOptions {
  /**
   * Check parameter values when the bijector is built (a scale ≠ 0, finite values). Checking downloads
   * the values, so the default is on only when every parameter was given as plain numbers.
   */
  readonly validate?: boolean;
}

/** Sums `x` over its last `k` axes (k ≥ 0). */
export function sumRightmost(x: tf.Tensor, k: number): tf.Tensor {
  if (k === 0) return x;
  return tf.sum(
    x,
    Array.from({ length: k }, (_, i) => x.rank - 1 - i),
  );
}

/**
 * A bijector: a differentiable, invertible map y = f(x) with a tractable log-determinant of its Jacobian,
 * as in TensorFlow Probability (`tfp.bijectors`) and torch's `Transform`. Shapes follow TFP: a bijector
 * acts on events of at least `forwardMinEventRank` axes (0 for elementwise maps, 1 for maps of vectors);
 * `forwardLogDetJacobian(x, eventRank)` treats the last `eventRank` axes of `x` as one event and returns
 * log|det ∂f(x)/∂x| summed over them, with shape `x.shape` minus those axes (parameters broadcast in).
 *
 * Every method returns a new tensor that the caller owns; intermediates are freed. A bijector holds its
 * parameters as float32 tensors: those it created from plain numbers it frees in `dispose()`, tensors you
 * passed in stay yours.
 *
 * @example
 * const b = new Exp();
 * b.forward([0, 1]).print(); // [1, 2.7182817]
 * b.forwardLogDetJacobian([0, 1], 1).print(); // 1  (= Σ x)
 * b.dispose();
 */
export abstract class Bijector {
  /** The bijector's name, as in `tfp.bijectors` (`Exp`, `Softplus`, ...). */
  abstract readonly name: string;
  /** The image of the bijector's domain: where `forward` puts its values, and what `inverse` accepts. */
  abstract readonly codomain: Support;
  /** The rank of the smallest event `forward` acts on: 0 for elementwise maps. */
  readonly forwardMinEventRank: number = 0;
  /** The rank of the smallest event `inverse` acts on (the rank of the output of `forward` on such an event). */
  readonly inverseMinEventRank: number = 0;

  private readonly owned: tf.Tensor[];

  protected constructor(owned: readonly tf.Tensor[] = []) {
    this.owned = [...owned];
  }

  /** y = f(x). */
  forward(x: TensorInput): tf.Tensor {
    return tf.tidy(() => this.forwardMap(this.convert(x, 'x', 'forward', this.forwardMinEventRank)));
  }

  /** x = f⁻¹(y). */
  inverse(y: TensorInput): tf.Tensor {
    return tf.tidy(() => this.inverseMap(this.convert(y, 'y', 'inverse', this.inverseMinEventRank)));
  }

  /**
   * log|det ∂f(x)/∂x| of events of rank `eventRank` (the last `eventRank` axes of `x`), with shape
   * `x.shape` minus those axes, broadcast with the parameters.
   */
  forwardLogDetJacobian(x: TensorInput, eventRank: number): tf.Tensor {
    return tf.tidy(() => {
      const t = this.convert(x, 'x', 'forwardLogDetJacobian', this.forwardMinEventRank);
      const extra = this.checkEventRank(eventRank, t, this.forwardMinEventRank, 'forwardLogDetJacobian');
      return this.reduce(this.forwardLogDet(t), t, this.forwardMinEventRank, extra);
    });
  }

  /**
   * log|det ∂f⁻¹(y)/∂y| = −log|det ∂f(x)/∂x| at x = f⁻¹(y), of events of rank `eventRank` (the last
   * `eventRank` axes of `y`), with shape `y.shape` minus those axes, broadcast with the parameters.
   */
  inverseLogDetJacobian(y: TensorInput, eventRank: number): tf.Tensor {
    return tf.tidy(() => {
      const t = this.convert(y, 'y', 'inverseLogDetJacobian', this.inverseMinEventRank);
      const extra = this.checkEventRank(eventRank, t, this.inverseMinEventRank, 'inverseLogDetJacobian');
      return this.reduce(this.inverseLogDet(t), t, this.inverseMinEventRank, extra);
    });
  }

  /**
   * The shape of `forward(x)` for `x` of shape `shape` (batch axes included), or a ShapeError naming
   * `method` when `forward` cannot take that shape. Elementwise maps broadcast with their parameters.
   */
  forwardShape(shape: readonly number[], method = 'forwardShape'): number[] {
    return this.broadcastWithParameters(shape, method, 'x');
  }

  /** The shape of `inverse(y)` for `y` of shape `shape`, or a ShapeError naming `method`. */
  inverseShape(shape: readonly number[], method = 'inverseShape'): number[] {
    return this.broadcastWithParameters(shape, method, 'y');
  }

  /** Frees the parameter tensors this bijector created. Tensors passed in stay yours. */
  dispose(): void {
    tf.dispose(this.owned);
    this.owned.length = 0;
  }

  /** The parameters whose shapes broadcast with the input of an elementwise map (none by default). */
  protected parameterShapes(): readonly (readonly number[])[] {
    return [];
  }

  /** f(x), for `x` of rank ≥ `forwardMinEventRank`, inside a tidy scope. */
  protected abstract forwardMap(x: tf.Tensor): tf.Tensor;
  /** f⁻¹(y), for `y` of rank ≥ `inverseMinEventRank`, inside a tidy scope. */
  protected abstract inverseMap(y: tf.Tensor): tf.Tensor;
  /**
   * log|det ∂f(x)/∂x| of events of the minimum rank, with shape `x.shape` minus its last
   * `forwardMinEventRank` axes, or a shape that broadcasts to it.
   */
  protected abstract forwardLogDet(x: tf.Tensor): tf.Tensor;

  /** log|det ∂f⁻¹(y)/∂y| of events of the minimum rank: −forwardLogDet(f⁻¹(y)) unless overridden. */
  protected inverseLogDet(y: tf.Tensor): tf.Tensor {
    return tf.neg(this.forwardLogDet(this.inverseMap(y)));
  }

  private broadcastWithParameters(shape: readonly number[], method: string, arg: string): number[] {
    let out = [...shape];
    for (const p of this.parameterShapes()) {
      const merged = broadcastShapes(out, p, `${this.name}.${method}`, arg, 'parameter');
      out = merged;
    }
    return out;
  }

  /** Converts a public argument, naming the method, and checks its rank. */
  protected convert(value: TensorInput, arg: string, method: string, minRank: number): tf.Tensor {
    const t = toFloatTensor(value, arg, `${this.name}.${method}`);
    if (t.rank < minRank) {
      throw new ShapeError(
        `${this.name}.${method}: argument '${arg}' has shape ${formatShape(t.shape)}, expected rank ≥ ${minRank}`,
      );
    }
    return t;
  }

  /** Checks `eventRank` against the minimum and the value's rank; returns how many axes to sum beyond the minimum. */
  protected checkEventRank(eventRank: number, t: tf.Tensor, minRank: number, method: string): number {
    const where = `${this.name}.${method}`;
    if (!Number.isInteger(eventRank) || eventRank < minRank) {
      throw new ArgumentError(
        `${where}: argument 'eventRank' is ${String(eventRank)}, expected an integer ≥ ${minRank}${minRank > 0 ? ` (${this.name} acts on events of rank ${minRank})` : ''}`,
      );
    }
    if (eventRank > t.rank) {
      throw new ShapeError(
        `${where}: argument 'eventRank' is ${eventRank}, more than the rank of the value (shape ${formatShape(t.shape)})`,
      );
    }
    return eventRank - minRank;
  }

  /** Broadcasts a minimum-rank log-det to the value's batch (with parameters) and sums `extra` axes. */
  private reduce(logDet: tf.Tensor, t: tf.Tensor, minRank: number, extra: number): tf.Tensor {
    const batch = t.shape.slice(0, t.rank - minRank);
    const shape = broadcastShapes(logDet.shape, batch, this.name, 'logDetJacobian', 'value');
    const full =
      shape.length === logDet.rank && shape.every((d, i) => d === logDet.shape[i])
        ? logDet
        : tf.broadcastTo(logDet, shape);
    return sumRightmost(full, extra);
  }
}
