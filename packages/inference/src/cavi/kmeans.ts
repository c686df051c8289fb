import * as tf from '@tensorflow/tfjs-core';
import { random, type Seed } from '@elbo/core';

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007): the first centre is a uniformly chosen row of `x`,
 * each next one a row drawn with probability ∝ D(x)², its squared distance to the nearest centre chosen
 * so far. The K uniform draws come from `random.uniform([K], s)`, so the choice is the same on every
 * backend up to float32 ties. Internal; returns the chosen row indices.
 */
export function kmeansPlusPlus(x: tf.Tensor2D, k: number, s: Seed): number[] {
  const n = x.shape[0];
  const u = tf.tidy(() => random.uniform([k], s).dataSync());
  const first = Math.min(n - 1, Math.floor((u[0] as number) * n));
  const chosen = [first];
  if (k === 1) return chosen;
  let nearest = tf.tidy(() => tf.sum(tf.square(tf.sub(x, tf.slice(x, [first, 0], [1, -1]))), 1));
  try {
    for (let j = 1; j < k; j++) {
      const d2 = nearest.dataSync();
      let total = 0;
      for (const v of d2) total += v;
      let index = Math.min(n - 1, Math.floor((u[j] as number) * n));
      if (total > 0) {
        const target = (u[j] as number) * total;
        let acc = 0;
        index = n - 1;
        for (let i = 0; i < n; i++) {
          acc += d2[i] as number;
          if (acc > target && (d2[i] as number) > 0) {
            index = i;
            break;
          }
        }
      }
      chosen.push(index);
      const previous = nearest;
      nearest = tf.tidy(() =>
        tf.minimum(previous, tf.sum(tf.square(tf.sub(x, tf.slice(x, [index, 0], [1, -1]))), 1)),
      );
      previous.dispose();
    }
  } finally {
    nearest.dispose();
  }
  return chosen;
}

/**
 * Lloyd's iterations from the given centre rows: assign each row of `x` to its nearest centre, move each
 * centre to the mean of its rows (an empty cluster keeps its centre), at most `iterations` times or
 * until no label changes. Returns the labels of the last assignment. Internal.
 */
export function lloydLabels(x: tf.Tensor2D, centreRows: readonly number[], iterations: number): Int32Array {
  const k = centreRows.length;
  let centres: tf.Tensor2D = tf.tidy(() => tf.gather(x, tf.tensor1d(centreRows as number[], 'int32')));
  const assign = (c: tf.Tensor): Int32Array =>
    tf.tidy(() => {
      // ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖², [N, K]
      const cross = tf.matMul(x, c, false, true);
      const d = tf.add(tf.mul(-2, cross), tf.sum(tf.square(c), 1));
      return tf.argMin(d, 1).dataSync() as Int32Array;
    });
  let labels = assign(centres);
  try {
    for (let t = 0; t < iterations; t++) {
      const current = labels;
      const previous = centres;
      centres = tf.tidy(() => {
        const onehot = tf.cast(tf.oneHot(tf.tensor1d(current, 'int32'), k), 'float32') as tf.Tensor2D;
        const counts = tf.sum(onehot, 0);
        const sums = tf.matMul(onehot, x, true, false);
        const means = tf.div(sums, tf.expandDims(tf.maximum(counts, 1), 1));
        return tf.where(
          tf.tile(tf.expandDims(tf.greater(counts, 0), 1), [1, x.shape[1]]),
          means,
          previous,
        ) as tf.Tensor2D;
      });
      previous.dispose();
      labels = assign(centres);
      if (labels.every((v, i) => v === current[i])) break;
    }
  } finally {
    centres.dispose();
  }
  return labels;
}
