import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import fixture from '../nvae/fixtures/spectral.json' with { type: 'json' };
import { spectralNorm } from './spectral-norm.js';

// Largest singular values and vectors from numpy.linalg.svd in float64 (fixtures/generate_spectral.py).

describeEachBackend('spectralNorm', ({ tolerance }) => {
  for (const c of fixture.cases) {
    it(`converges to numpy's largest singular value ${c.sigma.toFixed(4)} of a [${c.shape.join(', ')}] weight`, async () => {
      const w = tf.tensor(c.weight, c.shape);
      const n = c.shape[c.shape.length - 1] as number;
      const v = tf.ones([n]);
      await expectNoLeaks(() => {
        // (σ₂/σ₁)^(2·iterations) < 1e-8 for every case with 200 iterations.
        const { sigma, v: next } = spectralNorm(w, v, 200);
        expectClose(sigma, c.sigma, { atol: 0, rtol: 2e-5 + tolerance.rtol });
        // v is the right singular vector up to sign.
        const sign = Math.sign(tf.tidy(() => tf.sum(tf.mul(next, c.v)).dataSync()[0] as number));
        const signed = tf.mul(next, sign);
        expectClose(signed, c.v, { atol: 2e-4, rtol: 0 });
        tf.dispose([sigma, next, signed]);
      });
      // Gradient of σ̂ in W is u vᵀ (the singular vectors' outer product, sign-free).
      const g = tf.grad((wi: tf.Tensor) => {
        const { sigma, v: next } = spectralNorm(wi, v, 200);
        next.dispose();
        return sigma;
      })(w);
      const uv = c.u.flatMap((ui) => c.v.map((vj) => ui * vj));
      expectClose(Array.from(g.dataSync()), uv, { atol: 3e-4, rtol: 0 });
      tf.dispose([w, v, g]);
    });
  }

  it('one iteration per call from the last v approaches σ from below (power iteration)', () => {
    const c = fixture.cases[2] as (typeof fixture.cases)[number];
    const w = tf.tensor(c.weight, c.shape);
    let v: tf.Tensor = tf.ones([c.shape[3] as number]);
    const estimates: number[] = [];
    for (let i = 0; i < 30; i++) {
      const { sigma, v: next } = spectralNorm(w, v, 1);
      estimates.push(sigma.dataSync()[0] as number);
      tf.dispose([sigma, v]);
      v = next;
    }
    expect(Math.max(...estimates)).toBeLessThanOrEqual(c.sigma * (1 + 1e-5));
    expect(estimates[29]).toBeGreaterThan(estimates[0] as number);
    expect(estimates[29]).toBeGreaterThan(0.98 * c.sigma);
    tf.dispose([w, v]);
  });

  it('names a mismatched vector and bad iterations', () => {
    const w = tf.zeros([3, 3, 2, 4]);
    expect(() => spectralNorm(w, tf.ones([3]))).toThrow(ShapeError);
    expect(() => spectralNorm(w, tf.ones([3]))).toThrow(/expected \[4\]/);
    expect(() => spectralNorm(w, tf.ones([4]), 0)).toThrow(ArgumentError);
    w.dispose();
  });
});
