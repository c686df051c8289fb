import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DataFormatError, NonFiniteError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { disposeCheckpoint } from '../checkpoint/checkpoint-format.js';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.js';
import { fit } from './fit.js';
import {
  createLinearGaussian,
  expectedLoss,
  linearGaussianData,
  linearGaussianOptimum,
  linearGaussianRows,
  type LinearGaussianConfig,
} from './fixtures/linear-gaussian.js';
import { memoryHandler } from './fixtures/memory-handler.js';
import { NonFiniteTrainingError } from './non-finite-training-error.js';
import type { TrainableModel } from './trainable.js';

const CONFIG: LinearGaussianConfig = { kind: 'linear-gaussian', dimension: 3 };
const ROWS = linearGaussianRows(64, 3);
const data = linearGaussianData(ROWS, 8); // 8 steps per epoch

function values(model: TrainableModel): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of [...Object.entries(model.variables), ...Object.entries(model.state)]) {
    out[k] = Array.from(v.dataSync());
  }
  return out;
}

describeEachBackend('fit', ({ backend, tolerance }) => {
  it('trains the toy model to its known optimum μ* = x̄/2, σ* = 1/√2', async () => {
    const model = createLinearGaussian(CONFIG);
    const optimum = linearGaussianOptimum(ROWS);
    const initial = expectedLoss(ROWS, [0, 0, 0], Math.exp(0.5));
    const result = await fit({ model, data, epochs: 60, seed: 1, learningRate: 0.05 });
    expect(result.epoch).toBe(60);
    expect(result.steps).toBe(480);
    expect(result.resumedFrom).toBeNull();
    expect(result.metrics).toHaveLength(60);
    const mean = Array.from(model.variables['posterior/mean']!.dataSync());
    const scale = Array.from(tf.tidy(() => tf.exp(model.variables['posterior/logScale']!)).dataSync());
    expectClose(mean, optimum.mean, { atol: 0.08, rtol: 0 });
    expectClose(scale, [optimum.scale, optimum.scale, optimum.scale], { atol: 0.08, rtol: 0 });
    const final = expectedLoss(ROWS, mean, scale);
    expect(initial - optimum.loss).toBeGreaterThan(1);
    expect(final - optimum.loss).toBeLessThan(0.02 * (initial - optimum.loss));
    // The state counts every image of every step.
    expect(model.state['data/imagesSeen']!.dataSync()[0]).toBe(60 * 64);
    model.dispose();
  });

  it('leaks no tensor over a whole fit with checkpoints, warm-up, clipping and resume', async () => {
    const model = createLinearGaussian(CONFIG);
    const handler = memoryHandler();
    await expectNoLeaks(async () => {
      await fit({ model, data, epochs: 2, seed: 3, klWarmup: 5, clipNorm: 1, checkpoint: { handler } });
      await fit({
        model,
        data,
        epochs: 3,
        seed: 3,
        klWarmup: 5,
        clipNorm: 1,
        checkpoint: { handler },
        resume: true,
      });
    });
    expect(handler.saves).toBe(3);
    model.dispose();
  });

  it('fit 2 epochs + resume to 4 equals fit 4 epochs straight, bit for bit', async () => {
    const straight = createLinearGaussian(CONFIG);
    const a = memoryHandler();
    const r4 = await fit({
      model: straight,
      data,
      epochs: 4,
      seed: 9,
      klWarmup: 10,
      clipNorm: 5,
      checkpoint: { handler: a },
    });

    const first = createLinearGaussian(CONFIG);
    const b = memoryHandler();
    const r2 = await fit({
      model: first,
      data,
      epochs: 2,
      seed: 9,
      klWarmup: 10,
      clipNorm: 5,
      checkpoint: { handler: b },
    });
    expect(r2.epoch).toBe(2);
    first.dispose();
    // A fresh model with different initial values: everything must come from the checkpoint.
    const resumed = createLinearGaussian({ ...CONFIG });
    resumed.variables['posterior/mean']!.assign(tf.fill([3], 5));
    const steps: number[] = [];
    const r = await fit({
      model: resumed,
      data,
      epochs: 4,
      seed: 9,
      klWarmup: 10,
      clipNorm: 5,
      checkpoint: { handler: b },
      resume: true,
      callbacks: { onStep: ({ step }) => void steps.push(step) },
    });
    expect(r.resumedFrom).toBe(2);
    expect(r.epoch).toBe(4);
    expect(r.steps).toBe(r4.steps);
    expect(steps[0]).toBe(17);
    expect(values(resumed)).toEqual(values(straight));
    if (backend === 'webgl') {
      // WebGL runs ops on small tensors whose data is still on the CPU (the restored variables) with the
      // CPU kernels, so the resumed run's reported losses may differ in the last float32 bits.
      expectClose(
        r.metrics.map((m) => m.loss),
        r4.metrics.map((m) => m.loss),
        tolerance,
      );
    } else {
      expect(r.metrics.map((m) => m.loss)).toEqual(r4.metrics.map((m) => m.loss));
    }
    // The optimizer moments of both final checkpoints are identical too.
    const ca = await loadCheckpoint(a);
    const cb = await loadCheckpoint(b);
    expect(cb.step).toBe(ca.step);
    expect(Object.keys(cb.optimizer!.weights)).toEqual(Object.keys(ca.optimizer!.weights));
    for (const [k, t] of Object.entries(ca.optimizer!.weights)) {
      expect(Array.from(cb.optimizer!.weights[k]!.dataSync()), k).toEqual(Array.from(t.dataSync()));
    }
    disposeCheckpoint(ca);
    disposeCheckpoint(cb);
    straight.dispose();
    resumed.dispose();
  });

  it('resuming to an epoch already reached restores the weights and trains nothing', async () => {
    const model = createLinearGaussian(CONFIG);
    const handler = memoryHandler();
    await fit({ model, data, epochs: 2, seed: 4, checkpoint: { handler } });
    const trained = values(model);
    const fresh = createLinearGaussian(CONFIG);
    const r = await fit({ model: fresh, data, epochs: 2, seed: 4, checkpoint: { handler }, resume: true });
    expect(r).toMatchObject({ epoch: 2, steps: 16, resumedFrom: 2, seconds: 0 });
    expect(handler.saves).toBe(2);
    expect(values(fresh)).toEqual(trained);
    model.dispose();
    fresh.dispose();
  });

  it('refuses to resume a checkpoint of another model config or seed', async () => {
    const model = createLinearGaussian(CONFIG);
    const handler = memoryHandler();
    await fit({ model, data, epochs: 1, seed: 4, checkpoint: { handler } });
    const other = createLinearGaussian({ ...CONFIG, initialMean: 1 });
    await expect(
      fit({ model: other, data, epochs: 2, seed: 4, checkpoint: { handler }, resume: true }),
    ).rejects.toThrow(/model config .*"initialMean":1/);
    await expect(
      fit({ model, data, epochs: 2, seed: 5, checkpoint: { handler }, resume: true }),
    ).rejects.toThrow(/pass the same seed/);
    model.dispose();
    other.dispose();
  });

  it('a NaN term at step k stops with the term, step, epoch and last good values; the checkpoint stays', async () => {
    const model = createLinearGaussian(CONFIG, { nonFiniteAt: { call: 13, term: 'kl' } });
    const handler = memoryHandler();
    const error = await fit({ model, data, epochs: 3, seed: 2, checkpoint: { handler } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NonFiniteTrainingError);
    expect(error).toBeInstanceOf(NonFiniteError);
    const e = error as NonFiniteTrainingError;
    expect(e.code).toBe('E_NONFINITE');
    expect([e.term, e.step, e.epoch]).toEqual(['kl', 13, 2]);
    expect(Number.isNaN(e.value)).toBe(true);
    expect(e.lastGood?.step).toBe(12);
    expect(Number.isFinite(e.lastGood?.loss)).toBe(true);
    expect(Object.keys(e.lastGood?.terms ?? {})).toEqual(['reconstruction', 'kl']);
    expect(e.checkpoint).toMatchObject({ epoch: 1, step: 8 });
    expect(e.message).toMatch(/step 13 \(epoch 2\) term 'kl' of the loss is NaN/);
    // The epoch-1 checkpoint is the only one written, and it is finite and loadable.
    expect(handler.saves).toBe(1);
    const ckpt = await loadCheckpoint(handler);
    expect([ckpt.epoch, ckpt.step]).toEqual([1, 8]);
    expect(tf.tidy(() => tf.all(tf.isFinite(ckpt.variables['posterior/mean']!)).dataSync()[0])).toBe(1);
    disposeCheckpoint(ckpt);
    // The model holds the values after step 12: finite.
    expect(values(model)['posterior/mean']!.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('an infinite reconstruction and a NaN gradient are named too', async () => {
    const a = createLinearGaussian(CONFIG, { nonFiniteAt: { call: 1, term: 'reconstruction' } });
    const ea = (await fit({ model: a, data, epochs: 1, seed: 2 }).catch(
      (e: unknown) => e,
    )) as NonFiniteTrainingError;
    expect([ea.term, ea.step, ea.value, ea.lastGood, ea.checkpoint]).toEqual([
      'reconstruction',
      1,
      Infinity,
      undefined,
      undefined,
    ]);
    const b = createLinearGaussian(CONFIG, { nonFiniteAt: { call: 3, term: 'gradient' } });
    const eb = (await fit({ model: b, data, epochs: 1, seed: 2 }).catch(
      (e: unknown) => e,
    )) as NonFiniteTrainingError;
    expect([eb.term, eb.variable, eb.step]).toEqual(['gradient', 'posterior/mean', 3]);
    expect(eb.message).toMatch(/gradient of variable 'posterior\/mean'/);
    a.dispose();
    b.dispose();
  });

  it('warms the KL weight up linearly and clips the gradient norm', async () => {
    const model = createLinearGaussian(CONFIG);
    const weights: number[] = [];
    await fit({
      model,
      data,
      epochs: 1,
      seed: 0,
      klWarmup: 4,
      callbacks: { onStep: (e) => void weights.push(e.klWeight) },
    });
    expect(weights).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 1, 1]);
    // SGD with rate 1: each update is minus the clipped gradient, so it moves the parameters by ≤ clipNorm.
    const before = values(model);
    const norms: number[] = [];
    const optimizer = tf.train.sgd(1);
    await fit({
      model,
      data: [tf.tensor2d(ROWS.slice(0, 8))],
      epochs: 1,
      seed: 0,
      optimizer,
      clipNorm: 0.01,
      callbacks: { onStep: (e) => void norms.push(e.gradientNorm) },
    });
    const after = values(model);
    const moved = Math.hypot(
      ...['posterior/mean', 'posterior/logScale'].flatMap((k) => after[k]!.map((x, i) => x - before[k]![i]!)),
    );
    expect(norms[0]).toBeGreaterThan(0.1);
    expectClose(moved, 0.01, { atol: Math.max(tolerance.atol, 1e-4), rtol: 1e-3 });
    optimizer.dispose();
    model.dispose();
  });

  it('stops when a callback returns "stop", and disposes function-source batches', async () => {
    const model = createLinearGaussian(CONFIG);
    const made: tf.Tensor[] = [];
    const source = (epoch: number) =>
      [...linearGaussianData(ROWS, 8)(epoch)].map((t) => {
        made.push(t);
        return t;
      });
    const r = await fit({
      model,
      data: source,
      epochs: 5,
      seed: 0,
      callbacks: { onEpochEnd: ({ epoch }) => (epoch === 2 ? 'stop' : undefined) },
    });
    expect([r.epoch, r.steps, r.stopped]).toEqual([2, 16, true]);
    expect(made.every((t) => t.isDisposed)).toBe(true);
    const r2 = await fit({
      model,
      data,
      epochs: 5,
      seed: 0,
      callbacks: { onStep: ({ step }) => (step === 3 ? 'stop' : undefined) },
    });
    expect([r2.epoch, r2.steps, r2.stopped]).toEqual([0, 3, true]);
    model.dispose();
  });

  it('rejects bad options with an ArgumentError naming the option', async () => {
    const model = createLinearGaussian(CONFIG);
    const base = { model, data, epochs: 1, seed: 0 };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ epochs: -1 }, /option 'epochs' is -1, expected an integer ≥ 1/],
      [{ epochs: 1.5 }, /option 'epochs' is 1.5/],
      [{ clipNorm: 0 }, /option 'clipNorm' is 0, expected a finite number > 0/],
      [{ clipNorm: -2 }, /option 'clipNorm' is -2/],
      [{ klWarmup: 0.5 }, /option 'klWarmup'/],
      [{ batchSize: 3 }, /unknown option 'batchSize'/],
      [{ callbacks: { onBatch: () => undefined } }, /option 'callbacks' has the unknown option 'onBatch'/],
      [{ data: [] }, /option 'data' is an empty array/],
      [{ data: 3 }, /option 'data' is 3/],
      [{ seed: -1 }, /argument 'options.seed' is -1/],
      [{ learningRate: 0 }, /option 'learningRate' is 0/],
      [{ resume: true }, /option 'resume' is true but no 'checkpoint'/],
      [{ checkpoint: { dir: 'x', handler: memoryHandler() } }, /exactly one of 'dir' and 'handler'/],
      [
        { checkpoint: { dir: 'runs/a' } },
        /'options.checkpoint.dir' is the string "runs\/a", which no tf.io handler serves here.*@elbo\/models\/node/,
      ],
      [{ model: {} }, /option 'model' is an object, expected a TrainableModel/],
    ];
    for (const [patch, message] of cases) {
      const error = await fit({ ...base, ...patch } as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(Object.keys(patch))).toBeInstanceOf(ArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    // An empty data source is found at the first epoch.
    await expect(fit({ ...base, data: () => [] })).rejects.toThrow(/option 'data' gave no batch for epoch 1/);
    // Resuming from a handler that has nothing is a DataFormatError.
    await expect(
      fit({ ...base, checkpoint: { handler: memoryHandler() }, resume: true }),
    ).rejects.toBeInstanceOf(DataFormatError);
    model.dispose();
  });
});
