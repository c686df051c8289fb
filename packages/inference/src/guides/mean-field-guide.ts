import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  checkOptions,
  random,
  softplus,
  softplusInverse,
  toSeed,
  type Seed,
  type TensorInput,
} from '@elbo/core';
import {
  Independent,
  Normal,
  TransformedDistribution,
  type Bijector,
  type Distribution,
} from '@elbo/distributions';
import {
  checkBijector,
  checkPositiveValues,
  checkShape,
  guideName,
  initialValue,
  owning,
  type Guide,
} from './guide.js';

/** Options of {@link meanFieldGuide}. */
export interface MeanFieldGuideOptions {
  /** The latent's shape ([] for a scalar); may be left out when `loc` is given as a tensor or array. */
  readonly shape?: readonly number[];
  /** Initial means (in the unconstrained space when there is a bijector). Default: 0.1·N(0, 1) from `seed`. */
  readonly loc?: TensorInput;
  /** Initial standard deviations > 0 (a number or the latent's shape), default 1. */
  readonly scale?: TensorInput;
  /** The seed of the initial means; required when `loc` is left out. */
  readonly seed?: Seed | number;
  /**
   * A bijector from ℝ onto the latent's support, for constrained latents: q is then the law of f(u) with
   * u ~ N(loc, diag(scale²)) (e.g. `new Softplus()` or `new Exp()` for a positive latent, `new Sigmoid()`
   * for one in (0, 1)). The guide does not own it.
   */
  readonly bijector?: Bijector;
}

const FN = 'meanFieldGuide';

/**
 * The mean-field Gaussian guide (ADVI's, Pyro's `AutoNormal`, TFP's factored surrogate): every entry of
 * the latent independent,
 *
 *   q(z) = Πᵢ N(zᵢ; μᵢ, σᵢ²),   σᵢ = softplus(ρᵢ),
 *
 * with trainable `loc` μ and unconstrained `rawScale` ρ of the latent's shape. The distribution is a
 * `Normal` for a scalar latent and `Independent(Normal(μ, σ), rank)` otherwise, so the KL table has a
 * closed form against a prior of the same form; with a bijector f it is `TransformedDistribution` of
 * that (log q(z) = log N(f⁻¹(z)) − log|det ∂f/∂u|, no closed-form KL).
 *
 * `parameters()` gives `{ loc, scale }` (of the base Normal, before any bijector).
 *
 * @throws {ArgumentError} unknown options, a bad shape or bijector, neither `loc` nor `seed`.
 * @throws {ShapeError} `loc` or `scale` of another shape than `shape`.
 * @throws {DomainError} a scale ≤ 0 or non-finite.
 * @example
 * const guide = meanFieldGuide({ shape: [3], seed: 0, scale: 0.5 });
 * const q = guide.distribution();
 * q.eventShape; // [3]
 * q.dispose();
 * guide.dispose();
 */
export function meanFieldGuide(options: MeanFieldGuideOptions): Guide {
  const o = checkOptions(options, ['shape', 'loc', 'scale', 'seed', 'bijector'], FN);
  const bijector = checkBijector(o['bijector'], FN);
  let shape: number[];
  if (o['shape'] !== undefined) shape = checkShape(o['shape'], FN);
  else if (typeof o['loc'] === 'number') shape = [];
  else if (o['loc'] !== undefined) {
    shape = tf.tidy(() => tf.tensor(o['loc'] as tf.TensorLike).shape);
    if (o['loc'] instanceof tf.Tensor) shape = [...o['loc'].shape];
  } else {
    throw new ArgumentError(
      `${FN}: argument 'options.shape' is missing, expected the latent's shape (or an initial 'loc' array to read it from)`,
    );
  }
  if (o['loc'] === undefined && o['seed'] === undefined) {
    throw new ArgumentError(
      `${FN}: neither 'options.loc' nor 'options.seed' was given, expected initial means or a seed to draw them from (randomness is an argument)`,
    );
  }
  const name = guideName(FN);
  const initialLoc =
    o['loc'] !== undefined
      ? initialValue(o['loc'] as TensorInput, shape, 'options.loc', FN)
      : tf.tidy(() =>
          tf.mul(random.normal(shape, toSeed(o['seed'] as Seed | number, 'options.seed', FN)), 0.1),
        );
  let initialRaw: tf.Tensor;
  try {
    const s = initialValue((o['scale'] as TensorInput | undefined) ?? 1, shape, 'options.scale', FN);
    try {
      checkPositiveValues(s, 'options.scale', FN);
      initialRaw = softplusInverse(s);
    } finally {
      s.dispose();
    }
  } catch (error) {
    initialLoc.dispose();
    throw error;
  }
  const loc = tf.variable(initialLoc, true, `${name}/loc`);
  const rawScale = tf.variable(initialRaw, true, `${name}/rawScale`);
  tf.dispose([initialLoc, initialRaw]);
  const rank = shape.length;
  return {
    name,
    eventShape: Object.freeze([...shape]),
    variables: Object.freeze([loc, rawScale]),
    distribution(): Distribution {
      const scale = softplus(rawScale);
      const normal = new Normal(loc, scale);
      const base = rank === 0 ? normal : new Independent(normal, rank);
      if (bijector === undefined) return owning(base, [scale], base === normal ? [] : [normal]);
      return owning(
        new TransformedDistribution(base, bijector),
        [scale],
        base === normal ? [normal] : [base, normal],
      );
    },
    parameters: () => ({ loc: tf.clone(loc), scale: softplus(rawScale) }),
    dispose: () => tf.dispose([loc, rawScale]),
  };
}
