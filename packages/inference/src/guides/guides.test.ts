import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import {
  Exp,
  Gamma,
  Independent,
  MultivariateNormalTriL,
  Normal,
  Softplus,
  TransformedDistribution,
} from '@elbo/distributions';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import type { Model } from '../elbo/model.js';
import { reparameterizedElbo } from '../elbo/reparameterized-elbo.js';
import { fit } from '../svi/fit.js';
import { svi, type LossFunction } from '../svi/svi.js';
import { deltaGuide } from './delta-guide.js';
import { fullRankGuide } from './full-rank-guide.js';
import { lowRankGuide } from './low-rank-guide.js';
import { meanFieldGuide } from './mean-field-guide.js';
import { PointMass } from './point-mass.js';

// References in float64 from the maths: Gaussian log densities −½ xᵀΣ⁻¹x − ½ log|Σ| − (d/2) log 2π with
// 2 × 2 inverses written out; the Gamma-Poisson posterior Gamma(a + Σx, b + n), with mean (a + Σx)/(b + n)
// and mode (a + Σx − 1)/(b + n); the Normal-mean posterior (see svi.test.ts).

const LOG_2PI = Math.log(2 * Math.PI);

/** The values of a tensor, which is then freed. */
const take = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

function logNormal2(x: number[], mean: number[], cov: number[][]): number {
  const [a, b] = [cov[0]![0]!, cov[0]![1]!];
  const d = cov[1]![1]!;
  const det = a * d - b * b;
  const u = x[0]! - mean[0]!;
  const v = x[1]! - mean[1]!;
  const quad = (d * u * u - 2 * b * u * v + a * v * v) / det;
  return -0.5 * quad - 0.5 * Math.log(det) - LOG_2PI;
}

const COUNTS = [3, 5, 2, 4, 6, 3, 4, 5, 2, 4];
const A = 2;
const B = 1;
const loss1: LossFunction = (m, q, b, c) => reparameterizedElbo(m, q, b, { ...c, samples: 1 });
const loss8: LossFunction = (m, q, b, c) => reparameterizedElbo(m, q, b, { ...c, samples: 8 });

/**
 * λ ~ Gamma(A, B), x_i ~ Poisson(λ): log p(x | λ) = Σx·log λ − nλ − Σ log x_i!, the constant left out
 * (it changes neither the posterior nor the gradients, and lgamma is slow on WebGL).
 */
function gammaPoisson(): { model: Model; dispose: () => void } {
  const prior = new Gamma(A, B, { validate: false });
  const sum = COUNTS.reduce((a, b) => a + b, 0);
  return {
    model: {
      prior,
      logLikelihood: (lambda) => tf.sub(tf.mul(tf.log(lambda), sum), tf.mul(lambda, COUNTS.length)),
    },
    dispose: () => prior.dispose(),
  };
}

describeEachBackend('guides', ({ tolerance }) => {
  it('meanFieldGuide builds Normal / Independent(Normal) from its variables, with log densities of the closed form', async () => {
    const scalar = meanFieldGuide({ shape: [], loc: 0.3, scale: 2 });
    const vector = meanFieldGuide({ loc: [0.5, -1], scale: [0.5, 2] });
    await expectNoLeaks(() => {
      const q0 = scalar.distribution();
      expect(q0).toBeInstanceOf(Normal);
      expectClose(take(q0.logProb(1)), -0.5 * (0.7 / 2) ** 2 - Math.log(2) - 0.5 * LOG_2PI, tolerance);
      q0.dispose();
      const q1 = vector.distribution();
      expect(q1).toBeInstanceOf(Independent);
      expect(q1.eventShape).toEqual([2]);
      expectClose(
        take(q1.logProb([0, 0])),
        logNormal2(
          [0, 0],
          [0.5, -1],
          [
            [0.25, 0],
            [0, 4],
          ],
        ),
        tolerance,
      );
      q1.dispose();
      const p = vector.parameters();
      expectClose(p['scale']!, [0.5, 2], tolerance);
      tf.dispose(Object.values(p));
    });
    expect(vector.variables.map((v) => v.name)).toEqual([
      expect.stringMatching(/^meanFieldGuide_\d+\/loc$/),
      expect.stringMatching(/\/rawScale$/),
    ]);
    const before = tf.memory().numTensors;
    vector.dispose();
    scalar.dispose();
    expect(tf.memory().numTensors).toBe(before - 4);
  });

  it('fullRankGuide and lowRankGuide: covariances L Lᵀ and D + V Vᵀ, and their Gaussian log densities', async () => {
    const full = fullRankGuide({
      shape: [2],
      loc: [1, 0],
      scaleTril: [
        [1, 0],
        [0.5, 2],
      ],
    });
    const low = lowRankGuide({
      shape: [2],
      rank: 1,
      loc: [0, 1],
      scaleDiag: [0.5, 1],
      factor: [[1], [-0.5]],
    });
    await expectNoLeaks(() => {
      const pf = full.parameters();
      expectClose(
        pf['covariance']!,
        [
          [1, 0.5],
          [0.5, 4.25],
        ],
        tolerance,
      );
      const qf = full.distribution();
      expect(qf).toBeInstanceOf(MultivariateNormalTriL);
      expectClose(
        take(qf.logProb([0.2, 0.3])),
        logNormal2(
          [0.2, 0.3],
          [1, 0],
          [
            [1, 0.5],
            [0.5, 4.25],
          ],
        ),
        tolerance,
      );
      const lowCov = [
        [0.25 + 1, -0.5],
        [-0.5, 1 + 0.25],
      ];
      const pl = low.parameters();
      expectClose(pl['covariance']!, lowCov, tolerance);
      const ql = low.distribution();
      expectClose(take(ql.logProb([0.2, 0.3])), logNormal2([0.2, 0.3], [0, 1], lowCov), tolerance);
      tf.dispose([...Object.values(pf), ...Object.values(pl)]);
      qf.dispose();
      ql.dispose();
    });
    full.dispose();
    low.dispose();
  });

  it('deltaGuide is MAP: on the conjugate Normal-mean model it lands on the posterior mode (= mean)', async () => {
    const x = tf.tensor1d([1.1, 0.4, 2.0, 1.5]);
    const prior = new Normal(0, 2);
    const model: Model = {
      prior,
      logLikelihood: (mu) => tf.sum(new Normal(tf.expandDims(mu, -1), 1).logProb(x), -1),
    };
    const guide = deltaGuide({ value: 0 });
    const q = guide.distribution();
    expect(q).toBeInstanceOf(PointMass);
    expectClose(take(q.sample(3, 0)), [0, 0, 0], tolerance);
    expectClose(take(q.logProb([0.5])), [0], tolerance);
    q.dispose();
    const optimizer = tf.train.adam(0.05);
    const engine = svi({ model, guide, optimizer, seed: 0, loss: loss1 });
    engine.step(undefined);
    await expectNoLeaks(() => fit(engine, { steps: 400 }));
    const precision = 1 / 4 + 4;
    const p = guide.parameters();
    expectClose(p['value']!, 5 / precision, { atol: 2e-3, rtol: 0 });
    tf.dispose([p['value']!, x]);
    guide.dispose();
    optimizer.dispose();
    prior.dispose();
  });

  it('constrained latents: a Softplus mean-field guide recovers the Gamma-Poisson posterior mean, an Exp delta guide its mode', async () => {
    const { model, dispose } = gammaPoisson();
    const sum = COUNTS.reduce((a, b) => a + b, 0);
    const n = COUNTS.length;
    const guide = meanFieldGuide({ shape: [], loc: 1, scale: 0.5, bijector: new Softplus() });
    const fast = tf.train.adam(0.05);
    const slow = tf.train.adam(0.01);
    fit(svi({ model, guide, optimizer: fast, seed: 1, loss: loss8 }), { steps: 300 });
    const engine = svi({ model, guide, optimizer: slow, seed: 2, loss: loss8 });
    engine.step(undefined);
    await expectNoLeaks(() => fit(engine, { steps: 200 }));
    const q = guide.distribution();
    expect(q).toBeInstanceOf(TransformedDistribution);
    const draws = q.sample(20000, 3);
    const posteriorMean = (A + sum) / (B + n);
    const posteriorSd = Math.sqrt(A + sum) / (B + n);
    expectClose(
      tf.tidy(() => tf.mean(draws)),
      posteriorMean,
      { atol: 0, rtol: 0.03 },
    );
    expectClose(
      tf.tidy(() => tf.sqrt(tf.mean(tf.square(tf.sub(draws, tf.mean(draws)))))),
      posteriorSd,
      { atol: 0, rtol: 0.15 },
    );
    tf.dispose(draws);
    q.dispose();

    const exp = new Exp();
    const delta = deltaGuide({ value: 1, bijector: exp });
    const optimizer = tf.train.adam(0.05);
    fit(svi({ model, guide: delta, optimizer, seed: 4, loss: loss1 }), { steps: 400 });
    const p = delta.parameters();
    expectClose(p['value']!, (A + sum - 1) / (B + n), { atol: 0, rtol: 5e-3 });
    tf.dispose(p['value']!);
    delta.dispose();
    guide.dispose();
    [fast, slow, optimizer].forEach((o) => o.dispose());
    dispose();
  });

  it('rejects bad options with errors that name the argument', () => {
    expect(() => meanFieldGuide({ shape: [2], seed: 0, init: 1 } as never)).toThrow(
      /meanFieldGuide: argument 'options' has the unknown option 'init'/,
    );
    expect(() => meanFieldGuide({ shape: [2] })).toThrow(/neither 'options.loc' nor 'options.seed'/);
    expect(() => meanFieldGuide({ shape: [2], loc: [1, 2, 3] })).toThrow(ShapeError);
    expect(() => meanFieldGuide({ shape: [2], seed: 0, scale: -1 })).toThrow(DomainError);
    expect(() => meanFieldGuide({ shape: [2], seed: 0, bijector: 'softplus' as never })).toThrow(
      /expected a Bijector/,
    );
    expect(() => fullRankGuide({ shape: [2, 2], seed: 0 })).toThrow(/expected \[d\]/);
    expect(() => fullRankGuide({ shape: [2], seed: 0, scaleTril: [[1, 0, 0]] })).toThrow(
      /'options.scaleTril' has shape \[1,3\]/,
    );
    expect(() => lowRankGuide({ shape: [3], rank: 0, seed: 0 })).toThrow(/'options.rank' is 0/);
    expect(() => deltaGuide({ shape: [2] })).toThrow(ArgumentError);
    const before = tf.memory().numTensors;
    expect(() => meanFieldGuide({ shape: [2], loc: [0, 0], scale: [1, 0] })).toThrow(DomainError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
