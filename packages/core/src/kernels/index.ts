// The names and contracts of elbo's own tfjs kernels. A library runs one only where a backend has it
// registered (`tf.getKernel(name, tf.getBackend())`) and otherwise computes the same thing with stock ops;
// @elbo/backends registers them when it starts a backend that has them.

/**
 * One Adam step on a float32 tensor, fused: `tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, attrs)`.
 *
 * - inputs: `x` (the variable's value), `g` (its gradient), `m` and `v` (the moments), all float32 of one
 *   shape, and the scalars `c1` = 1 − β1ᵗ and `c2` = 1 − β2ᵗ (tfjs's `1 − accBeta`).
 * - attrs: `learningRate`, `beta1`, `beta2`, `epsilon` (numbers).
 * - outputs: `[x′, m′, v′]`, new tensors, with the IEEE float32 operations of tfjs-core's AdamOptimizer in
 *   its order, so the same bits: m′ = m·β1 + g·(1 − β1), v′ = v·β2 + g²·(1 − β2),
 *   x′ = ((m′/c1) / (√(v′/c2) + ε))·(−lr) + x.
 */
export const FUSED_ADAM_KERNEL = 'ElboAdam';

/**
 * The softplus log(1 + eˣ) of a float32 tensor, elementwise: `tf.engine().runKernel(SOFTPLUS_KERNEL, { x })`
 * returns a new float32 tensor of x's shape. Relative error ≲ 3e-7 (results below 2⁻¹²⁶ are subnormal);
 * −∞ → 0, +∞ → +∞, NaN → NaN. No gradient of its own: {@link log1pExp} wraps it with σ(x).
 */
export const SOFTPLUS_KERNEL = 'ElboSoftplus';
