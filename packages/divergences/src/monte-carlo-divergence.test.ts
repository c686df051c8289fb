import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, seed, ShapeError } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { klForward, klReverse } from './csiszar.js';
import {
  csiszarFunction,
  EXPECTATIONS,
  variantName,
  type ExpectationPair,
} from './fixtures/csiszar-variants.js';
import { Bernoulli, Gamma, MultivariateNormalDiag, Normal, type Distribution } from './fixtures/families.js';
import { disposeAll } from './fixtures/kl-cases.js';
import { monteCarloDivergence, type MonteCarloOptions } from './monte-carlo-divergence.js';

// Reference: fixtures/fdiv.json "expectations" (generate_fdiv.py): for two Normal pairs and two Gamma
// pairs, D_f(p, q) = E_p[f(q(X)/p(X))] by scipy quadrature with the standard deviation sd of f(U) under p,
// and for the Normal pairs the gradient of D_f with respect to p's and q's loc and scale with the sd of
// the per-draw pathwise derivative (and of the per-draw score-function derivative for p's parameters).
// A Monte Carlo estimate of N draws must lie within Z·sd/√N of the quadrature value; the seed is fixed,
// so each run draws the same numbers.

const SAMPLES = 4000;
const SEED = 7;
const Z = 5;

function build(side: ExpectationPair['p'], a?: tf.Tensor, b?: tf.Tensor): Distribution {
  const p = side.params;
  if (side.family === 'Normal') return new Normal(a ?? (p['loc'] as number), b ?? (p['scale'] as number));
  if (side.family === 'Gamma')
    return new Gamma(a ?? (p['concentration'] as number), b ?? (p['rate'] as number));
  throw new TypeError(`no builder for ${side.family}`);
}

const describePair = (e: ExpectationPair): string =>
  `${e.p.family}(${Object.values(e.p.params).join(', ')}) ‖ ${e.q.family}(${Object.values(e.q.params).join(', ')})`;

describeEachBackend('monteCarloDivergence', ({ backend }) => {
  // The float32 error of the mean of 4000 values, next to Z·sd/√N ≥ 6e-4 (it never decides a test).
  const float = backend === 'webgl' ? 1e-3 : 1e-5;

  for (const e of EXPECTATIONS) {
    describe(describePair(e), () => {
      for (const v of e.functions) {
        it(`${variantName(v)}: the estimate is within ${Z}·sd/√N of the quadrature value`, async () => {
          await expectNoLeaks(() => {
            const p = build(e.p);
            const q = build(e.q);
            const estimate = monteCarloDivergence(p, q, csiszarFunction(v), { samples: SAMPLES, seed: SEED });
            expect(estimate.shape).toEqual([]);
            const got = estimate.dataSync()[0] as number;
            const bound = (Z * v.sd) / Math.sqrt(SAMPLES) + float;
            expect(
              Math.abs(got - v.value),
              `estimate ${got}, quadrature ${v.value} ± ${v.sd / Math.sqrt(SAMPLES)}`,
            ).toBeLessThanOrEqual(bound);
            estimate.dispose();
            disposeAll(p, q);
          });
        });
      }
    });
  }

  for (const e of EXPECTATIONS.filter((x) => x.p.family === 'Normal')) {
    describe(`gradients, ${describePair(e)}`, () => {
      for (const v of e.functions) {
        const grad = v.grad;
        if (grad === undefined) continue;
        for (const gradient of ['reparameterization', 'score-function'] as const) {
          it(`${variantName(v)}, ${gradient}: ∂/∂(locP, scaleP, locQ, scaleQ) within ${Z} standard errors`, async () => {
            await expectNoLeaks(() => {
              const f = csiszarFunction(v);
              const args = [
                e.p.params['loc'],
                e.p.params['scale'],
                e.q.params['loc'],
                e.q.params['scale'],
              ].map((x) => tf.scalar(x as number));
              const options: MonteCarloOptions = { samples: SAMPLES, seed: SEED, gradient };
              const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
                monteCarloDivergence(build(e.p, a, b), build(e.q, c, d), f, options),
              )(args);
              const keys = ['locP', 'scaleP', 'locQ', 'scaleQ'] as const;
              keys.forEach((key, k) => {
                const reference = grad[key];
                // The score-function estimator has its own spread for p's parameters; q's parameters do not
                // move the draws, so their per-draw derivative is the same under both estimators.
                const sd = gradient === 'score-function' ? (reference.scoreSd ?? reference.sd) : reference.sd;
                const got = (grads[k] as tf.Tensor).dataSync()[0] as number;
                const bound = (Z * sd) / Math.sqrt(SAMPLES) + float;
                expect(
                  Math.abs(got - reference.mean),
                  `∂/∂${key}: ${got}, quadrature ${reference.mean} ± ${sd / Math.sqrt(SAMPLES)}`,
                ).toBeLessThanOrEqual(bound);
              });
              tf.dispose([...grads, ...args]);
            });
          });
        }
      }
    });
  }

  it('broadcasts batch shapes, sharing the draws of p along q’s extra axes', async () => {
    await expectNoLeaks(() => {
      const p = new Normal(0, 1);
      const q = new Normal([0, 0.5, 1], [1, 1, 1]);
      const d = monteCarloDivergence(p, q, klReverse, { samples: 200, seed: 1 });
      expect(d.shape).toEqual([3]);
      // With the same draws for each entry, KL(N(0,1) ‖ N(μ,1)) = μ²/2 estimated as mean(μ²/2 − μx).
      const x = p.sample(200, 1);
      const xBar = tf.tidy(() => tf.mean(x).dataSync()[0] as number);
      const expected = [0, 0.5, 1].map((mu) => (mu * mu) / 2 - mu * xBar);
      const got = Array.from(d.dataSync());
      got.forEach((g, i) => expect(Math.abs(g - (expected[i] as number))).toBeLessThan(1e-4));
      // The multivariate case: q with a batch axis, p without.
      const mp = new MultivariateNormalDiag([0, 0], [1, 1]);
      const mq = new MultivariateNormalDiag(
        [
          [0, 0],
          [1, 1],
        ],
        [
          [1, 1],
          [1, 1],
        ],
      );
      const md = monteCarloDivergence(mp, mq, klForward, { samples: 50, seed: 2 });
      expect(md.shape).toEqual([2]);
      tf.dispose([d, x, md]);
      disposeAll(p, q, mp, mq);
    });
  });

  it('is deterministic in its seed, a number or a Seed', async () => {
    await expectNoLeaks(() => {
      const p = new Normal(0, 1);
      const q = new Normal(1, 2);
      const a = monteCarloDivergence(p, q, klReverse, { samples: 64, seed: 5 });
      const b = monteCarloDivergence(p, q, klReverse, { samples: 64, seed: seed(5) });
      const c = monteCarloDivergence(p, q, klReverse, { samples: 64, seed: 6 });
      expect(a.dataSync()[0]).toBe(b.dataSync()[0]);
      expect(a.dataSync()[0]).not.toBe(c.dataSync()[0]);
      tf.dispose([a, b, c]);
      disposeAll(p, q);
    });
  });

  it('uses the score function for a p that is not reparameterised', async () => {
    await expectNoLeaks(() => {
      // KL(Bern(σ(ℓ)) ‖ Bern(½)) = σ log σ + (1 − σ) log(1 − σ) + log 2 has derivative σ(1 − σ)ℓ in ℓ.
      const logit = tf.scalar(0.8);
      const q = new Bernoulli({ probs: 0.5 });
      const g = tf.grad((l: tf.Tensor) =>
        monteCarloDivergence(new Bernoulli({ logits: l }), q, klReverse, { samples: SAMPLES, seed: SEED }),
      )(logit);
      const s = 1 / (1 + Math.exp(-0.8));
      const exact = s * (1 - s) * 0.8;
      // Per draw the surrogate's derivative is (f − f′)(x − σ) = (1 + log 2 + log p(x))(x − σ), of sd 0.39 < 0.5.
      expect(Math.abs((g.dataSync()[0] as number) - exact)).toBeLessThanOrEqual(
        (Z * 0.5) / Math.sqrt(SAMPLES),
      );
      tf.dispose([logit, g]);
      q.dispose();
    });
  });
});

describe('monteCarloDivergence input checks', () => {
  const withOptions = (options: unknown): (() => tf.Tensor) => {
    return () => {
      const p = new Normal(0, 1);
      const q = new Normal(1, 1);
      try {
        return monteCarloDivergence(p, q, klReverse, options as MonteCarloOptions);
      } finally {
        disposeAll(p, q);
      }
    };
  };

  it('rejects bad sample counts', async () => {
    await expectNoLeaks(() => {
      for (const samples of [0, -1, 1.5, Number.NaN, Infinity, '10', undefined]) {
        expect(withOptions({ samples, seed: 0 }), String(samples)).toThrow(ArgumentError);
      }
      expect(withOptions({ samples: 0, seed: 0 })).toThrow(
        "monteCarloDivergence: argument 'options.samples' is 0, expected an integer ≥ 1",
      );
      expect(withOptions({ samples: 2.5, seed: 0 })).toThrow(/'options\.samples' is 2\.5/);
      expect(withOptions({ samples: '10', seed: 0 })).toThrow(/'options\.samples' is the string "10"/);
    });
  });

  it('rejects a missing or bad seed', async () => {
    await expectNoLeaks(() => {
      expect(withOptions({ samples: 10 })).toThrow(ArgumentError);
      expect(withOptions({ samples: 10 })).toThrow(/'options\.seed' is missing.*randomness is an argument/);
      for (const s of [-1, 1.5, Number.NaN, 'abc', {}, null]) {
        expect(withOptions({ samples: 10, seed: s }), String(s)).toThrow(ArgumentError);
      }
      expect(withOptions({ samples: 10, seed: -1 })).toThrow(
        /monteCarloDivergence: argument 'options\.seed'/,
      );
    });
  });

  it('rejects missing options, unknown keys and a bad gradient estimator', async () => {
    await expectNoLeaks(() => {
      expect(withOptions(undefined)).toThrow(/argument 'options' is missing, expected \{ samples, seed \}/);
      expect(withOptions({ samples: 10, seed: 0, sample: 3 })).toThrow(/unknown option 'sample'/);
      expect(withOptions({ samples: 10, seed: 0, gradient: 'pathwise' })).toThrow(
        /'options\.gradient' is "pathwise", expected 'reparameterization' or 'score-function'/,
      );
      const p = new Bernoulli({ probs: 0.3 });
      expect(() =>
        monteCarloDivergence(p, p, klReverse, { samples: 10, seed: 0, gradient: 'reparameterization' }),
      ).toThrow(/p \(Bernoulli\) is not reparameterised/);
      p.dispose();
    });
  });

  it('rejects a bad f, bad distributions and mismatched event shapes', async () => {
    await expectNoLeaks(() => {
      const p = new Normal(0, 1);
      const q = new Normal(1, 1);
      const options = { samples: 10, seed: 0 };
      expect(() => monteCarloDivergence(p, q, 'klReverse' as unknown as typeof klReverse, options)).toThrow(
        /argument 'f' is a string, expected a Csiszár function/,
      );
      expect(() => monteCarloDivergence(p, q, (t) => tf.sum(t), options)).toThrow(ShapeError);
      expect(() => monteCarloDivergence(p, q, (t) => tf.sum(t), options)).toThrow(
        /argument 'f' returned shape \[\]/,
      );
      expect(() => monteCarloDivergence({} as Distribution, q, klReverse, options)).toThrow(
        /argument 'p' is Object, expected a Distribution/,
      );
      const mv = new MultivariateNormalDiag([0, 0], [1, 1]);
      expect(() => monteCarloDivergence(p, mv, klReverse, options)).toThrow(ShapeError);
      disposeAll(p, q, mv);
    });
  });
});
