import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkOptions, random, toSeed, type Seed, type TensorInput } from '@elbo/core';
import type { Bijector, Distribution } from '@elbo/distributions';
import { checkBijector, checkShape, guideName, initialValue, owning, type Guide } from './guide.js';
import { PointMass } from './point-mass.js';

/** Options of {@link deltaGuide}. */
export interface DeltaGuideOptions {
  /** The latent's shape ([] for a scalar); may be left out when `value` is given. */
  readonly shape?: readonly number[];
  /** The initial point, in the latent's (constrained) space. Default: 0.1·N(0, 1) from `seed`, mapped by the bijector. */
  readonly value?: TensorInput;
  /** The seed of the initial point; required when `value` is left out. */
  readonly seed?: Seed | number;
  /** A bijector from ℝ onto the latent's support: the variable u is unconstrained and z = f(u). Not owned. */
  readonly bijector?: Bijector;
}

const FN = 'deltaGuide';

/**
 * The delta guide (Pyro's `AutoDelta`): q(z) = δ(z − z₀), a {@link PointMass} at z₀ = f(u) with a
 * trainable u (f the identity, or the bijector onto a constrained support). Its log q is 0 by
 * convention, so the ELBO is log p(x, z₀) and SVI maximises it: maximum a posteriori in the latent's own
 * space (no Jacobian term). There is no closed-form KL: train it with `reparameterizedElbo` (one draw is
 * exact) or `analyticKlElbo` with `fallback: 'monte-carlo'`.
 *
 * `parameters()` gives `{ value }` = z₀.
 *
 * @throws {ArgumentError} unknown options, a bad shape or bijector, neither `value` nor `seed`.
 * @throws {ShapeError} `value` not of the latent's shape.
 * @example
 * const guide = deltaGuide({ value: [0.5, 1] });
 * guide.distribution().sample(2, 0).print(); // [[0.5, 1], [0.5, 1]]
 * guide.dispose();
 */
export function deltaGuide(options: DeltaGuideOptions): Guide {
  const o = checkOptions(options, ['shape', 'value', 'seed', 'bijector'], FN);
  const bijector = checkBijector(o['bijector'], FN);
  let shape: number[];
  if (o['shape'] !== undefined) shape = checkShape(o['shape'], FN);
  else if (typeof o['value'] === 'number') shape = [];
  else if (o['value'] instanceof tf.Tensor) shape = [...o['value'].shape];
  else if (Array.isArray(o['value'])) shape = tf.tidy(() => tf.tensor(o['value'] as tf.TensorLike).shape);
  else {
    throw new ArgumentError(
      `${FN}: argument 'options.shape' is missing, expected the latent's shape (or an initial 'value' array to read it from)`,
    );
  }
  if (o['value'] === undefined && o['seed'] === undefined) {
    throw new ArgumentError(
      `${FN}: neither 'options.value' nor 'options.seed' was given, expected an initial point or a seed to draw it from`,
    );
  }
  const initial = tf.tidy(() => {
    if (o['value'] === undefined) {
      return tf.mul(random.normal(shape, toSeed(o['seed'] as Seed | number, 'options.seed', FN)), 0.1);
    }
    const v = initialValue(o['value'] as TensorInput, shape, 'options.value', FN);
    return bijector === undefined ? v : bijector.inverse(v);
  });
  const name = guideName(FN);
  const u = tf.variable(initial, true, `${name}/unconstrained`);
  initial.dispose();
  const point = (): tf.Tensor => (bijector === undefined ? tf.clone(u) : bijector.forward(u));
  return {
    name,
    eventShape: Object.freeze([...shape]),
    variables: Object.freeze([u]),
    distribution(): Distribution {
      const z = point();
      return owning(new PointMass(z), [z]);
    },
    parameters: () => ({ value: point() }),
    dispose: () => u.dispose(),
  };
}
