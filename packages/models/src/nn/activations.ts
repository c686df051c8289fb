import * as tf from '@tensorflow/tfjs-core';
import { softplus as stableSoftplus, toFloatTensor, type TensorInput } from '@elbo/core';

/**
 * The rectifier relu(x) = max(x, 0); gradient 1 for x > 0, else 0.
 *
 * @returns a new tensor, owned by the caller.
 * @example relu([-1, 2]) // [0, 2]
 */
export function relu(x: TensorInput): tf.Tensor {
  return tf.tidy(() => tf.relu(toFloatTensor(x, 'x', 'relu')));
}

/**
 * Swish (SiLU) swish(x) = x·σ(x) (Ramachandran et al. 2017; NVAE's activation).
 *
 * @returns a new tensor, owned by the caller.
 * @example swish([0, 1]) // [0, 0.7311]
 */
export function swish(x: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const t = toFloatTensor(x, 'x', 'swish');
    return tf.mul(t, tf.sigmoid(t));
  });
}

/**
 * GELU in its tanh form gelu(x) ≈ ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (Hendrycks & Gimpel 2016), within
 * 1e-3 of x·Φ(x) everywhere; torch's `gelu(approximate='tanh')`.
 *
 * @returns a new tensor, owned by the caller.
 * @example gelu([0, 1]) // [0, 0.8412]
 */
export function gelu(x: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const t = toFloatTensor(x, 'x', 'gelu');
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(t, tf.mul(0.044715, tf.pow(t, 3))));
    return tf.mul(tf.mul(0.5, t), tf.add(1, tf.tanh(inner)));
  });
}

/**
 * softplus(x) = log(1 + eˣ), computed stably as max(x, 0) + log1p(e^−|x|); gradient σ(x).
 *
 * @returns a new tensor, owned by the caller.
 * @example softplus([0, 100]) // [0.6931, 100]
 */
export function softplus(x: TensorInput): tf.Tensor {
  return tf.tidy(() => stableSoftplus(toFloatTensor(x, 'x', 'softplus')));
}

/** The activations a layer can apply by name. */
export type Activation = 'linear' | 'relu' | 'swish' | 'gelu' | 'softplus';

/** The names of {@link Activation}. */
export const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'swish', 'gelu', 'softplus'];

/** Applies a named activation; call inside tf.tidy. Internal to nn. */
export function applyActivation(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'swish':
      return swish(x);
    case 'gelu':
      return gelu(x);
    case 'softplus':
      return stableSoftplus(x);
  }
}
