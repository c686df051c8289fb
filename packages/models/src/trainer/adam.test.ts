import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, FUSED_ADAM_KERNEL, random, seed } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { captureOptimizer, createOptimizer, restoreOptimizer } from '../checkpoint/optimizer-state.js';
import { adam, FusedAdamOptimizer } from './adam.js';

/** Variables of awkward sizes (not multiples of 4, a scalar), initialised from a seed. */
function variables(tag: string): tf.Variable[] {
  return tf.tidy(() =>
    [[37, 11], [11], [1], []].map((shape, i) =>
      tf.variable(random.normal(shape, seed(i)), true, `${tag}-${i}-${Math.floor(performance.now() * 1e3)}`),
    ),
  );
}

describeEachBackend('adam', ({ backend }) => {
  it(`uses the fused kernel exactly where the backend has one (${backend})`, () => {
    expect(tf.getKernel(FUSED_ADAM_KERNEL, backend) !== undefined).toBe(backend === 'wasm');
  });

  it('takes the same steps as tf.train.adam, bit for bit, with the same slots and state', async () => {
    const ours = variables('ours');
    const theirs = variables('theirs');
    const a = adam(3e-3, 0.8, 0.99);
    const b: tf.Optimizer = tf.train.adam(3e-3, 0.8, 0.99);
    const step = (k: number) => {
      const gs = tf.tidy(() => ours.map((v, i) => random.normal(v.shape, seed(100 + 10 * k + i))));
      // As an array of named tensors and as a map: the two forms applyGradients takes.
      if (k % 2 === 0) a.applyGradients(ours.map((v, i) => ({ name: v.name, tensor: gs[i] as tf.Tensor })));
      else a.applyGradients(Object.fromEntries(ours.map((v, i) => [v.name, gs[i] as tf.Tensor])));
      b.applyGradients(Object.fromEntries(theirs.map((v, i) => [v.name, gs[i] as tf.Tensor])));
      tf.dispose(gs);
    };
    step(0); // creates the moment slots (2 per variable and optimizer)
    await expectNoLeaks(() => {
      for (let k = 1; k < 6; k++) step(k);
    });
    ours.forEach((v, i) =>
      expect(Array.from(v.dataSync())).toEqual(Array.from((theirs[i] as tf.Variable).dataSync())),
    );
    const wa = await a.getWeights();
    const wb = await b.getWeights();
    expect(wa.map((w) => w.name.replace(/^[a-z]+-(\d+)-\d+/, '$1'))).toEqual(
      wb.map((w) => w.name.replace(/^[a-z]+-(\d+)-\d+/, '$1')),
    );
    wa.forEach((w, i) =>
      expect(Array.from(w.tensor.dataSync())).toEqual(
        Array.from((wb[i] as { tensor: tf.Tensor }).tensor.dataSync()),
      ),
    );
    tf.dispose([wa[0]!.tensor, wb[0]!.tensor]); // `iter` is a fresh scalar; the slots are the optimizers'
    expect(a.getClassName()).toBe('Adam');
    expect(a.getConfig()).toEqual(b.getConfig());
    a.dispose();
    b.dispose();
    tf.dispose([...ours, ...theirs]);
  });

  it('survives a checkpoint: captured, recreated by class name and restored, it goes on as if never stopped', async () => {
    const vs = variables('ckpt');
    const named = Object.fromEntries(vs.map((v, i) => [`layer${i}`, v]));
    const grads = (k: number) =>
      tf.tidy(() => vs.map((v, i) => random.normal(v.shape, seed(500 + 10 * k + i))));
    const step = (o: tf.Optimizer, k: number) => {
      const gs = grads(k);
      o.applyGradients(Object.fromEntries(vs.map((v, i) => [v.name, gs[i] as tf.Tensor])));
      tf.dispose(gs);
    };
    const first = adam(1e-2);
    for (let k = 0; k < 3; k++) step(first, k);
    const saved = await captureOptimizer(first, named);
    const copies = vs.map((v) => tf.clone(v));
    for (let k = 3; k < 5; k++) step(first, k);
    const straight = vs.map((v) => Array.from(v.dataSync()));
    // Back to step 3, with an optimizer made from the checkpoint alone.
    vs.forEach((v, i) => v.assign(copies[i] as tf.Tensor));
    const resumed = createOptimizer(saved, 'test');
    expect(resumed).toBeInstanceOf(FusedAdamOptimizer);
    await restoreOptimizer(resumed, saved, named, 'test');
    for (let k = 3; k < 5; k++) step(resumed, k);
    vs.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(straight[i]));
    tf.dispose([...copies, ...Object.values(saved.weights)]);
    first.dispose();
    resumed.dispose();
    tf.dispose(vs);
  });
});

describe('adam arguments', () => {
  it('refuses a bad learning rate, β or ε, naming it', () => {
    expect(() => adam(0)).toThrow(ArgumentError);
    expect(() => adam(-1)).toThrow("adam: argument 'learningRate' is -1, expected a positive number");
    expect(() => adam(Number.NaN)).toThrow(
      "adam: argument 'learningRate' is NaN, expected a positive number",
    );
    expect(() => adam(1e-3, 1)).toThrow("adam: argument 'beta1' is 1, expected a number in [0, 1)");
    expect(() => adam(1e-3, 0.9, -0.1)).toThrow(
      "adam: argument 'beta2' is -0.1, expected a number in [0, 1)",
    );
    expect(() => adam(1e-3, 0.9, 0.999, -1)).toThrow("adam: argument 'epsilon' is -1, expected a number ≥ 0");
  });
});
