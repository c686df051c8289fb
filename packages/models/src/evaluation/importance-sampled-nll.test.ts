import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, random, seed } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { ENCODER_SCALE_FLOOR, vae, type VariationalAutoencoder } from '../vae/vae.js';
import { bitsPerDim, importanceSampledNll, testElbo } from './importance-sampled-nll.js';

// A linear-Gaussian VAE whose posterior is exact: z ~ N(0, I₂), x | z ~ N(zW + b, σ²I₃) with the rows
// of W orthogonal, so p(z | x) = N((x − b)Wᵀ Σ/σ², Σ), Σ = (I + WWᵀ/σ²)⁻¹ diagonal, and the encoder
// (no hidden layer) represents it exactly. Then p(x) = N(b, WᵀW + σ²I), computed below in float64.
const SIGMA = 0.5;
const W = [
  [1, 0, 0.5],
  [0, 0.8, 0],
];
const B = [0.1, -0.2, 0.3];
const POST_VAR = W.map((row) => 1 / (1 + row.reduce((a, v) => a + v * v, 0) / SIGMA ** 2));

function softplusInverse(y: number): number {
  return Math.log(Math.expm1(y));
}

function exactModel(scaleFactor = 1): VariationalAutoencoder {
  const model = vae({
    kind: 'vae',
    arch: 'mlp',
    hidden: [],
    latent: 2,
    likelihood: 'gaussian',
    gaussianScale: SIGMA,
    inputShape: [1, 3, 1],
    seed: 0,
  });
  // Encoder out: [D, 2L] = [Wᵀ·diag(Σ)/σ² | 0], bias [−b·Wᵀ·Σ/σ² | softplus⁻¹(√Σ·f − floor)].
  const gain = W.map((row, l) => row.map((v) => (v * (POST_VAR[l] as number)) / SIGMA ** 2));
  const kernel = [0, 1, 2].map((d) => [gain[0]![d]!, gain[1]![d]!, 0, 0]);
  const locBias = gain.map((g) => -g.reduce((a, v, d) => a + v * (B[d] as number), 0));
  const rawScale = POST_VAR.map((v) => softplusInverse(Math.sqrt(v) * scaleFactor - ENCODER_SCALE_FLOOR));
  tf.tidy(() => {
    model.variables['encoder/out/kernel']!.assign(tf.tensor(kernel));
    model.variables['encoder/out/bias']!.assign(tf.tensor([...locBias, ...rawScale]));
    model.variables['decoder/out/kernel']!.assign(tf.tensor(W));
    model.variables['decoder/out/bias']!.assign(tf.tensor(B));
  });
  return model;
}

/** log N(x; b, WᵀW + σ²I) in float64, with the 3×3 inverse by cofactors. */
function exactLogMarginal(x: number[]): number {
  const c = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => W[0]![i]! * W[0]![j]! + W[1]![i]! * W[1]![j]! + (i === j ? SIGMA ** 2 : 0)),
  );
  const m = (i: number, j: number) => c[i]![j]!;
  const det =
    m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) -
    m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0)) +
    m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0));
  const cof = (i: number, j: number) => {
    const r = [0, 1, 2].filter((k) => k !== i);
    const s = [0, 1, 2].filter((k) => k !== j);
    return (
      ((i + j) % 2 === 0 ? 1 : -1) * (m(r[0]!, s[0]!) * m(r[1]!, s[1]!) - m(r[0]!, s[1]!) * m(r[1]!, s[0]!))
    );
  };
  const d = x.map((v, i) => v - (B[i] as number));
  let quad = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) quad += (d[i]! * cof(j, i) * d[j]!) / det;
  return -0.5 * quad - 0.5 * Math.log(det) - 1.5 * Math.log(2 * Math.PI);
}

const X = [
  [0.3, 0.1, 0.9],
  [-1.2, 0.7, 0.0],
  [2.0, -0.5, 1.1],
  [0.1, -0.2, 0.3],
];

describeEachBackend('importanceSampledNll', ({ backend }) => {
  const tol = backend === 'webgl' ? { atol: 5e-3, rtol: 1e-3 } : { atol: 1e-4, rtol: 1e-5 };

  it('is −log p(x) exactly, for every K, when the posterior is exact (linear-Gaussian VAE)', async () => {
    const model = exactModel();
    const x = tf.tensor(X);
    const expected = X.map((row) => -exactLogMarginal(row));
    await expectNoLeaks(() => {
      for (const samples of [1, 7, 250]) {
        const nll = importanceSampledNll(model, x, { samples, seed: seed(3), chunk: 64 });
        expect(nll.shape).toEqual([4]);
        expectClose(nll, expected, tol);
        nll.dispose();
      }
      // The ELBO of the exact posterior is log p(x) too (the gap KL(q ‖ p(z|x)) is 0).
      const elbo = testElbo(model, x, { samples: 3, seed: seed(4) });
      expectClose(
        elbo,
        expected.map((v) => -v),
        tol,
      );
      elbo.dispose();
    });
    tf.dispose(x);
    model.dispose();
  });

  it('with a too-wide posterior: ELBO < log p(x), and the IS estimate approaches −log p(x) as K grows', async () => {
    const model = exactModel(1.6);
    const x = tf.tensor(X);
    const expected = X.map((row) => -exactLogMarginal(row));
    await expectNoLeaks(() => {
      const elbo = testElbo(model, x, { samples: 2000, seed: seed(5), chunk: 500 });
      const nll1 = importanceSampledNll(model, x, { samples: 1, seed: seed(6) });
      const nll = importanceSampledNll(model, x, { samples: 4000, seed: seed(6), chunk: 1000 });
      const e = elbo.dataSync();
      const n = nll.dataSync();
      for (let i = 0; i < X.length; i++) {
        // KL(q ‖ p(z|x)) = Σ ½(f² − 1 − 2 log f) = 0.37 nats for f = 1.6 (per latent, two latents).
        const gap = 2 * 0.5 * (1.6 ** 2 - 1 - 2 * Math.log(1.6));
        // Monte Carlo standard error of the 2000-draw mean of log w: ≈ 0.025 nats; 4 of them.
        expect(Math.abs(-(e[i] as number) - (expected[i]! + gap))).toBeLessThan(0.1);
        expect(-(e[i] as number)).toBeGreaterThan(expected[i]! + 0.2);
        expect(Math.abs((n[i] as number) - expected[i]!)).toBeLessThan(0.03);
      }
      tf.dispose([elbo, nll1, nll]);
    });
    tf.dispose(x);
    model.dispose();
  });

  it('chunking changes nothing but the draws: one chunk and many chunks agree for an exact posterior', async () => {
    const model = exactModel();
    const x = tf.tidy(() => random.normal([6, 3], seed(1)));
    await expectNoLeaks(() => {
      const a = importanceSampledNll(model, x, { samples: 10, seed: 2, chunk: 10 });
      const b = importanceSampledNll(model, x, { samples: 10, seed: 2, chunk: 3 });
      expectClose(a, b, tol);
      tf.dispose([a, b]);
    });
    tf.dispose(x);
    model.dispose();
  });
});

describe('bitsPerDim and option checks', () => {
  it('converts nats per image to bits per dimension', () => {
    expect(bitsPerDim(80, 784)).toBeCloseTo(80 / (784 * Math.LN2), 12);
    expect(bitsPerDim(-1000, 784, { levels: 256 })).toBeCloseTo(
      (-1000 + 784 * Math.log(256)) / (784 * Math.LN2),
      12,
    );
    expect(() => bitsPerDim(1, 0)).toThrow(ArgumentError);
  });

  it('names the bad option', () => {
    const model = exactModel();
    const x = tf.zeros([1, 3]);
    expect(() => importanceSampledNll(model, x, { samples: 0, seed: 0 })).toThrow(
      "importanceSampledNll: argument 'options.samples' is 0, expected a positive integer",
    );
    x.dispose();
    model.dispose();
  });
});
