import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { ArgumentError } from '../errors/errors.js';
import { log1pOp } from './log1p.js';
import { maskOf } from '../autodiff/mask-of.js';

/** The axes to reduce, each in [0, rank), or an {@link ArgumentError} naming logSumExp and 'axis'. */
function reductionAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) {
    throw new ArgumentError(
      `logSumExp: argument 'axis' is ${typeof axis}, expected an integer, an array of integers or undefined`,
    );
  }
  const axes: number[] = [];
  for (const a of list as unknown[]) {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new ArgumentError(
        `logSumExp: argument 'axis' contains ${String(a)}, expected integers in [${-rank}, ${rank}) for a tensor of rank ${rank}`,
      );
    }
    const normalised = a < 0 ? a + rank : a;
    if (axes.includes(normalised)) {
      throw new ArgumentError(`logSumExp: argument 'axis' names axis ${normalised} twice`);
    }
    axes.push(normalised);
  }
  return axes.sort((p, q) => p - q);
}

/**
 * log Σ eˣ over `axes`, keeping them as length-1 axes. With m the maximum, n the number of entries equal
 * to it and R = Σ over the others of e^(x − m): log Σ eˣ = m + log1p(n − 1 + R), exact in relative terms
 * even when the result is near 0. m = ±∞ or NaN is passed through (−∞: every entry is −∞).
 */
function logSumExpKeepDims(x: tf.Tensor, axes: number[]): tf.Tensor {
  const m = tf.max(x, axes, true);
  const finite = tf.isFinite(m);
  const shift = select(finite, m, 0);
  const atMax = tf.equal(x, m);
  const rest = tf.sum(select(atMax, 0, tf.exp(tf.sub(x, shift))), axes, true);
  const count = tf.sum(tf.cast(atMax, 'float32'), axes, true);
  const value = tf.add(shift, log1pOp(tf.add(rest, tf.sub(count, 1))));
  // No entry at the maximum only happens on WebGL, whose reduce-max starts from −1e20: all entries are
  // below it, −∞ for the cases that matter.
  return select(finite, select(tf.equal(count, 0), -Infinity, value), m);
}

/**
 * softmax(x) = e^(x − m)/Σ e^(x − m) along `axes` (m the maximum, so x − m is often exact), 0 where every
 * entry is −∞, told by the sum being 0 (WebGL's reduce-max starts from −1e20, so m is not −∞ there, and
 * its division gives 0/0 = 1). Differentiable (a zero-gradient mask) for second derivatives.
 */
function softmax(x: tf.Tensor, axes: number[]): tf.Tensor {
  const m = tf.max(x, axes, true);
  const e = tf.exp(
    tf.sub(
      x,
      select(
        maskOf([m], (t) => tf.isFinite(t)),
        m,
        0,
      ),
    ),
  );
  const sum = tf.sum(e, axes, true);
  return select(
    maskOf([sum], (t) => tf.equal(t, 0)),
    0,
    tf.div(e, sum),
  );
}

/**
 * log Σᵢ exp(xᵢ) over the given axes, stable for every input: the maximum is factored out, so nothing
 * overflows, and the sum of the rest goes through log1p, so a result near 0 keeps its relative accuracy
 * (log(e⁰ + e⁻²⁰) = 2.06e-9, not 0). Entries of −∞ are ignored (they are probability 0); all −∞ gives
 * −∞, not NaN; an empty reduction gives −∞; +∞ anywhere gives +∞; NaN propagates. Float32 relative
 * error ≲ 3e-7 on cpu and wasm. Gradient softmax(x) = exp(x − logSumExp(x)) along the axes (0 where the
 * result is −∞).
 *
 * @param x Any real tensor or array.
 * @param axis Axis or axes to reduce, negative counting from the end; all axes when omitted.
 * @param keepDims Keep the reduced axes with length 1 (default false).
 * @returns A new float32 tensor, owned by the caller.
 * @throws {ArgumentError} When x is not numeric, or an axis is not an integer in [−rank, rank) or repeats.
 * @example logSumExp([[0, 0], [1000, -Infinity]], 1) // [0.6931472, 1000]
 */
export function logSumExp(x: TensorInput, axis?: number | readonly number[], keepDims = false): tf.Tensor {
  return tf.tidy(() => {
    const xt = toFloatTensor(x, 'x', 'logSumExp');
    const axes = reductionAxes(axis, xt.rank);
    const keptShape = xt.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const outShape = keepDims ? keptShape : xt.shape.filter((_, i) => !axes.includes(i));
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const input = args[0] as tf.Tensor;
      const save = args[1] as tf.GradSaveFunc;
      save([input]);
      return {
        value: tf.tidy(() => tf.reshape(logSumExpKeepDims(input, axes), outShape)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.mul(tf.reshape(dy, keptShape), softmax(saved[0] as tf.Tensor, axes)),
      };
    });
    return op(xt);
  });
}
