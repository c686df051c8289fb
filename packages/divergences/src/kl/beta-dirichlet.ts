import * as tf from '@tensorflow/tfjs-core';
import { digamma, lgamma, logBeta } from '@elbo/core';

/** What the beta KL formula reads of a Beta(a, b): concentration1 a > 0 and concentration0 b > 0. */
export interface BetaParams {
  readonly concentration1: tf.Tensor;
  readonly concentration0: tf.Tensor;
}

/** What the Dirichlet KL formula reads of a Dir(α): the concentration α [..., K], entries > 0. */
export interface ConcentrationParams {
  readonly concentration: tf.Tensor;
}

/**
 * KL(Beta(a₁, b₁) ‖ Beta(a₂, b₂)) = log B(a₂, b₂) − log B(a₁, b₁) + (a₁ − a₂)ψ(a₁) + (b₁ − b₂)ψ(b₁)
 * + (a₂ + b₂ − a₁ − b₁)ψ(a₁ + b₁), with B the beta function (`logBeta` of `@elbo/core`). The caller
 * owns the result.
 *
 * @example klBetaBeta(new Beta(2, 3), new Beta(1, 1)).print(); // 0.2349
 */
export function klBetaBeta(p: BetaParams, q: BetaParams): tf.Tensor {
  return tf.tidy(() => {
    const a1 = p.concentration1;
    const b1 = p.concentration0;
    const a2 = q.concentration1;
    const b2 = q.concentration0;
    const total1 = tf.add(a1, b1);
    const total2 = tf.add(a2, b2);
    return tf.add(
      tf.add(tf.sub(logBeta(a2, b2), logBeta(a1, b1)), tf.mul(tf.sub(a1, a2), digamma(a1))),
      tf.add(tf.mul(tf.sub(b1, b2), digamma(b1)), tf.mul(tf.sub(total2, total1), digamma(total1))),
    );
  });
}

/**
 * KL(Dir(α) ‖ Dir(β)) = log Γ(α₀) − log Γ(β₀) − Σₖ[log Γ(αₖ) − log Γ(βₖ)] + Σₖ(αₖ − βₖ)(ψ(αₖ) − ψ(α₀)),
 * α₀ = Σₖαₖ, β₀ = Σₖβₖ; the event axis (the last) is reduced. The caller owns the result.
 *
 * @example klDirichletDirichlet(new Dirichlet([1, 2, 3]), new Dirichlet([1, 1, 1])).print(); // 0.5512
 */
export function klDirichletDirichlet(p: ConcentrationParams, q: ConcentrationParams): tf.Tensor {
  return tf.tidy(() => {
    const a = p.concentration;
    const b = q.concentration;
    const a0 = tf.sum(a, -1);
    const b0 = tf.sum(b, -1);
    const t1 = tf.sub(lgamma(a0), lgamma(b0));
    const t2 = tf.sum(tf.sub(lgamma(a), lgamma(b)), -1);
    const t3 = tf.sum(tf.mul(tf.sub(a, b), tf.sub(digamma(a), tf.expandDims(digamma(a0), -1))), -1);
    return tf.add(tf.sub(t1, t2), t3);
  });
}
