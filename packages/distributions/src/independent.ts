import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, formatShape, ShapeError, type TensorInput } from '@elbo/core';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { sumRightmost } from './bijectors/bijector.js';
import { parameter } from './parameters.js';
import type { Support } from './support.js';

/**
 * The support `support` with its last `n` batch axes read as event axes (torch's
 * `constraints.independent(support, n)`): a value is inside when every entry of those axes is.
 *
 * @example reinterpretedSupport(supports.positive, 1).name // 'independent(positive, 1)'
 */
export function reinterpretedSupport(support: Support, n: number): Support {
  if (n === 0) return support;
  return {
    name: `independent(${support.name}, ${n})`,
    discrete: support.discrete,
    eventRank: support.eventRank + n,
    contains: (value) =>
      tf.tidy(() => {
        const inside = support.contains(value);
        return tf.all(
          inside,
          Array.from({ length: n }, (_, i) => inside.rank - 1 - i),
        );
      }),
  };
}

/**
 * Reinterprets the last `reinterpretedBatchNdims` batch axes of `base` as event axes (torch's and TFP's
 * `Independent`): with base batch shape B + R (|R| = reinterpretedBatchNdims) and event shape E, the
 * result has batch shape B and event shape R + E, and its log density sums the base's over R:
 * log p(x) = Σ_{r ∈ R} log p_base(x_r). The entropy sums likewise; the mean, variance and mode are the
 * base's (same values, read with the new shapes); samples are the base's. A diagonal Gaussian on ℝᵈ is
 * `new Independent(new Normal(loc, scale), 1)` with loc and scale of shape [..., d].
 *
 * Tensors: the base stays yours (dispose it yourself); this distribution owns nothing.
 *
 * Edge cases: `reinterpretedBatchNdims` must be an integer in [0, rank of base.batchShape]
 * (ArgumentError, ShapeError); 0 gives back the base's shapes.
 *
 * @example
 * const base = new Normal([[0, 0, 0]], [[1, 1, 1]]); // batch [1, 3]
 * const d = new Independent(base, 1);               // batch [1], event [3]
 * d.logProb([[0, 0, 0]]).print(); // [-2.7568156]  (= 3 · −0.9189385)
 * d.entropy().print();            // [4.2568154]
 */
export class Independent extends Distribution {
  readonly name = 'Independent';
  readonly reparameterized: boolean;
  readonly support: Support;
  /** The distribution whose batch axes are reinterpreted. */
  readonly base: Distribution;
  /** How many of the base's rightmost batch axes are event axes here. */
  readonly reinterpretedBatchNdims: number;

  constructor(base: Distribution, reinterpretedBatchNdims: number, options: DistributionOptions = {}) {
    if (!(base instanceof Distribution)) {
      throw new ArgumentError(
        `Independent: argument 'base' is ${base === null ? 'null' : typeof base}, expected a Distribution (e.g. new Normal(loc, scale))`,
      );
    }
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0) {
      throw new ArgumentError(
        `Independent: argument 'reinterpretedBatchNdims' is ${String(n)}, expected a non-negative integer`,
      );
    }
    const rank = base.batchShape.length;
    if (n > rank) {
      throw new ShapeError(
        `Independent: argument 'reinterpretedBatchNdims' is ${n}, more than the ${rank} batch axes of the base ${base.name} (batch shape ${formatShape(base.batchShape)}); give the base more batch axes or reinterpret at most ${rank}`,
      );
    }
    super(
      base.batchShape.slice(0, rank - n),
      [...base.batchShape.slice(rank - n), ...base.eventShape],
      options.validate ?? base.validate,
      [],
    );
    this.base = base;
    this.reinterpretedBatchNdims = n;
    this.reparameterized = base.reparameterized;
    this.support = reinterpretedSupport(base.support, n);
  }

  /** The base's parameters. */
  get params(): Readonly<Record<string, tf.Tensor>> {
    return this.base.params;
  }

  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    this.drawShape(sampleShape);
    return this.base.sample(sampleShape, seed);
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Independent.logProb', []);
      this.checkValue(x);
      return sumRightmost(this.base.logProb(x), this.reinterpretedBatchNdims);
    });
  }

  /** Σ over the reinterpreted axes of the base's entropy. */
  override entropy(): tf.Tensor {
    return tf.tidy(() => sumRightmost(this.base.entropy(), this.reinterpretedBatchNdims));
  }

  override mean(): tf.Tensor {
    return this.base.mean();
  }

  override variance(): tf.Tensor {
    return this.base.variance();
  }

  override mode(): tf.Tensor {
    return this.base.mode();
  }
}

/**
 * Shorthand for `new Independent(base, reinterpretedBatchNdims, options)`.
 *
 * @example independent(new Normal([0, 0], [1, 1]), 1).eventShape; // [2]
 */
export function independent(
  base: Distribution,
  reinterpretedBatchNdims: number,
  options?: DistributionOptions,
): Independent {
  return new Independent(base, reinterpretedBatchNdims, options);
}
