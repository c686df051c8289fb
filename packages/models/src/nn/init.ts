import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, random, toSeed, type Seed } from '@elbo/core';

/** How a layer's weights are drawn: He (Kaiming) normal for ReLU layers, Glorot (Xavier) uniform otherwise. */
export type Initializer = 'he-normal' | 'glorot-uniform';

/** The names {@link initializeWeights} accepts. */
export const INITIALIZERS: readonly Initializer[] = ['he-normal', 'glorot-uniform'];

/**
 * Draws a weight tensor of `shape` from a seed (never `Math.random`; the same seed gives the same
 * weights on every backend):
 *
 * - `'he-normal'`: w ~ N(0, 2 / fanIn) (He et al. 2015), for layers followed by a ReLU;
 * - `'glorot-uniform'`: w ~ U(−a, a), a = √(6 / (fanIn + fanOut)) (Glorot & Bengio 2010).
 *
 * For a dense kernel [in, out], fanIn = in and fanOut = out; for a conv filter [kh, kw, cin, cout],
 * fanIn = kh·kw·cin and fanOut = kh·kw·cout.
 *
 * @returns a new float32 tensor, owned by the caller.
 * @throws ArgumentError for an unknown initialiser, non-positive fans or a bad seed.
 * @example
 * const w = initializeWeights([784, 512], 784, 512, seed(0), 'he-normal'); // std √(2/784)
 */
export function initializeWeights(
  shape: readonly number[],
  fanIn: number,
  fanOut: number,
  s: Seed | number,
  initializer: Initializer,
): tf.Tensor {
  const fn = 'initializeWeights';
  const key = toSeed(s, 'seed', fn);
  if (!(fanIn > 0) || !(fanOut > 0)) {
    throw new ArgumentError(`${fn}: fans are ${fanIn} and ${fanOut}, expected positive numbers`);
  }
  if (initializer === 'he-normal') {
    return tf.tidy(() => tf.mul(random.normal(shape, key), Math.sqrt(2 / fanIn)));
  }
  if (initializer === 'glorot-uniform') {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    return random.uniform(shape, key, { low: -a, high: a });
  }
  throw new ArgumentError(
    `${fn}: argument 'initializer' is ${JSON.stringify(initializer)}, expected one of ${INITIALIZERS.map((i) => `'${i}'`).join(', ')}`,
  );
}
