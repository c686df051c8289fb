import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import {
  amariAlpha,
  jensenShannon,
  klForward,
  klReverse,
  pearson,
  squaredHellinger,
  totalVariation,
  type CsiszarFunction,
} from './csiszar.js';
import { csiszarFunction, variantName } from './fixtures/csiszar-variants.js';
import fdiv from './fixtures/fdiv.json' with { type: 'json' };

// Reference: fixtures/fdiv.json "pointwise" (generate_fdiv.py): f(u) and d f / d log u in 50-digit mpmath
// at 19 float32-exact points log u ∈ [−60, 40], for every function and both self-normalised variants.

const { logu, functions } = fdiv.pointwise;

describeEachBackend('Csiszár functions', ({ backend }) => {
  // cpu, wasm: float32 relative precision, |a − e| ≤ 2e-6·|e| for values and derivatives from 5e-25 to
  // 2e26 (measured worst relative error 2.3e-7 for values, amariAlpha(0.5) self-normalised at log u = 1,
  // and 1.6e-7 for derivatives); atol 1e-30 only lets an exact 0 (f(1), f′ at log u = −1 for klForward)
  // match. WebGL: rtol 1e-4 (measured 2.4e-6 in SwiftShader, pearson at log u = 30; a GPU's exp is
  // coarser), atol 1e-20.
  const tolerance: Tolerance =
    backend === 'webgl' ? { atol: 1e-20, rtol: 1e-4 } : { atol: 1e-30, rtol: 2e-6 };

  it('covers every function of the package with both variants', () => {
    const names = new Set(functions.map((v) => variantName(v)));
    for (const name of ['klReverse', 'klForward', 'jensenShannon']) {
      expect(names.has(name)).toBe(true);
      expect(names.has(`${name}, self-normalised`)).toBe(true);
    }
    for (const name of ['squaredHellinger', 'totalVariation', 'pearson', 'jeffreys'])
      expect(names.has(name)).toBe(true);
    expect(functions.filter((v) => v.name === 'amariAlpha').length).toBe(10);
  });

  for (const v of functions) {
    const f = csiszarFunction(v);

    it(`${variantName(v)}: f(log u) matches mpmath on log u ∈ [−60, 40]`, async () => {
      await expectNoLeaks(() => {
        const t = tf.tensor1d(logu);
        const y = f(t);
        expect(y.dtype).toBe('float32');
        expect(y.shape).toEqual([logu.length]);
        expectClose(y, v.values, tolerance);
        tf.dispose([t, y]);
      });
    });

    it(`${variantName(v)}: d f / d log u matches mpmath`, async () => {
      await expectNoLeaks(() => {
        const t = tf.tensor1d(logu);
        const g = tf.grad((x: tf.Tensor) => f(x))(t);
        expectClose(g, v.derivatives, tolerance);
        tf.dispose([t, g]);
      });
    });
  }

  it('takes the limit at u = 0 (log u = −∞), with a finite gradient where f(0) is finite', async () => {
    // The limits of f(u) as u → 0⁺ and the values f(1), from the formulas of generate_fdiv.py.
    const limits: [string, CsiszarFunction, number, number][] = [
      ['klReverse', (t) => klReverse(t), Infinity, 0],
      ['klForward', (t) => klForward(t), 0, 0],
      ['klForward, self-normalised', (t) => klForward(t, { selfNormalized: true }), 1, 0],
      ['jensenShannon', (t) => jensenShannon(t), 0, -2 * Math.LN2],
      ['jensenShannon, self-normalised', (t) => jensenShannon(t, { selfNormalized: true }), Math.LN2, 0],
      ['squaredHellinger', (t) => squaredHellinger(t), 1, 0],
      ['totalVariation', (t) => totalVariation(t), 0.5, 0],
      ['pearson', (t) => pearson(t), 1, 0],
      ['amariAlpha(0.5)', amariAlpha(0.5), 4, 0],
      ['amariAlpha(2)', amariAlpha(2), -0.5, 0],
    ];
    await expectNoLeaks(() => {
      for (const [name, f, limit, atUnity] of limits) {
        const t = tf.tensor1d([-Infinity, 0]);
        const y = f(t);
        const [atZero, atOne] = Array.from(y.dataSync());
        expect(atZero, name).toBeCloseTo(limit, 6);
        expect(atOne, name).toBeCloseTo(atUnity, 6);
        if (Number.isFinite(limit)) {
          const g = tf.grad((x: tf.Tensor) => f(x))(t);
          expect(
            Array.from(g.dataSync()).every(Number.isFinite),
            `${name}: gradient ${String(g.dataSync())}`,
          ).toBe(true);
          g.dispose();
        }
        tf.dispose([t, y]);
      }
    });
  });

  it('accepts numbers and arrays and keeps the shape of log u', async () => {
    await expectNoLeaks(() => {
      const scalar = klReverse(Math.log(2));
      expect(scalar.shape).toEqual([]);
      expectClose(scalar, -Math.LN2, tolerance);
      const matrix = pearson([
        [0, Math.log(3)],
        [Math.log(2), 0],
      ]);
      expect(matrix.shape).toEqual([2, 2]);
      expectClose(
        matrix,
        [
          [0, 4],
          [1, 0],
        ],
        tolerance,
      );
      tf.dispose([scalar, matrix]);
    });
  });
});

describe('Csiszár function input checks', () => {
  it('rejects unknown options and a non-boolean selfNormalized, naming the function', async () => {
    await expectNoLeaks(() => {
      const bad = { selfnormalized: true } as unknown as { selfNormalized: boolean };
      expect(() => klReverse(0, bad)).toThrow(ArgumentError);
      expect(() => klReverse(0, bad)).toThrow(
        "klReverse: argument 'options' has the unknown option 'selfnormalized'",
      );
      expect(() => klForward(0, bad)).toThrow(/^klForward: .*unknown option/);
      expect(() => jensenShannon(0, bad)).toThrow(/^jensenShannon: .*unknown option/);
      expect(() => amariAlpha(0.5, bad)).toThrow(/^amariAlpha: .*unknown option/);
      const notBoolean = { selfNormalized: 'yes' } as unknown as { selfNormalized: boolean };
      expect(() => klReverse(0, notBoolean)).toThrow(
        /klReverse: argument 'options.selfNormalized' is the string "yes", expected true or false/,
      );
      expect(() => klForward(0, 1 as unknown as { selfNormalized: boolean })).toThrow(/expected an object/);
    });
  });

  it('rejects a non-finite or non-numeric alpha', () => {
    expect(() => amariAlpha(Number.NaN)).toThrow(ArgumentError);
    expect(() => amariAlpha(Number.NaN)).toThrow(
      "amariAlpha: argument 'alpha' is NaN, expected a finite number",
    );
    expect(() => amariAlpha(Infinity)).toThrow(/argument 'alpha' is Infinity/);
    expect(() => amariAlpha('0.5' as unknown as number)).toThrow(/argument 'alpha' is the string "0.5"/);
  });

  it('rejects a log u that is not numeric, naming the function', async () => {
    await expectNoLeaks(() => {
      expect(() => klReverse('a' as unknown as number)).toThrow(ArgumentError);
      expect(() => totalVariation('a' as unknown as number)).toThrow(/^totalVariation: argument 'logu'/);
      expect(() => amariAlpha(0.5)('a' as unknown as tf.Tensor)).toThrow(/^amariAlpha: argument 'logu'/);
    });
  });
});
