// Internal: argument handling shared by the auto-encoder and the VAE.
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, formatShape, ShapeError, toFloatTensor, type TensorInput } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';
import type { ModelConfig } from './config.js';

/** Converts images [B, H, W, C] or [B, D] (or one image [H, W, C]) to flat [B, D]. Call inside tf.tidy. */
export function flatImages(
  config: ModelConfig,
  x: TensorInput,
  arg: string,
  fn: string,
  single = false,
): tf.Tensor2D {
  const t = toFloatTensor(x, arg, fn);
  const [h, w, c] = config.inputShape;
  const d = h * w * c;
  const s = t.shape;
  const isImages = s.length === 4 && s[1] === h && s[2] === w && s[3] === c;
  const isFlat = s.length === 2 && s[1] === d;
  const isOne = single && s.length === 3 && s[0] === h && s[1] === w && s[2] === c;
  if (!isImages && !isFlat && !isOne) {
    throw new ShapeError(
      `${fn}: argument '${arg}' has shape ${formatShape(s)}, expected [batch, ${h}, ${w}, ${c}] or [batch, ${d}]${single ? ` or one image [${h}, ${w}, ${c}]` : ''}`,
    );
  }
  return tf.reshape(t, [-1, d]);
}

/** Throws unless n is a positive integer. */
export function checkCount(n: unknown, arg: string, fn: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ArgumentError(`${fn}: argument '${arg}' is ${String(n)}, expected a positive integer`);
  }
  return n;
}

/**
 * Frees a distribution returned by a model's `encode` or `decode` together with its parameter tensors
 * (which, having been made for it, belong to the caller).
 *
 * @example const q = model.encode(x); q.mean().print(); disposeDistribution(q);
 */
export function disposeDistribution(d: Distribution): void {
  tf.dispose(Object.values(d.params));
  d.dispose();
}
