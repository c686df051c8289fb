import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor, toSeed, type TensorInput } from '@elbo/core';
import { Distribution, type SampleShape, type SeedLike, type Support } from '@elbo/distributions';

/** ℝ^shape: every entry finite, reduced over the event axes. */
function realOfRank(rank: number): Support {
  return {
    name: rank === 0 ? 'real' : `independent(real, ${rank})`,
    discrete: false,
    eventRank: rank,
    contains: (value) =>
      tf.tidy(() => {
        const finite = tf.isFinite(value);
        return rank === 0
          ? finite
          : tf.all(
              finite,
              Array.from({ length: rank }, (_, i) => value.rank - 1 - i),
            );
      }),
  };
}

/**
 * The point mass (Dirac delta) at `loc`, with event shape `loc.shape` and batch shape []: every draw is
 * `loc` (reparameterised: the draws are `loc` itself, so gradients reach it). By the convention of Pyro's
 * `Delta` in `AutoDelta`, `logProb` is 0 everywhere (the log density relative to the point mass itself),
 * so an ELBO with this guide is the log joint log p(x, z) at z = loc: SVI with it is MAP estimation.
 * Entropy 0, mean = mode = loc, variance 0.
 *
 * Tensors: `loc` stays yours.
 *
 * @example
 * const d = new PointMass(tf.tensor1d([1, 2]));
 * d.sample(3, 0).print(); // [[1, 2], [1, 2], [1, 2]]
 * d.logProb([[1, 2]]).print(); // [0]
 */
export class PointMass extends Distribution {
  readonly name = 'PointMass';
  readonly reparameterized = true;
  readonly support: Support;
  /** Where the mass is. */
  readonly loc: tf.Tensor;

  constructor(loc: tf.Tensor) {
    super([], loc.shape, false, []);
    this.loc = loc;
    this.support = realOfRank(loc.rank);
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { loc: this.loc };
  }

  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    toSeed(seed, 'seed', 'PointMass.sample');
    return tf.tidy(() => tf.add(tf.zeros(shape), this.loc));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = toFloatTensor(value as TensorInput, 'value', 'PointMass.logProb');
      this.checkValue(x);
      return tf.zeros(x.shape.slice(0, x.rank - this.eventShape.length));
    });
  }

  override entropy(): tf.Tensor {
    return tf.scalar(0);
  }

  override mean(): tf.Tensor {
    return tf.clone(this.loc);
  }

  override mode(): tf.Tensor {
    return tf.clone(this.loc);
  }

  override variance(): tf.Tensor {
    return tf.zerosLike(this.loc);
  }
}
