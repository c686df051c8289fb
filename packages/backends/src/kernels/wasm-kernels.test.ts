// elbo's wasm kernels, on wasm itself: in Node on the threaded build (shared memory) and in Chromium on
// the single-threaded one (plain memory), so both binaries of elbo-kernels.wasm.ts run.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ADAM_KERNEL, SOFTPLUS_KERNEL } from '@elbo/core';
import { describe, expect, it, beforeAll } from 'vitest';
import { useBackend } from '../backends.js';
import { collapsePermutation } from './wasm-kernels.js';

/** xᵀ under `perm`, element by element in JavaScript: the reference. */
function transposeReference(values: ArrayLike<number>, shape: number[], perm: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = perm.map((a) => shape[a] as number);
  const n = values.length;
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    let rest = j;
    let src = 0;
    for (let d = 0; d < outShape.length; d++) {
      const inner = outShape.slice(d + 1).reduce((a, b) => a * b, 1);
      src += Math.floor(rest / inner) * (strides[perm[d] as number] as number);
      rest %= inner;
    }
    out.push(values[src] as number);
  }
  return out;
}

function numTensors(): number {
  return tf.memory().numTensors;
}

describe('collapsePermutation', () => {
  it('merges input axes that stay adjacent and drops size-1 axes', () => {
    expect(collapsePermutation([2, 64, 784], [2, 0, 1])).toEqual({ shape: [128, 784], perm: [1, 0] });
    expect(collapsePermutation([3, 5, 6], [0, 2, 1])).toEqual({ shape: [3, 5, 6], perm: [0, 2, 1] });
    expect(collapsePermutation([2, 3, 4, 5], [0, 1, 3, 2])).toEqual({ shape: [6, 4, 5], perm: [0, 2, 1] });
    expect(collapsePermutation([1, 9, 1, 13], [3, 1, 2, 0])).toEqual({ shape: [9, 13], perm: [1, 0] });
    expect(collapsePermutation([4, 5], [0, 1])).toEqual({ shape: [20], perm: [0] });
    expect(collapsePermutation([2, 3, 4], [1, 0, 2])).toEqual({ shape: [2, 3, 4], perm: [1, 0, 2] });
  });
});

describe('elbo wasm kernels [wasm]', () => {
  beforeAll(async () => {
    const choice = await useBackend('wasm');
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('Transpose equals the element-by-element reference for every kind of permutation', () => {
    const cases: [number[], number[]][] = [
      [
        [5, 7],
        [1, 0],
      ], // edges in both directions (not multiples of 4)
      [
        [128, 784],
        [1, 0],
      ],
      [
        [512, 36],
        [1, 0],
      ], // 512 rows: the cache-aliasing case
      [
        [2, 64, 784],
        [2, 0, 1],
      ], // a 2-D transpose of [128, 784] seen in 3-D
      [
        [3, 5, 6],
        [0, 2, 1],
      ], // a batch of 2-D transposes
      [
        [3, 5, 6],
        [1, 0, 2],
      ], // neither: tfjs's own kernel
      [
        [2, 3, 4, 5],
        [3, 2, 1, 0],
      ], // neither
      [
        [1, 9, 1, 13],
        [3, 1, 2, 0],
      ], // size-1 axes
      [
        [4, 4],
        [0, 1],
      ], // the identity permutation
      [
        [0, 3],
        [1, 0],
      ], // empty
    ];
    for (const [shape, perm] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : i - 7.5));
        const before = numTensors();
        const x = tf.tensor(values as number[], shape, dtype);
        const y = tf.transpose(x, perm);
        expect(y.shape).toEqual(perm.map((a) => shape[a]));
        expect(y.dtype).toBe(dtype);
        const expected = transposeReference(Array.from(x.dataSync()), shape, perm);
        expect(Array.from(y.dataSync()), `${dtype} [${shape}] perm [${perm}]`).toEqual(expected);
        tf.dispose([x, y]);
        expect(numTensors()).toBe(before);
      }
    }
  });

  it('Transpose has its gradient (the inverse permutation)', () => {
    const x = tf.tensor(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const w = tf.tensor(
      Array.from({ length: 24 }, (_, i) => Math.sin(i)),
      [4, 2, 3],
    );
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, [2, 0, 1]), w)))(x);
    expect(Array.from(g.dataSync())).toEqual(
      transposeReference(Array.from(w.dataSync()), [4, 2, 3], [1, 2, 0]),
    );
    tf.dispose([x, w, g]);
  });

  it('Identity (tf.clone) shares the data and outlives its input', () => {
    const before = numTensors();
    const x = tf.tensor([1.5, -2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3]);
    y.dispose();
    expect(numTensors()).toBe(before);
  });

  it(`${FUSED_ADAM_KERNEL} gives the bits of tfjs's Adam arithmetic, for lengths that are and are not multiples of 4`, () => {
    const f = Math.fround;
    for (const n of [1, 3, 4, 1027]) {
      const before = numTensors();
      const x = tf.tensor(Array.from({ length: n }, (_, i) => Math.cos(i)));
      const g = tf.tensor(Array.from({ length: n }, (_, i) => Math.sin(3 * i) * 1e-2));
      const m = tf.tensor(Array.from({ length: n }, (_, i) => Math.sin(i) * 1e-3));
      const v = tf.tensor(Array.from({ length: n }, (_, i) => (1 + Math.cos(i)) * 1e-5));
      const [lr, b1, b2, eps] = [2e-3, 0.9, 0.999, 1e-7];
      const c1 = tf.scalar(f(1 - f(0.9 ** 3)));
      const c2 = tf.scalar(f(1 - f(0.999 ** 3)));
      const outs = tf
        .engine()
        .runKernel(
          FUSED_ADAM_KERNEL,
          { x, g, m, v, c1, c2 },
          { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps },
        ) as tf.Tensor[];
      // tfjs-core's AdamOptimizer.applyGradients, op by op.
      const [x1, m1, v1] = tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        return [tf.add(tf.mul(tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), eps)), -lr), x), m1, v1];
      });
      expect(Array.from((outs[0] as tf.Tensor).dataSync())).toEqual(Array.from(x1.dataSync()));
      expect(Array.from((outs[1] as tf.Tensor).dataSync())).toEqual(Array.from(m1.dataSync()));
      expect(Array.from((outs[2] as tf.Tensor).dataSync())).toEqual(Array.from(v1.dataSync()));
      // The inputs are untouched (the outputs are new tensors).
      expect(Array.from(x.dataSync())).toEqual(Array.from({ length: n }, (_, i) => f(Math.cos(i))));
      tf.dispose([x, g, m, v, c1, c2, ...outs, m1, v1, x1]);
      expect(numTensors()).toBe(before);
    }
  });

  it(`${SOFTPLUS_KERNEL} is log(1 + eˣ) within 3e-7 (computed in double here), with its edges`, () => {
    const before = numTensors();
    // A fine grid over every regime (tiny tails, the kink, the linear side) and odd lengths for the tail
    // loop, then the edges.
    const grid = Array.from({ length: 40_001 }, (_, i) => -87 + (i * 174) / 40_000);
    const edges = [0, -0, 1e-30, -1e-30, 1e30, -1e30, 3e38, Infinity, -Infinity, NaN];
    const x = tf.tensor([...grid, ...edges]);
    const y = tf.engine().runKernel(SOFTPLUS_KERNEL, { x }) as tf.Tensor;
    const xs = x.dataSync();
    const ys = y.dataSync();
    let worst = 0;
    for (let i = 0; i < grid.length; i++) {
      const v = xs[i] as number;
      const ref = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
      worst = Math.max(worst, Math.abs((ys[i] as number) - ref) / ref);
    }
    expect(worst).toBeLessThan(3e-7);
    const tail = Array.from(ys.slice(grid.length));
    expect(tail.slice(0, 4)).toEqual([
      Math.fround(Math.log(2)),
      Math.fround(Math.log(2)),
      Math.fround(Math.log(2)),
      Math.fround(Math.log(2)),
    ]);
    expect(tail.slice(4)).toEqual([1e30, 0, 3e38, Infinity, 0, NaN].map(Math.fround));
    tf.dispose([x, y]);
    const ints = tf.tensor([1, 2], [2], 'int32');
    expect(() => tf.engine().runKernel(SOFTPLUS_KERNEL, { x: ints })).toThrow(
      `${SOFTPLUS_KERNEL}: input 'x' is int32, expected float32`,
    );
    ints.dispose();
    expect(numTensors()).toBe(before);
  });

  it(`${FUSED_ADAM_KERNEL} refuses inputs of another shape or dtype, naming them`, () => {
    const before = numTensors();
    const x = tf.zeros([4]);
    const c = tf.scalar(0.1);
    const attrs = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const run = (inputs: Record<string, tf.Tensor>) => () =>
      tf.engine().runKernel(FUSED_ADAM_KERNEL, { x, g: x, m: x, v: x, c1: c, c2: c, ...inputs }, attrs);
    const short = tf.zeros([3]);
    const ints = tf.zeros([4], 'int32');
    expect(run({ g: short })).toThrow(`${FUSED_ADAM_KERNEL}: input 'g' has shape [3], expected x's [4]`);
    expect(run({ m: ints })).toThrow(`${FUSED_ADAM_KERNEL}: input 'm' is int32, expected float32`);
    expect(run({ c2: x })).toThrow(`${FUSED_ADAM_KERNEL}: input 'c2' must be a float32 scalar`);
    tf.dispose([x, c, short, ints]);
    expect(numTensors()).toBe(before);
  });
});
