import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DataFormatError, seed } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { disposeCheckpoint, type Checkpoint } from '../checkpoint/checkpoint-format.js';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.js';
import { saveCheckpoint } from '../checkpoint/save-checkpoint.js';
import { memoryHandler } from '../trainer/fixtures/memory-handler.js';
import { createModel, modelFromCheckpoint } from './create-model.js';
import { VariationalAutoencoder } from './vae.js';

const CONFIG = {
  kind: 'vae',
  arch: 'mlp',
  hidden: [16],
  latent: 3,
  likelihood: 'bernoulli',
  inputShape: [4, 4, 1],
  seed: 1,
} as const;

/** A checkpoint of a VAE whose weights differ from what its config's seed draws (moved off by 0.25). */
async function savedVae(): Promise<{ checkpoint: Checkpoint; original: VariationalAutoencoder }> {
  const original = createModel(CONFIG) as VariationalAutoencoder;
  for (const v of Object.values(original.variables)) tf.tidy(() => v.assign(tf.add(v, 0.25)));
  const handler = memoryHandler();
  await saveCheckpoint(handler, { model: original, step: 3, epoch: 1, seed: 0, metrics: [] });
  return { checkpoint: await loadCheckpoint(handler), original };
}

describeEachBackend('modelFromCheckpoint', () => {
  it('rebuilds the model with the saved weights, not the seed of its config', async () => {
    const { checkpoint, original } = await savedVae();
    const x = tf.tidy(() =>
      tf.cast(tf.greater(tf.randomUniform([5, 4, 4, 1], 0, 1, 'float32', 3), 0.5), 'float32'),
    );
    await expectNoLeaks(() => {
      const model = modelFromCheckpoint(checkpoint, 'memory');
      expect(model).toBeInstanceOf(VariationalAutoencoder);
      for (const [name, v] of Object.entries(original.variables)) {
        expect(Array.from(model.variables[name]!.dataSync()), name).toEqual(Array.from(v.dataSync()));
      }
      const lossOf = (m: VariationalAutoencoder) =>
        tf.tidy(() => m.loss(x, { seed: seed(2) }).loss.dataSync()[0]);
      expect(lossOf(model as VariationalAutoencoder)).toBe(lossOf(original));
      model.dispose();
    });
    disposeCheckpoint(checkpoint);
    original.dispose();
    x.dispose();
  });

  it('names a missing weight and a weight of the wrong shape, and leaks nothing', async () => {
    const { checkpoint, original } = await savedVae();
    const [first] = Object.keys(checkpoint.variables);
    const { [first!]: dropped, ...rest } = checkpoint.variables;
    await expectNoLeaks(() => {
      expect(() => modelFromCheckpoint({ ...checkpoint, variables: rest }, 'runs/x')).toThrow(
        DataFormatError,
      );
      expect(() => modelFromCheckpoint({ ...checkpoint, variables: rest }, 'runs/x')).toThrow(
        `modelFromCheckpoint: runs/x has no variables entry '${first}', which its model config needs`,
      );
      const wrong = tf.zeros([2, 2]);
      expect(() =>
        modelFromCheckpoint({ ...checkpoint, variables: { ...rest, [first!]: wrong } }, 'runs/x'),
      ).toThrow(
        new RegExp(`variables entry '${first}' is float32 \\[2, 2\\] in runs/x, expected float32 \\[`),
      );
      wrong.dispose();
    });
    expect(dropped).toBeDefined();
    expect(() => modelFromCheckpoint({ ...checkpoint, config: { kind: 'gan' } })).toThrow(ArgumentError);
    disposeCheckpoint(checkpoint);
    original.dispose();
  });
});
