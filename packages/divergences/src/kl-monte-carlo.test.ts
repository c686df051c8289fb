import * as tf from '@tensorflow/tfjs-core';
import { lgamma, type TensorInput } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { expect, it } from 'vitest';
import { EXPECTATIONS } from './fixtures/csiszar-variants.js';
import {
  Bernoulli,
  Beta,
  Categorical,
  ContinuousBernoulli,
  Dirichlet,
  Exponential,
  Gamma,
  HalfNormal,
  Independent,
  Laplace,
  LogNormal,
  MultivariateNormalDiag,
  MultivariateNormalTriL,
  Normal,
  OneHotCategorical,
  Poisson,
  Uniform,
  Wishart,
  type Distribution,
} from './fixtures/families.js';
import { disposeAll } from './fixtures/kl-cases.js';
import { klDivergence } from './kl-divergence.js';
import { KL_TABLE } from './kl-table-default.js';
import { klSupportMismatch } from './kl/disjoint-support.js';

// Each closed form of KL_TABLE against its own Monte Carlo estimate mean_i[log p(xᵢ) − log q(xᵢ)],
// xᵢ ~ p (klDivergence's `monteCarlo` option), within Z standard errors, the standard error computed from
// the same draws (same seed, so every run is the same). The closed forms are checked against float64
// references in kl-divergence.test.ts; this checks that each one is the KL of the densities the
// distributions package actually implements (parameterisation, argument order, event axes).

const SAMPLES = 4000;
const SEED = 20260;
/** Standard errors allowed: a correct closed form fails one entry with probability about 7e-6. */
const Z = 4.5;

/** A parameter literal, or the tensor standing for it in a gradient check. */
type Literal = number | number[] | number[][] | number[][][];
type Param = (x: Literal) => TensorInput;
/** Builds a pair, passing every parameter through `t` (the identity, or a tensor for gradients). */
type PairMaker = (t: Param) => [Distribution, Distribution];

const literal: Param = (x) => x;

/** One pair per finite row of KL_TABLE, batch shape [2] (a constant log-ratio for Uniform ‖ Uniform). */
const PAIRS: readonly (readonly [string, PairMaker])[] = [
  ['Normal ‖ Normal', (t) => [new Normal(t([0, 1]), t([1, 2])), new Normal(t([0.5, 0]), t([1.5, 1.5]))]],
  [
    'LogNormal ‖ LogNormal',
    (t) => [new LogNormal(t([0, 1]), t([0.5, 0.8])), new LogNormal(t([0.3, 0.5]), t([0.7, 1]))],
  ],
  ['Laplace ‖ Laplace', (t) => [new Laplace(t([0, 1]), t([1, 2])), new Laplace(t([0.5, 0]), t([1.5, 1.5]))]],
  ['HalfNormal ‖ HalfNormal', (t) => [new HalfNormal(t([1, 2])), new HalfNormal(t([1.5, 1.5]))]],
  ['Exponential ‖ Exponential', (t) => [new Exponential(t([1, 2])), new Exponential(t([1.5, 1.2]))]],
  ['Exponential ‖ Gamma', (t) => [new Exponential(t([1, 2])), new Gamma(t([1.5, 0.8]), t([1.2, 1.5]))]],
  ['Gamma ‖ Exponential', (t) => [new Gamma(t([2, 3]), t([1, 2])), new Exponential(t([0.8, 1.5]))]],
  ['Gamma ‖ Gamma', (t) => [new Gamma(t([2, 3]), t([1, 2])), new Gamma(t([2.5, 2]), t([1.5, 1.2]))]],
  ['Beta ‖ Beta', (t) => [new Beta(t([2, 3]), t([3, 1.5])), new Beta(t([1.5, 2]), t([2, 2]))]],
  [
    'Dirichlet ‖ Dirichlet',
    (t) => [
      new Dirichlet(
        t([
          [1, 2, 3],
          [2, 2, 2],
        ]),
      ),
      new Dirichlet(
        t([
          [2, 2, 2],
          [1, 3, 2],
        ]),
      ),
    ],
  ],
  ['Uniform ‖ Uniform', (t) => [new Uniform(t([0, -1]), t([1, 1])), new Uniform(t([-0.5, -2]), t([2, 3]))]],
  ['Uniform ‖ Normal', (t) => [new Uniform(t([0, -1]), t([1, 1])), new Normal(t([0.2, 0]), t([1, 2]))]],
  [
    'Bernoulli ‖ Bernoulli',
    (t) => [new Bernoulli({ probs: t([0.3, 0.8]) }), new Bernoulli({ logits: t([0, 0.4]) })],
  ],
  [
    'ContinuousBernoulli ‖ ContinuousBernoulli',
    (t) => [
      new ContinuousBernoulli({ probs: t([0.3, 0.8]) }),
      new ContinuousBernoulli({ logits: t([0.4, -0.4]) }),
    ],
  ],
  [
    'Categorical ‖ Categorical',
    (t) => [
      new Categorical({
        probs: t([
          [0.2, 0.3, 0.5],
          [0.6, 0.3, 0.1],
        ]),
      }),
      new Categorical({
        probs: t([
          [0.3, 0.3, 0.4],
          [0.2, 0.4, 0.4],
        ]),
      }),
    ],
  ],
  [
    'OneHotCategorical ‖ OneHotCategorical',
    (t) => [
      new OneHotCategorical({
        probs: t([
          [0.2, 0.3, 0.5],
          [0.6, 0.3, 0.1],
        ]),
      }),
      new OneHotCategorical({
        logits: t([
          [0, 0.5, -0.5],
          [1, 0, 0],
        ]),
      }),
    ],
  ],
  ['Poisson ‖ Poisson', (t) => [new Poisson(t([2, 5])), new Poisson(t([3, 4]))]],
  [
    'MultivariateNormalDiag ‖ MultivariateNormalDiag',
    (t) => [
      new MultivariateNormalDiag(
        t([
          [0, 1],
          [1, 0],
        ]),
        t([
          [1, 2],
          [0.5, 1],
        ]),
      ),
      new MultivariateNormalDiag(
        t([
          [0.5, 0],
          [0, 0],
        ]),
        t([
          [1.5, 1.5],
          [1, 1],
        ]),
      ),
    ],
  ],
  [
    'MultivariateNormalTriL ‖ MultivariateNormalTriL',
    (t) => [
      new MultivariateNormalTriL(
        t([
          [0, 1],
          [1, 0],
        ]),
        t([
          [
            [1, 0],
            [0.5, 1.2],
          ],
          [
            [0.8, 0],
            [-0.3, 0.6],
          ],
        ]),
      ),
      new MultivariateNormalTriL(
        t([0.5, 0]),
        t([
          [1.5, 0],
          [-0.4, 1],
        ]),
      ),
    ],
  ],
  [
    'MultivariateNormalDiag ‖ MultivariateNormalTriL',
    (t) => [
      new MultivariateNormalDiag(
        t([
          [0, 1],
          [1, 0],
        ]),
        t([
          [1, 2],
          [0.5, 1],
        ]),
      ),
      new MultivariateNormalTriL(
        t([0.5, 0]),
        t([
          [1.5, 0],
          [0.6, 1.4],
        ]),
      ),
    ],
  ],
  [
    'MultivariateNormalTriL ‖ MultivariateNormalDiag',
    (t) => [
      new MultivariateNormalTriL(
        t([0.5, 0]),
        t([
          [1.5, 0],
          [0.6, 1.4],
        ]),
      ),
      new MultivariateNormalDiag(
        t([
          [0, 1],
          [1, 0],
        ]),
        t([
          [1, 2],
          [1.5, 1.5],
        ]),
      ),
    ],
  ],
  [
    'Wishart ‖ Wishart',
    (t) => [
      new Wishart(
        t([4, 6]),
        t([
          [
            [1, 0],
            [0.5, 1.2],
          ],
          [
            [0.8, 0],
            [-0.3, 0.6],
          ],
        ]),
      ),
      new Wishart(
        t([5, 4.5]),
        t([
          [1.3, 0],
          [0.2, 1],
        ]),
      ),
    ],
  ],
  [
    'Independent ‖ Independent',
    (t) => [
      new Independent(
        new Normal(
          t([
            [0, 1, 2],
            [1, 0, -1],
          ]),
          t([
            [1, 2, 1],
            [0.5, 1, 1.5],
          ]),
        ),
        1,
      ),
      new Independent(new Normal(t([0.5, 0, 1]), t([1.5, 1.5, 1])), 1),
    ],
  ],
];

describeEachBackend('klDivergence against its Monte Carlo estimate', ({ backend }) => {
  // The float32 error of a closed form or of a mean of 4000 log-ratios, added to Z standard errors (it
  // matters only where the log-ratio is constant, Uniform ‖ Uniform).
  const float: Tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : { atol: 1e-4, rtol: 1e-3 };

  it('has a pair for every finite row of KL_TABLE', () => {
    const covered = PAIRS.map(([, make]) => {
      const [p, q] = make(literal);
      const classes = [p.constructor, q.constructor];
      disposeAll(p, q);
      return classes;
    });
    for (const [pClass, qClass, fn] of KL_TABLE) {
      if ((fn as unknown) === klSupportMismatch) continue;
      const found = covered.some(([pc, qc]) => pc === pClass && qc === qClass);
      expect(found, `${pClass.name} ‖ ${qClass.name}`).toBe(true);
    }
  });

  for (const [name, make] of PAIRS) {
    it(`KL(${name}): the closed form is within ${Z} standard errors of the estimate`, async () => {
      await expectNoLeaks(() => {
        const [p, q] = make(literal);
        const closed = klDivergence(p, q);
        const estimate = klDivergence(p, q, { monteCarlo: { samples: SAMPLES, seed: SEED } });
        expect(estimate.shape).toEqual(closed.shape);
        // The same draws again, for the standard error of the estimate.
        const { mean, sd } = tf.tidy(() => {
          let x = p.sample(SAMPLES, SEED);
          // q may have more batch axes than p (TriL ‖ Diag): align the draws with the broadcast batch.
          const extra = q.batchShape.length - p.batchShape.length;
          if (extra > 0)
            x = tf.reshape(x, [SAMPLES, ...new Array<number>(extra).fill(1), ...x.shape.slice(1)]);
          const ratio = tf.sub(p.logProb(x), q.logProb(x));
          const moments = tf.moments(ratio, 0);
          return { mean: moments.mean, sd: tf.sqrt(moments.variance) };
        });
        const m = Array.from(mean.dataSync());
        const e = Array.from(estimate.dataSync());
        const c = Array.from(closed.dataSync());
        const s = Array.from(sd.dataSync());
        // The estimate is the mean of these log-ratios (so the standard error is the estimate's).
        expectClose(e, m, { atol: 1e-5, rtol: 1e-4 });
        for (let i = 0; i < c.length; i++) {
          const ci = c[i] as number;
          const bound = (Z * (s[i] as number)) / Math.sqrt(SAMPLES) + float.atol + float.rtol * Math.abs(ci);
          const gap = Math.abs((e[i] as number) - ci);
          expect(Number.isFinite(ci), `${name} [${i}] closed form ${ci}`).toBe(true);
          expect(gap, `${name} [${i}]: closed form ${ci}, estimate ${e[i]}, sd ${s[i]}`).toBeLessThanOrEqual(
            bound,
          );
        }
        tf.dispose([closed, estimate, mean, sd]);
        disposeAll(p, q);
      });
    });
  }
});

describeEachBackend('klDivergence closed forms are differentiable', () => {
  for (const [name, make] of PAIRS) {
    it(`KL(${name}) has a finite gradient with respect to every parameter of p and q`, async () => {
      await expectNoLeaks(() => {
        const literals: Literal[] = [];
        disposeAll(
          ...make((x) => {
            literals.push(x);
            return x;
          }),
        );
        const xs = literals.map((x) => tf.tensor(x));
        const grads = tf.grads((...args: tf.Tensor[]) => {
          let i = 0;
          const [p, q] = make(() => args[i++] as tf.Tensor);
          return tf.sum(klDivergence(p, q));
        })(xs);
        grads.forEach((g, k) => {
          const values = Array.from(g.dataSync());
          expect(values.every(Number.isFinite), `parameter ${k}: ${values.join(', ')}`).toBe(true);
        });
        tf.dispose([...xs, ...grads]);
      });
    });
  }
});

/** Mean and standard error of per-draw gradients (one draw per batch entry). */
function meanAndError(g: tf.Tensor): { mean: number; se: number } {
  const v = Array.from(g.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  return { mean, se: Math.sqrt(variance / v.length) };
}

const GRAD_DRAWS = 4000;

/** The four parameters of a pair (two of p, two of q) → the per-draw log p(x) − log q(x), one draw per entry. */
type PerDrawLogRatio = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.Tensor;

/**
 * Checks ∇KL(θ) by the closed form (`closed`) against a reparameterised Monte Carlo gradient. The
 * parameters are repeated GRAD_DRAWS times as a batch and each entry gets one draw, so the gradient with
 * respect to entry i is the per-draw derivative of log p(xᵢ) − log q(xᵢ): its mean is the estimate and
 * its standard deviation gives the standard error.
 */
function checkGradient(
  closed: PerDrawLogRatio,
  perDraw: PerDrawLogRatio,
  params: readonly [number, number, number, number],
  names: readonly string[],
): void {
  const scalars = params.map((v) => tf.scalar(v));
  const exact = tf.grads(closed)(scalars);
  const filled = params.map((v) => tf.fill([GRAD_DRAWS], v));
  const draws = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
    tf.sum(perDraw(a, b, c, d)),
  )(filled);
  exact.forEach((g, k) => {
    const value = g.dataSync()[0] as number;
    const { mean, se } = meanAndError(draws[k] as tf.Tensor);
    expect(se, names[k]).toBeGreaterThan(0);
    expect(
      Math.abs(mean - value),
      `∂/∂${names[k]}: closed form ${value}, estimate ${mean} ± ${se}`,
    ).toBeLessThanOrEqual(Z * se + 1e-4);
  });
  tf.dispose([...scalars, ...exact, ...filled, ...draws]);
}

const NORMAL_PAIR = [0.3, 1.2, -0.2, 1.1] as const;
const GAMMA_PAIR = [3, 2, 2.6, 1.8] as const;

/** log Gamma(x; α, β) = α log β + (α − 1) log x − βx − log Γ(α), written out. */
function gammaLogDensity(x: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.sub(
    tf.add(tf.mul(a, tf.log(b)), tf.mul(tf.sub(a, 1), tf.log(x))),
    tf.add(tf.mul(b, x), lgamma(a)),
  );
}

describeEachBackend('klDivergence gradients', ({ backend, tolerance }) => {
  it('Normal ‖ Normal: the closed-form gradient matches the reparameterised Monte Carlo gradient', async () => {
    await expectNoLeaks(() =>
      checkGradient(
        (a, b, c, d) => klDivergence(new Normal(a, b), new Normal(c, d)),
        (a, b, c, d) =>
          klDivergence(new Normal(a, b), new Normal(c, d), { monteCarlo: { samples: 1, seed: SEED } }),
        NORMAL_PAIR,
        ['locP', 'scaleP', 'locQ', 'scaleQ'],
      ),
    );
  });

  it('Gamma ‖ Gamma: the closed-form gradient matches the implicitly reparameterised Monte Carlo gradient', async () => {
    // The draws are Gamma.sample's, differentiable in α by implicit reparameterisation; the log-densities
    // are written out here so that this test checks the sampler's gradients alone (the next test goes
    // through Gamma.logProb and klDivergence's own Monte Carlo path).
    await expectNoLeaks(() =>
      checkGradient(
        (a, b, c, d) => klDivergence(new Gamma(a, b), new Gamma(c, d)),
        (a, b, c, d) =>
          tf.tidy(() => {
            const x = new Gamma(a, b).sample([], SEED);
            return tf.sub(gammaLogDensity(x, a, b), gammaLogDensity(x, c, d));
          }),
        GAMMA_PAIR,
        ['concentrationP', 'rateP', 'concentrationQ', 'rateQ'],
      ),
    );
  });

  // Through Gamma.logProb itself (implicitly reparameterised draws, masks detached from the tape).
  it('Gamma ‖ Gamma: the gradient of klDivergence(…, { monteCarlo }) itself matches the closed form', () => {
    checkGradient(
      (a, b, c, d) => klDivergence(new Gamma(a, b), new Gamma(c, d)),
      (a, b, c, d) =>
        klDivergence(new Gamma(a, b), new Gamma(c, d), { monteCarlo: { samples: 1, seed: SEED } }),
      GAMMA_PAIR,
      ['concentrationP', 'rateP', 'concentrationQ', 'rateQ'],
    );
  });

  it('Bernoulli, Categorical and Uniform: the closed-form gradients are the analytic derivatives', async () => {
    await expectNoLeaks(() => {
      const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
      // KL(Bern(σ(a)) ‖ Bern(σ(b))): ∂/∂a = σ(a)(1 − σ(a))(a − b), ∂/∂b = σ(b) − σ(a).
      const a = [0.3, -1.2];
      const b = [0.5, 0.7];
      const ab = [tf.tensor1d(a), tf.tensor1d(b)];
      const bernoulli = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        klDivergence(new Bernoulli({ logits: x }), new Bernoulli({ logits: y })),
      )(ab);
      const sa = a.map(sigmoid);
      const sb = b.map(sigmoid);
      expectClose(
        bernoulli[0] as tf.Tensor,
        sa.map((s, i) => s * (1 - s) * ((a[i] as number) - (b[i] as number))),
        tolerance,
      );
      expectClose(
        bernoulli[1] as tf.Tensor,
        sb.map((s, i) => s - (sa[i] as number)),
        tolerance,
      );
      // KL(Cat(softmax(u)) ‖ Cat(softmax(v))): ∂/∂uₖ = pₖ(log pₖ − log qₖ − KL), ∂/∂vₖ = qₖ − pₖ.
      const u = [0.2, -0.5, 1];
      const v = [0, 0.3, -0.4];
      const softmax = (x: number[]) => {
        const z = x.reduce((acc, e) => acc + Math.exp(e), 0);
        return x.map((e) => Math.exp(e) / z);
      };
      const pk = softmax(u);
      const qk = softmax(v);
      const kl = pk.reduce((acc, e, k) => acc + e * Math.log(e / (qk[k] as number)), 0);
      const inputs = [tf.tensor1d(u), tf.tensor1d(v)];
      const categorical = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        klDivergence(new Categorical({ logits: x }), new Categorical({ logits: y })),
      )(inputs);
      expectClose(
        categorical[0] as tf.Tensor,
        pk.map((e, k) => e * (Math.log(e / (qk[k] as number)) - kl)),
        tolerance,
      );
      expectClose(
        categorical[1] as tf.Tensor,
        qk.map((e, k) => e - (pk[k] as number)),
        tolerance,
      );
      // KL(U(a₁, b₁) ‖ U(a₂, b₂)) = log(b₂ − a₂) − log(b₁ − a₁) inside: ∂/∂(a₁, b₁, a₂, b₂) = (1, −1)/(b₁ − a₁), (−1, 1)/(b₂ − a₂).
      const ends = [tf.scalar(0), tf.scalar(2), tf.scalar(-1), tf.scalar(3)];
      const uniform = tf.grads((a1: tf.Tensor, b1: tf.Tensor, a2: tf.Tensor, b2: tf.Tensor) =>
        klDivergence(new Uniform(a1, b1), new Uniform(a2, b2)),
      )(ends);
      expectClose(
        uniform.map((g) => g.dataSync()[0] as number),
        [0.5, -0.5, -0.25, 0.25],
        tolerance,
      );
      tf.dispose([...ab, ...bernoulli, ...categorical, ...inputs, ...uniform, ...ends]);
    });
  });

  it('Normal ‖ Normal: the closed-form gradient matches the quadrature gradient of fdiv.json', async () => {
    // fdiv.json "expectations", Normal pairs, klReverse: E_p[log p − log q] = KL(p‖q) and its gradient
    // with respect to loc and scale of p and q, by scipy quadrature (generate_fdiv.py).
    const cases = EXPECTATIONS.filter((e) => e.p.family === 'Normal');
    expect(cases.length).toBe(2);
    await expectNoLeaks(() => {
      for (const c of cases) {
        const reference = c.functions.find((f) => f.name === 'klReverse' && f.selfNormalized === false);
        if (reference?.grad === undefined) throw new Error('fdiv.json: no klReverse gradient');
        const args = [c.p.params['loc'], c.p.params['scale'], c.q.params['loc'], c.q.params['scale']].map(
          (v) => tf.scalar(v as number),
        );
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, cc: tf.Tensor, d: tf.Tensor) =>
          klDivergence(new Normal(a, b), new Normal(cc, d)),
        )(args);
        expectClose(value, reference.value, tolerance);
        const { locP, scaleP, locQ, scaleQ } = reference.grad;
        expectClose(
          grads.map((g) => g.dataSync()[0] as number),
          [locP.mean, scaleP.mean, locQ.mean, scaleQ.mean],
          backend === 'webgl' ? tolerance : { atol: 1e-6, rtol: 1e-5 },
        );
        tf.dispose([value, ...grads, ...args]);
      }
    });
  });

  it('gives the same Monte Carlo estimate for the same seed and another for another seed', async () => {
    await expectNoLeaks(() => {
      const p = new Normal([0, 1], [1, 2]);
      const q = new Normal(0.5, 1.5);
      const a = klDivergence(p, q, { monteCarlo: { samples: 100, seed: 3 } });
      const b = klDivergence(p, q, { monteCarlo: { samples: 100, seed: 3 } });
      const c = klDivergence(p, q, { monteCarlo: { samples: 100, seed: 4 } });
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
      tf.dispose([a, b, c]);
      disposeAll(p, q);
    });
  });
});
