import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError, DomainError, ShapeError } from '../errors/errors.js';
import { bernoulli } from './bernoulli.js';
import { seed } from './seed.js';
import { uniformBits } from './uniform-bits.js';

describeEachBackend('bernoulli', () => {
  it('is 1 exactly where word t of the stream is below p·2^32', async () => {
    await expectNoLeaks(() => {
      const probs = tf.tensor2d([
        [0.1, 0.5],
        [0.25, 0.999],
      ]);
      const x = bernoulli(probs, seed(5), [100]);
      expect(x.shape).toEqual([100, 2, 2]);
      expect(x.dtype).toBe('float32');
      const words = uniformBits([400], seed(5));
      const p = [0.1, 0.5, 0.25, 0.999].map(Math.fround);
      const expected = Array.from(words, (w, t) => (w < (p[t % 4] as number) * 2 ** 32 ? 1 : 0));
      expect(Array.from(x.dataSync())).toEqual(expected);
      tf.dispose([probs, x]);
    });
  });

  it('never fires at p = 0 and always at p = 1', async () => {
    await expectNoLeaks(() => {
      const x = bernoulli([0, 1], seed(6), [5000]);
      const values = x.dataSync();
      for (let i = 0; i < values.length; i++)
        if (values[i] !== i % 2) expect.fail(`element ${i} is ${values[i]}`);
      x.dispose();
    });
  });

  it('rejects probabilities outside [0, 1] and bad sample shapes', async () => {
    await expectNoLeaks(() => {
      expect(() => bernoulli([0.5, 1.5], 0)).toThrow(DomainError);
      expect(() => bernoulli([0.5, 1.5], 0)).toThrow(
        "bernoulli: argument 'probs' must be a probability in [0, 1], got 1.5 at flat index 1",
      );
      expect(() => bernoulli([NaN], 0)).toThrow(DomainError);
      expect(() => bernoulli('x' as never, 0)).toThrow(ArgumentError);
      expect(() => bernoulli([0.5], 0, [2.5])).toThrow(ShapeError);
      expect(() => bernoulli([0.5], 0, [2.5])).toThrow("bernoulli: argument 'sampleShape' is [2.5]");
    });
  });
});
