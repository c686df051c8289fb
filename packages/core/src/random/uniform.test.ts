import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError, DomainError, ShapeError } from '../errors/errors.js';
import fixture from './fixtures/random.json' with { type: 'json' };
import { seed } from './seed.js';
import { uniform } from './uniform.js';
import { uniformBits } from './uniform-bits.js';

const streams = fixture.streams;

describeEachBackend('uniform', () => {
  it('equals the Python reference exactly (24-bit mantissas, float64 affine map, float32 rounding)', async () => {
    await expectNoLeaks(() => {
      const { n, shape, low, high, values } = streams.uniform;
      const u = uniform(shape, seed(n), { low, high });
      expect(u.shape).toEqual(shape);
      expect(u.dtype).toBe('float32');
      expect(Array.from(u.dataSync())).toEqual(values);
      const unit = uniform(streams.uniformUnit.shape, streams.uniformUnit.n);
      expect(Array.from(unit.dataSync())).toEqual(streams.uniformUnit.values);
      tf.dispose([u, unit]);
    });
  });

  it('keeps [low, high) half-open when low + (high − low)·u rounds up to high in float32', async () => {
    await expectNoLeaks(() => {
      const { n, shape, low, high, values } = streams.uniformCoarse;
      const u = uniform(shape, n, { low, high });
      const got = Array.from(u.dataSync());
      expect(got).toEqual(values);
      expect(Math.max(...got)).toBe(1e6 + 0.9375); // the largest float32 below 1e6 + 1
      expect(got.filter((x) => x === 1e6 + 0.9375).length).toBeGreaterThan(0);
      u.dispose();
    });
  });

  it('is the top 24 bits of uniformBits scaled by 2^-24, so never 1', async () => {
    await expectNoLeaks(() => {
      const u = uniform([4096], seed(11));
      const bits = uniformBits([4096], seed(11));
      const got = u.dataSync();
      for (let i = 0; i < bits.length; i++)
        expect(got[i]).toBe(Math.floor((bits[i] as number) / 256) / 2 ** 24);
      expect(Math.max(...got)).toBeLessThan(1);
      expect(Math.min(...got)).toBeGreaterThanOrEqual(0);
      u.dispose();
    });
  });

  it('supports scalar and empty shapes', async () => {
    await expectNoLeaks(() => {
      const scalar = uniform([], 7);
      expect(scalar.shape).toEqual([]);
      expect(scalar.dataSync()[0]).toBe(streams.uniformUnit.values[0]);
      const empty = uniform([3, 0], 7);
      expect(empty.shape).toEqual([3, 0]);
      tf.dispose([scalar, empty]);
    });
  });

  it('rejects bad shapes, seeds and options with the argument named', async () => {
    await expectNoLeaks(() => {
      expect(() => uniform([-2], 0)).toThrow(ShapeError);
      expect(() => uniform([2], 1.5)).toThrow("uniform: argument 'seed' is 1.5");
      expect(() => uniform([2], 0, { lo: 0 } as never)).toThrow(ArgumentError);
      expect(() => uniform([2], 0, { lo: 0 } as never)).toThrow(
        "uniform: unknown option 'lo' (known options: low, high)",
      );
      expect(() => uniform([2], 0, { low: 1, high: 1 })).toThrow(DomainError);
      expect(() => uniform([2], 0, { low: 2, high: 1 })).toThrow(
        'uniform: options low = 2 and high = 1 give an empty interval, expected low < high (in float32)',
      );
      expect(() => uniform([2], 0, { low: NaN })).toThrow(
        "uniform: option 'low' is NaN, expected a finite number",
      );
      expect(() => uniform([2], 0, { high: '1' as never })).toThrow(
        "uniform: option 'high' is a string, expected a finite number",
      );
    });
  });
});
