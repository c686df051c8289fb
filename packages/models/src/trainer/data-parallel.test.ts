import * as tf from '@tensorflow/tfjs-core';
import { random, seed } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { createModel } from '../vae/create-model.js';
import { fit } from './fit.js';
import type { GradientPool, GradientShare, ShareGradients } from './gradient-pool.js';
import type { TrainableModel } from './trainable.js';

const AE = {
  kind: 'ae',
  arch: 'mlp',
  hidden: [16],
  latent: 3,
  likelihood: 'bernoulli',
  inputShape: [4, 4, 1],
  seed: 5,
} as const;

/** A pool in this thread: a copy of the model, given the weights, computes each share's gradients. */
function inThreadPool(
  model: TrainableModel,
  shares: number,
): GradientPool & { calls: number; dispose(): void } {
  const copy = createModel(model.config as never) as TrainableModel;
  const names = Object.keys(copy.variables);
  const pool = {
    shares,
    calls: 0,
    compute(weights: readonly Float32Array[], parts: readonly GradientShare[], klWeight: number) {
      pool.calls += 1;
      names.forEach((n, j) => {
        const v = copy.variables[n] as tf.Variable;
        tf.tidy(() => v.assign(tf.tensor(weights[j] as Float32Array, v.shape)));
      });
      const out: ShareGradients[] = parts.map((p) => {
        const x = tf.tensor(p.images, [...p.shape]);
        const terms: Record<string, number> = {};
        const { value, grads } = tf.variableGrads(
          () => {
            const r = copy.loss(x, { seed: p.seed, klWeight, training: true });
            for (const [k, t] of Object.entries(r.terms)) {
              terms[k] = t.dataSync()[0] as number;
              t.dispose();
            }
            return r.loss;
          },
          names.map((n) => copy.variables[n] as tf.Variable),
        );
        const result = {
          loss: value.dataSync()[0] as number,
          terms,
          grads: names.map((n) => grads[(copy.variables[n] as tf.Variable).name]!.dataSync() as Float32Array),
        };
        tf.dispose([x, value, ...Object.values(grads)]);
        return result;
      });
      return Promise.resolve(out);
    },
    dispose: () => copy.dispose(),
  };
  return pool;
}

describeEachBackend('fit with a gradient pool (data parallel)', ({ tolerance }) => {
  it('a step over shares averages to the step over the whole batch: same loss, gradient norm and weights', async () => {
    const x = tf.tidy(() => tf.cast(tf.greater(random.uniform([10, 4, 4, 1], seed(1)), 0.5), 'float32'));
    const serial = createModel(AE);
    const parallel = createModel(AE);
    const seen: Record<string, Array<{ loss: number; norm: number }>> = { serial: [], parallel: [] };
    const record = (key: string) => ({
      onStep: ({ loss, gradientNorm }: { loss: number; gradientNorm: number }) => {
        seen[key]!.push({ loss, norm: gradientNorm });
      },
    });
    await fit({ model: serial, data: [x], epochs: 3, seed: 2, callbacks: record('serial') });
    // Shares of 4, 3 and 3 images; the deterministic auto-encoder makes the average exact.
    const pool = inThreadPool(parallel, 3);
    await expectNoLeaks(() =>
      fit({ model: parallel, data: [x], epochs: 3, seed: 2, pool, callbacks: record('parallel') }),
    );
    expect(pool.calls).toBe(3);
    seen['serial']!.forEach((s, i) => {
      const p = seen['parallel']![i]!;
      expect(Math.abs(p.loss - s.loss)).toBeLessThan(1e-4 * Math.abs(s.loss) + tolerance.atol);
      expect(Math.abs(p.norm - s.norm)).toBeLessThan(1e-4 * s.norm + tolerance.atol);
    });
    for (const [name, v] of Object.entries(serial.variables)) {
      const a = Array.from(v.dataSync());
      const b = Array.from((parallel.variables[name] as tf.Variable).dataSync());
      a.forEach((value, i) => expect(Math.abs((b[i] as number) - value)).toBeLessThan(1e-4));
    }
    pool.dispose();
    serial.dispose();
    parallel.dispose();
    x.dispose();
  });

  it('a pool error stops fit with it and frees the step', async () => {
    const model = createModel(AE);
    const x = tf.zeros([4, 4, 4, 1]);
    const broken: GradientPool = { shares: 2, compute: () => Promise.reject(new Error('worker 1 died')) };
    await expectNoLeaks(async () => {
      await expect(fit({ model, data: [x], epochs: 1, seed: 0, pool: broken })).rejects.toThrow(
        /worker 1 died/,
      );
    });
    await expect(fit({ model, data: [x], epochs: 1, seed: 0, pool: { shares: 1 } as never })).rejects.toThrow(
      /option 'pool' .* expected a GradientPool \{ shares \(an integer ≥ 2\), compute \}/,
    );
    model.dispose();
    x.dispose();
  });
});
