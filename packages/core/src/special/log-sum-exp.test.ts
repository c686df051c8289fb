import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks, type Numeric } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { logSumExp } from './log-sum-exp.js';

// Reference: scipy.special.logsumexp and scipy.special.softmax (the gradient for an upstream gradient of
// ones) on 11 cases: ranks 1 to 3, one axis, several, negative, all; keepDims; −∞ entries and an all −∞
// row; 1e30; results next to 0.
type Nested = number | string | null | Nested[];
const decode = (v: Nested): Numeric => (Array.isArray(v) ? v.map(decode) : Number(v));
const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0] as Nested)] : []);
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);

describeEachBackend('logSumExp', ({ backend }) => {
  // Measured max relative error 1.6e-7 (values) and 2e-6 (gradient: e^(x − m) with x − m rounded in
  // float32 when far below the maximum).
  const rtol = backend === 'webgl' ? 5e-6 : 4e-7;

  fixture.logSumExp.forEach((c, k) => {
    const axis = c.axis === null ? undefined : (c.axis as number | number[]);
    it(`matches scipy.special.logsumexp, with softmax as its gradient: case ${k} (shape [${shapeOf(c.x as Nested).join(',')}], axis ${JSON.stringify(c.axis)}${c.keepDims ? ', keepDims' : ''})`, async () => {
      await expectNoLeaks(() => {
        const x = tf.tensor(flat(c.x as Nested), shapeOf(c.x as Nested));
        const y = logSumExp(x, axis, c.keepDims);
        expect(y.shape).toEqual(shapeOf(c.value as Nested));
        expectClose(y, decode(c.value as Nested), { atol: 0, rtol });
        const g = tf.grad((t: tf.Tensor) => logSumExp(t, axis, c.keepDims))(x);
        expectClose(g, decode(c.grad as Nested), { atol: 1e-30, rtol: backend === 'webgl' ? 1e-5 : 3e-6 });
        tf.dispose([x, y, g]);
      });
    });
  });

  it('keeps the relative accuracy of a result next to 0', () => {
    // log(1 + e⁻²⁰ + e⁻³⁰) = 2.0612472e-9: log of a float32 sum would give 0.
    const y = logSumExp([0, -20, -30]);
    expectClose(y, Math.log1p(Math.exp(-20) + Math.exp(-30)), { atol: 0, rtol: 1e-6 });
    y.dispose();
  });

  it('handles −∞ rows, +∞, NaN and ties', () => {
    const y = logSumExp(
      [
        [-Infinity, -Infinity],
        [Infinity, 1],
        [NaN, 1],
        [-Infinity, NaN],
        [5, 5],
      ],
      1,
    );
    expectClose(y, [-Infinity, Infinity, NaN, NaN, 5 + Math.LN2], { atol: 0, rtol: 1e-7 });
    const g = tf.grad((t: tf.Tensor) => logSumExp(t, -1))(
      tf.tensor2d([
        [-Infinity, -Infinity],
        [5, 5],
      ]),
    );
    expectClose(
      g,
      [
        [0, 0],
        [0.5, 0.5],
      ],
      { atol: 0, rtol: 0 },
    );
    tf.dispose([y, g]);
  });

  it('reduces over every axis by default and over none for an empty list', () => {
    const all = logSumExp([
      [0, 0],
      [0, 0],
    ]);
    expect(all.shape).toEqual([]);
    expectClose(all, Math.log(4), { atol: 0, rtol: 1e-7 });
    const none = logSumExp([1, 2], []);
    expectClose(none, [1, 2], { atol: 0, rtol: 0 });
    tf.dispose([all, none]);
  });

  it('names itself and the argument for a bad axis or input', () => {
    expect(() => logSumExp('a')).toThrow(ArgumentError);
    expect(() => logSumExp('a')).toThrow(/^logSumExp: argument 'x'/);
    expect(() => logSumExp([[1, 2]], 2)).toThrow(
      "logSumExp: argument 'axis' contains 2, expected integers in [-2, 2) for a tensor of rank 2",
    );
    expect(() => logSumExp([[1, 2]], 0.5)).toThrow(ArgumentError);
    expect(() => logSumExp([[1, 2]], [1, -1])).toThrow("logSumExp: argument 'axis' names axis 1 twice");
  });
});
