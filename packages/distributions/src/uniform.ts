import * as tf from '@tensorflow/tfjs-core';
import { broadcastShapes, DomainError, maskOf, random, toSeed, type TensorInput } from '@elbo/core';
import { disposeOnThrow } from './bernoulli.js';
import { Distribution, type DistributionOptions, type SampleShape, type SeedLike } from './distribution.js';
import { allPlain, checkFinite, formatFloat32, parameter } from './parameters.js';
import { interval, type Support } from './support.js';

/** Throws a DomainError naming 'high' unless high > low at every entry of the broadcast batch. */
function checkOrdered(low: tf.Tensor, high: tf.Tensor, batch: readonly number[]): void {
  const bounds = [tf.broadcastTo(low, [...batch]), tf.broadcastTo(high, [...batch])];
  const [lows, highs] = bounds.map((t) => t.dataSync()) as [Float32Array, Float32Array];
  tf.dispose(bounds);
  for (let i = 0; i < lows.length; i++) {
    const l = lows[i]!;
    const h = highs[i]!;
    if (!(h > l)) {
      throw new DomainError(
        `Uniform: argument 'high' has ${formatFloat32(h)} at flat index ${i} of the batch, expected a number > low (${formatFloat32(l)} there)`,
      );
    }
  }
}

/**
 * The continuous uniform distribution on [low, high), a = low < b = high:
 *
 *   log p(x) = −log(b − a) for a ≤ x < b (−∞ elsewhere),   F(x) = clamp((x − a)/(b − a), 0, 1),
 *   E[X] = (a + b)/2,   Var[X] = (b − a)²/12,   H = log(b − a).
 *
 * Reparameterised: x = a + (b − a)·u with u ~ U[0, 1) from `random.uniform`, so draws never reach b.
 *
 * Edge cases: as in torch, `logProb(high)` is −∞ (the support is half-open), and `mode()` is NaN (every
 * point of the interval is a mode). With validation (plain-number parameters, or `validate: true`)
 * non-finite bounds, or low ≥ high at any entry, are DomainErrors; `validate` also rejects values outside
 * [low, high] in `logProb`.
 *
 * @example
 * const d = new Uniform(0, 4);
 * d.logProb(1).print(); // -1.3863
 * d.cdf(1).print(); // 0.25
 * d.variance().print(); // 1.3333
 */
export class Uniform extends Distribution {
  readonly name = 'Uniform';
  readonly reparameterized = true;
  readonly support: Support;
  /** The lower bound a (included). */
  readonly low: tf.Tensor;
  /** The upper bound b > a (excluded). */
  readonly high: tf.Tensor;

  constructor(low: TensorInput, high: TensorInput, options: DistributionOptions = {}) {
    const owned: tf.Tensor[] = [];
    const validate = options.validate ?? allPlain(low, high);
    const [l, h, batch] = disposeOnThrow(owned, () => {
      const lt = parameter(low, 'low', 'Uniform', owned);
      const ht = parameter(high, 'high', 'Uniform', owned);
      const shape = broadcastShapes(lt.shape, ht.shape, 'Uniform', 'low', 'high');
      if (validate) {
        checkFinite(lt, 'low', 'Uniform');
        checkFinite(ht, 'high', 'Uniform');
        checkOrdered(lt, ht, shape);
      }
      return [lt, ht, shape] as const;
    });
    super(batch, [], validate, owned);
    this.low = l;
    this.high = h;
    this.support = interval(l, h);
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { low: this.low, high: this.high };
  }

  /** low + (high − low)·u, u ~ U[0, 1); differentiable in both bounds. */
  sample(sampleShape: SampleShape, seed: SeedLike): tf.Tensor {
    const shape = this.drawShape(sampleShape);
    const key = toSeed(seed, 'seed', 'Uniform.sample');
    return tf.tidy(() => tf.add(this.low, tf.mul(tf.sub(this.high, this.low), random.uniform(shape, key))));
  }

  logProb(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Uniform.logProb', []);
      this.checkValue(x);
      const inside = maskOf([x], (t) => tf.logicalAnd(tf.greaterEqual(t, this.low), tf.less(t, this.high)));
      return tf.where(inside, tf.neg(tf.log(tf.sub(this.high, this.low))), -Infinity);
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.log(tf.sub(this.high, this.low)), [...this.batchShape]));
  }

  override mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.mul(0.5, tf.add(this.low, this.high)), [...this.batchShape]));
  }

  /** NaN: every point of [low, high) is a mode (torch's convention). */
  override mode(): tf.Tensor {
    return tf.fill([...this.batchShape], Number.NaN);
  }

  override variance(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.div(tf.square(tf.sub(this.high, this.low)), 12), [...this.batchShape]),
    );
  }

  /** clamp((x − low)/(high − low), 0, 1). */
  override cdf(value: tf.Tensor | tf.TensorLike): tf.Tensor {
    return tf.tidy(() => {
      const x = parameter(value as TensorInput, 'value', 'Uniform.cdf', []);
      this.checkValue(x, 'cdf');
      return tf.clipByValue(tf.div(tf.sub(x, this.low), tf.sub(this.high, this.low)), 0, 1);
    });
  }
}

/**
 * Shorthand for `new Uniform(low, high, options)`.
 *
 * @example uniform(-1, 1).mean().print(); // 0
 */
export function uniform(low: TensorInput, high: TensorInput, options?: DistributionOptions): Uniform {
  return new Uniform(low, high, options);
}
