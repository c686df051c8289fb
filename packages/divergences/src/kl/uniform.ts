import * as tf from '@tensorflow/tfjs-core';
import { maskOf } from '@elbo/core';
import type { LocScaleParams } from './location-scale.js';

/** What the uniform KL formulas read of a distribution: the interval [low, high], low < high. */
export interface IntervalParams {
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * KL(U(a₁, b₁) ‖ U(a₂, b₂)) = log((b₂ − a₂)/(b₁ − a₁)) when [a₁, b₁] ⊆ [a₂, b₂], and +∞ otherwise (p puts
 * mass where q has none). The caller owns the result.
 *
 * @example klUniformUniform(new Uniform(0, 1), new Uniform(-1, 3)).print(); // 1.3863 (log 4)
 */
export function klUniformUniform(p: IntervalParams, q: IntervalParams): tf.Tensor {
  return tf.tidy(() => {
    const inside = maskOf([p.low, p.high, q.low, q.high], (a1, b1, a2, b2) =>
      tf.logicalAnd(tf.lessEqual(a2!, a1!), tf.lessEqual(b1!, b2!)),
    );
    const finite = tf.sub(tf.log(tf.sub(q.high, q.low)), tf.log(tf.sub(p.high, p.low)));
    return tf.where(inside, finite, tf.fill(finite.shape, Infinity));
  });
}

/**
 * KL(U(a, b) ‖ N(μ, σ²)) = log(√(2π)σ/(b − a)) + [(b − a)²/12 + ((a + b)/2 − μ)²]/(2σ²): minus the entropy
 * log(b − a) of the uniform, minus E_U[log N(X; μ, σ²)] with E[X] = (a + b)/2 and Var[X] = (b − a)²/12.
 * Always finite. The caller owns the result.
 *
 * @example klUniformNormal(new Uniform(0, 1), new Normal(0, 1)).print(); // 1.0856
 */
export function klUniformNormal(p: IntervalParams, q: LocScaleParams): tf.Tensor {
  return tf.tidy(() => {
    const width = tf.sub(p.high, p.low);
    const centre = tf.mul(tf.add(p.high, p.low), 0.5);
    const spread = tf.add(tf.div(tf.square(width), 12), tf.square(tf.sub(centre, q.loc)));
    return tf.add(
      tf.add(tf.sub(tf.log(q.scale), tf.log(width)), HALF_LOG_TWO_PI),
      tf.div(spread, tf.mul(tf.square(q.scale), 2)),
    );
  });
}
