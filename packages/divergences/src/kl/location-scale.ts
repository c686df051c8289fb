import * as tf from '@tensorflow/tfjs-core';
import { expm1MinusX } from '../stable.js';

/** What the location-scale KL formulas read of a distribution: its loc μ and scale σ > 0. */
export interface LocScaleParams {
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
}

/** What the half-normal KL formula reads: the scale σ > 0. */
export interface ScaleParams {
  readonly scale: tf.Tensor;
}

/**
 * KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½, computed as
 * ½[e^{2d} − 1 − 2d] + ½((μ₁ − μ₂)/σ₂)² with d = log σ₁ − log σ₂ (the bracket by its Taylor series near
 * d = 0, so it keeps float32 relative precision when p ≈ q). Also KL(LogNormal ‖ LogNormal) with the
 * same parameters, since KL is invariant under the common bijection exp. Shape: broadcast of the
 * parameters; the caller owns the result.
 *
 * @example klNormalNormal(new Normal(0, 1), new Normal(1, 2)).print(); // 0.4431
 */
export function klNormalNormal(p: LocScaleParams, q: LocScaleParams): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(tf.log(p.scale), tf.log(q.scale));
    const z = tf.div(tf.sub(p.loc, q.loc), q.scale);
    return tf.mul(tf.add(expm1MinusX(tf.mul(d, 2)), tf.square(z)), 0.5);
  });
}

/**
 * KL(HalfNormal(σ₁) ‖ HalfNormal(σ₂)) = log(σ₂/σ₁) + σ₁²/(2σ₂²) − ½ = ½[e^{2d} − 1 − 2d], d = log(σ₁/σ₂)
 * (the KL of the zero-mean normals they fold). The caller owns the result.
 *
 * @example klHalfNormalHalfNormal(new HalfNormal(1), new HalfNormal(2)).print(); // 0.3181
 */
export function klHalfNormalHalfNormal(p: ScaleParams, q: ScaleParams): tf.Tensor {
  return tf.tidy(() => tf.mul(expm1MinusX(tf.mul(tf.sub(tf.log(p.scale), tf.log(q.scale)), 2)), 0.5));
}

/**
 * KL(Laplace(μ₁, b₁) ‖ Laplace(μ₂, b₂)) = log(b₂/b₁) + |μ₁ − μ₂|/b₂ + (b₁/b₂)e^{−|μ₁−μ₂|/b₁} − 1
 * (torch.distributions' form), computed as [r − 1 − log r] + r[e^{−δ} − 1 + δ] with r = b₁/b₂ and
 * δ = |μ₁ − μ₂|/b₁: two terms of the form eˣ − 1 − x, accurate when p ≈ q. The caller owns the result.
 *
 * @example klLaplaceLaplace(new Laplace(0, 1), new Laplace(1, 2)).print(); // 0.3771
 */
export function klLaplaceLaplace(p: LocScaleParams, q: LocScaleParams): tf.Tensor {
  return tf.tidy(() => {
    const logRatio = tf.sub(tf.log(p.scale), tf.log(q.scale));
    const delta = tf.div(tf.abs(tf.sub(p.loc, q.loc)), p.scale);
    return tf.add(expm1MinusX(logRatio), tf.mul(tf.exp(logRatio), expm1MinusX(tf.neg(delta))));
  });
}
