import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../errors/errors.js';
import fixture from './fixtures/random.json' with { type: 'json' };
import { normal } from './normal.js';
import { seed } from './seed.js';

const reference = fixture.streams.normal;

describeEachBackend('normal', () => {
  it('matches the Python Box–Muller reference to within one float32 ulp', async () => {
    await expectNoLeaks(() => {
      const z = normal(reference.shape, seed(reference.n));
      expect(z.shape).toEqual(reference.shape);
      expect(z.dtype).toBe('float32');
      // Python's libm and V8's may differ in the last bit of a double, so allow one float32 ulp.
      expectClose(z, reference.values, { atol: 0, rtol: 2 ** -23 });
      z.dispose();
    });
  });

  it('lays elements out pairwise: a longer draw extends a shorter one', async () => {
    await expectNoLeaks(() => {
      const short = normal([3], 7);
      const long = normal([2, 4], 7);
      expect(Array.from(long.dataSync()).slice(0, 3)).toEqual(Array.from(short.dataSync()));
      const scalar = normal([], 7);
      expect(scalar.dataSync()[0]).toBe(short.dataSync()[0]);
      tf.dispose([short, long, scalar]);
    });
  });

  it('rejects bad shapes and seeds', async () => {
    await expectNoLeaks(() => {
      expect(() => normal([1, -1], 0)).toThrow(ShapeError);
      expect(() => normal([1, -1], 0)).toThrow("normal: argument 'shape' is [1,-1]");
      expect(() => normal([2], { key: [1] } as never)).toThrow(ArgumentError);
      expect(() => normal([2], NaN)).toThrow("normal: argument 'seed' is NaN");
    });
  });
});
