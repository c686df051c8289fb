import * as tf from '@tensorflow/tfjs-core';
import { select } from './select.js';
import { broadcastShapes } from '../args/shapes.js';
import { toFloatTensor, type TensorInput } from '../args/to-tensor.js';
import { reduceToShape } from './custom-gradient.js';
import { log1pOp } from './log1p.js';

function logAddExpValue(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const high = tf.maximum(a, b);
  const low = tf.minimum(a, b);
  // low − high is 0 at a tie, so that ±∞ + ±∞ does not become ∞ − ∞.
  const gap = select(tf.equal(high, low), 0, tf.sub(low, high));
  return tf.add(high, log1pOp(tf.exp(gap)));
}

/** The share of a in e^a + e^b, σ(a − b), ½ at a tie (±∞ included). */
function weight(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return select(tf.equal(a, b), 0.5, tf.sigmoid(tf.sub(a, b)));
}

const logAddExpOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const a = args[0] as tf.Tensor;
  const b = args[1] as tf.Tensor;
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.tidy(() => logAddExpValue(a, b)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [
        reduceToShape(tf.mul(dy, weight(sa, sb)), sa.shape),
        reduceToShape(tf.mul(dy, weight(sb, sa)), sb.shape),
      ];
    },
  };
});

/**
 * log(e^a + e^b), elementwise with broadcasting, stable for every a and b:
 * max(a, b) + log1p(e^−|a−b|). Edge values: logAddExp(−∞, −∞) = −∞, ±∞ with anything but NaN is as
 * expected (+∞ wins, −∞ is neutral); NaN propagates. Float32 relative error ≲ 3e-7 on cpu and wasm.
 * Gradient (σ(a − b), σ(b − a)), ½ each at a tie, summed back over broadcast axes.
 *
 * @param a First argument, any real tensor or array.
 * @param b Second argument, broadcast against a.
 * @returns A new float32 tensor of the broadcast shape, owned by the caller.
 * @throws {ArgumentError} When a or b is not numeric. {@link ShapeError} when they do not broadcast.
 * @example logAddExp([0, -Infinity, 1000], [0, -Infinity, 1000]) // [0.6931472, -Infinity, 1000.6931]
 */
export function logAddExp(a: TensorInput, b: TensorInput): tf.Tensor {
  return tf.tidy(() => {
    const at = toFloatTensor(a, 'a', 'logAddExp');
    const bt = toFloatTensor(b, 'b', 'logAddExp');
    broadcastShapes(at.shape, bt.shape, 'logAddExp', 'a', 'b');
    return logAddExpOp(at, bt);
  });
}
