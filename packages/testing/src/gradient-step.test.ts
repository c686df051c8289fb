import * as tf from '@tensorflow/tfjs-core';
import { activeBackend } from '@elbo/backends';
import { expect, it } from 'vitest';
import { describeEachBackend } from './describe-each-backend.js';
import { expectClose } from './expect-close.js';
import { expectNoLeaks } from './leaks.js';

describeEachBackend('a gradient step', ({ backend, tolerance }) => {
  it('runs on the backend it claims', () => {
    expect(activeBackend()).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  it('tf.variableGrads + Adam minimises a quadratic, leaking no tensor', async () => {
    const w = tf.variable(tf.tensor1d([3, -2]), true, `w_${backend}`);
    const target = tf.tensor1d([1, 1]);
    const optimizer = tf.train.adam(0.1);
    const loss = () => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar;
    const initial = tf.tidy(() => loss().dataSync()[0] as number);
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss);
        optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
        tf.dispose(value);
      });
    // Adam creates its two moment variables per weight on the first step: that is state, not a leak.
    step();
    await expectNoLeaks(() => {
      for (let i = 1; i < 100; i++) step();
    });
    const final = tf.tidy(() => loss().dataSync()[0] as number);
    expect(final).toBeLessThan(initial / 100);
    expectClose(w, [1, 1], { atol: 0.05, rtol: 0 });
    // The gradient itself is d/dw Σ(w − t)² = 2(w − t), checked at a fixed point.
    const g = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.sub(x, target))))(tf.tensor1d([3, -2])),
    );
    expectClose(g, [4, -6], tolerance);
    tf.dispose([g, target, w]);
    optimizer.dispose();
  });
});
