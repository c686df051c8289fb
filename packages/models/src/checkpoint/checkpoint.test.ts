import * as tf from '@tensorflow/tfjs-core';
import { DataFormatError } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import {
  createLinearGaussian,
  linearGaussianData,
  linearGaussianRows,
} from '../trainer/fixtures/linear-gaussian.js';
import { memoryHandler, type MemoryHandler } from '../trainer/fixtures/memory-handler.js';
import { fit } from '../trainer/fit.js';
import { disposeCheckpoint } from './checkpoint-format.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

const CONFIG = { kind: 'linear-gaussian', dimension: 4 } as const;
const data = linearGaussianData(linearGaussianRows(32, 4), 8);

async function trainedHandler(): Promise<MemoryHandler> {
  const model = createLinearGaussian(CONFIG);
  const handler = memoryHandler();
  await fit({ model, data, epochs: 1, seed: 0, checkpoint: { handler } });
  model.dispose();
  return handler;
}

describeEachBackend('checkpoints', () => {
  it('round-trip bit-exactly: variables, state, Adam moments, iteration, step, epoch, seed, metrics', async () => {
    const model = createLinearGaussian(CONFIG);
    const optimizer = tf.train.adam(0.01);
    await fit({ model, data, epochs: 2, seed: 5, optimizer });
    const handler = memoryHandler();
    const metrics = [
      { epoch: 1, steps: 4, loss: 1.5, terms: { kl: 0.5 }, seconds: 0.1, imagesPerSecond: 320 },
    ];
    await expectNoLeaks(() =>
      saveCheckpoint(handler, { model, optimizer, step: 8, epoch: 2, seed: 5, metrics }),
    );
    const ckpt = await loadCheckpoint(handler);
    expect(ckpt.config).toEqual(CONFIG);
    expect([ckpt.step, ckpt.epoch, ckpt.seed.key]).toEqual([8, 2, [5, 0]]);
    expect(ckpt.metrics).toEqual(metrics);
    for (const [k, v] of Object.entries(model.variables)) {
      expect(ckpt.variables[k]!.shape).toEqual(v.shape);
      expect(Array.from(ckpt.variables[k]!.dataSync()), k).toEqual(Array.from(v.dataSync()));
    }
    expect(Array.from(ckpt.state['data/imagesSeen']!.dataSync())).toEqual([64]);
    const live = await optimizer.getWeights();
    const saved = ckpt.optimizer!;
    expect(saved.className).toBe('Adam');
    expect(saved.config).toMatchObject({ learningRate: 0.01, beta1: 0.9, beta2: 0.999 });
    expect(Object.keys(saved.weights)).toEqual([
      'iter',
      'posterior/mean/m',
      'posterior/logScale/m',
      'posterior/mean/v',
      'posterior/logScale/v',
      'accBeta1',
      'accBeta2',
    ]);
    expect(Array.from(saved.weights['iter']!.dataSync())).toEqual([8]);
    live.slice(1).forEach(({ tensor }, i) => {
      const key = Object.keys(saved.weights)[1 + i]!;
      expect(Array.from(saved.weights[key]!.dataSync()), key).toEqual(Array.from(tensor.dataSync()));
    });
    live[0]!.tensor.dispose();
    disposeCheckpoint(ckpt);
    optimizer.dispose();
    model.dispose();
  });

  it('a truncated weight buffer is a DataFormatError saying how many bytes came and were expected', async () => {
    const handler = await trainedHandler();
    const full = handler.artifacts!.weightData as ArrayBuffer;
    handler.artifacts!.weightData = full.slice(0, full.byteLength - 4);
    const error = await loadCheckpoint(handler).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `weights.bin holds ${full.byteLength - 4} bytes but the weights manifest of model.json describes ${full.byteLength} bytes \\(truncated\\?\\)`,
      ),
    );
  });

  it('unknown dtypes, foreign formats, bad metadata and missing weights are DataFormatErrors', async () => {
    const cases: [(h: MemoryHandler) => void, RegExp][] = [
      [
        (h) => (h.artifacts!.weightSpecs![0]!.dtype = 'complex64'),
        /unknown dtype "complex64", expected 'float32' or 'int32'/,
      ],
      [
        (h) => (h.artifacts!.format = 'layers-model'),
        /'format' is "layers-model", expected 'elbo-checkpoint'/,
      ],
      [(h) => delete h.artifacts!.userDefinedMetadata, /no 'userDefinedMetadata.elbo'/],
      [(h) => ((h.artifacts!.userDefinedMetadata!['elbo'] as { step: unknown }).step = -1), /'step' is -1/],
      [(h) => (h.artifacts!.weightSpecs![0]!.name = 'variables/other'), /lacks 'variables\/posterior\/mean'/],
    ];
    for (const [corrupt, message] of cases) {
      const handler = await trainedHandler();
      corrupt(handler);
      const error = await loadCheckpoint(handler).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataFormatError);
      expect((error as Error).message).toMatch(/^loadCheckpoint: /);
      expect((error as Error).message).toMatch(message);
    }
  });
});
