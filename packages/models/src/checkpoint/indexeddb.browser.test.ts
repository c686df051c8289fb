import * as tf from '@tensorflow/tfjs-core';
import { DataFormatError } from '@elbo/core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '@elbo/testing';
import {
  createLinearGaussian,
  linearGaussianData,
  linearGaussianRows,
} from '../trainer/fixtures/linear-gaussian.js';
import { fit } from '../trainer/fit.js';
import { disposeCheckpoint } from './checkpoint-format.js';
import { loadCheckpoint } from './load-checkpoint.js';

const CONFIG = { kind: 'linear-gaussian', dimension: 3 } as const;
const data = linearGaussianData(linearGaussianRows(24, 3), 6);

describeEachBackend('checkpoints in IndexedDB (Chromium)', () => {
  it("fit saves to and resumes from 'indexeddb://', equal to a straight run", async () => {
    const url = `indexeddb://elbo-test-${Date.now()}`;
    const first = createLinearGaussian(CONFIG);
    await fit({ model: first, data, epochs: 2, seed: 6, checkpoint: { dir: url } });
    first.dispose();
    const saved = await loadCheckpoint(url);
    expect([saved.epoch, saved.step, saved.config]).toEqual([2, 8, CONFIG]);
    expect(Object.keys(saved.optimizer!.weights)).toContain('posterior/mean/m');
    disposeCheckpoint(saved);

    const resumed = createLinearGaussian(CONFIG);
    const r = await fit({ model: resumed, data, epochs: 3, seed: 6, checkpoint: { dir: url }, resume: true });
    expect([r.resumedFrom, r.epoch, r.steps]).toEqual([2, 3, 12]);
    const straight = createLinearGaussian(CONFIG);
    await fit({ model: straight, data, epochs: 3, seed: 6 });
    for (const [k, v] of Object.entries(straight.variables)) {
      expect(Array.from(resumed.variables[k]!.dataSync()), k).toEqual(Array.from(v.dataSync()));
    }
    resumed.dispose();
    straight.dispose();
    await tf.io.removeModel(url);
  });

  it('loading a name that holds nothing is a DataFormatError', async () => {
    const error = await loadCheckpoint('indexeddb://elbo-test-never-saved').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(
      /no checkpoint could be read from 'indexeddb:\/\/elbo-test-never-saved'/,
    );
  });
});
