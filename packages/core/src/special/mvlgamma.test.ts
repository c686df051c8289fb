import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { ArgumentError } from '../errors/errors.js';
import fixture from './fixtures/special.json' with { type: 'json' };
import { mvlgamma } from './mvlgamma.js';

// Reference: scipy.special.multigammaln(x, p) and Σⱼ ψ(x − j/2) for p = 1, 2, 3, 5, x from just above
// (p − 1)/2 to 1e10.
describeEachBackend('mvlgamma', ({ backend }) => {
  // Measured max relative error 8.6e-8 (values) and 3.1e-6 (gradient, where Σ ψ nearly cancels:
  // absolute 1.3e-7) on cpu, wasm and WebGL (SwiftShader).
  const rtol = backend === 'webgl' ? 1e-5 : 1e-6;

  for (const c of fixture.mvlgamma) {
    it(`matches scipy.special.multigammaln for p = ${c.p}, with Σ ψ(x − j/2) as its gradient`, async () => {
      await expectNoLeaks(() => {
        const x = tf.tensor1d(c.x.map(Number));
        const y = mvlgamma(x, c.p);
        expectClose(y, c.value.map(Number), { atol: 1e-6, rtol });
        const g = tf.grad((t: tf.Tensor) => mvlgamma(t, c.p))(x);
        expectClose(g, c.grad.map(Number), { atol: 3e-7, rtol: 2 * rtol });
        tf.dispose([x, y, g]);
      });
    });
  }

  it('is NaN where x ≤ (p − 1)/2, keeps the shape, and is lgamma for p = 1', () => {
    const y = mvlgamma(
      [
        [0.25, 0.5],
        [1.5, 3],
      ],
      2,
    );
    expect(y.shape).toEqual([2, 2]);
    // scipy.special.multigammaln(1.5, 2) = 0.45158271 (log π/2 + log Γ(1.5) + log Γ(1)), (3, 2) = 1.55019499.
    expectClose(
      y,
      [
        [NaN, NaN],
        [0.45158271, 1.55019499],
      ],
      { atol: 1e-6, rtol: 1e-6 },
    );
    const z = mvlgamma([0.5, 10], 1);
    expectClose(z, [0.5723649, 12.801827], { atol: 1e-6, rtol: 1e-6 });
    tf.dispose([y, z]);
  });

  it('checks p and names the argument', () => {
    expect(() => mvlgamma([3], 2.5)).toThrow(ArgumentError);
    expect(() => mvlgamma([3], 2.5)).toThrow(
      "mvlgamma: argument 'p' is 2.5, expected a positive integer (the dimension)",
    );
    expect(() => mvlgamma([3], 0)).toThrow(/argument 'p' is 0/);
    expect(() => mvlgamma('a', 2)).toThrow(/^mvlgamma: argument 'x'/);
  });
});
