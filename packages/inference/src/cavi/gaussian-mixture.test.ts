import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './fixtures/adjusted-rand-index.js';
import fixture from './fixtures/cavi_fixture.json' with { type: 'json' };
import { gaussianMixtureCavi } from './gaussian-mixture.js';

const prml = fixture.prmlGmm;
const sk = fixture.sklearnGmm;

/** Index of the fitted component nearest (in mean) to each expected mean. */
function matchComponents(fitted: number[][], expected: number[][]): number[] {
  return expected.map((e) => {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    fitted.forEach((f, j) => {
      const dist = f.reduce((s, v, i) => s + (v - (e[i] as number)) ** 2, 0);
      if (dist < bestDistance) [best, bestDistance] = [j, dist];
    });
    return best;
  });
}

describeEachBackend('gaussianMixtureCavi', ({ backend }) => {
  const tolerance = backend === 'webgl' ? { atol: 2e-2, rtol: 1e-3 } : { atol: 2e-3, rtol: 2e-6 };

  it('reproduces the float64 PRML 10.2 trajectory from given labels: the bound per sweep, weights, means, covariances', async () => {
    await expectNoLeaks(() => {
      const run = gaussianMixtureCavi(prml.data, {
        components: prml.K,
        initLabels: prml.initLabels,
        tolerance: 0,
      });
      const trace = prml.expected.elbo.map(() => run.step());
      expectClose(trace, prml.expected.elbo, tolerance);
      const posterior = run.posterior();
      const parameters = backend === 'webgl' ? { atol: 1e-3, rtol: 1e-3 } : { atol: 1e-4, rtol: 1e-4 };
      expectClose(posterior.weights, prml.expected.weights, parameters);
      expectClose(posterior.means, prml.expected.means, parameters);
      expectClose(posterior.covariances, prml.expected.covariances, parameters);
      expectClose(posterior.concentration, prml.expected.alpha, { atol: 1e-3, rtol: 1e-4 });
      expect(posterior.labels).toEqual(prml.expected.labels);
      posterior.responsibilities.dispose();
      run.dispose();
    });
  });

  it("matches scikit-learn's BayesianGaussianMixture: active components, their weights, means, covariances and the labels", async () => {
    const start = performance.now();
    const result = await expectNoLeaks(() => {
      const r = gaussianMixtureCavi(sk.data, {
        components: sk.settings.nComponents,
        weightConcentration: sk.settings.weightConcentrationPrior,
        seed: 0,
        tolerance: 1e-7,
        maxIterations: 1000,
        decreaseTolerance: backend === 'webgl' ? 1e-4 : 1e-5,
      }).fit();
      r.posterior.responsibilities.dispose();
      return r;
    });
    const perIteration = (performance.now() - start) / result.iterations;
    console.info(
      `gaussianMixtureCavi [${backend}] sklearn data: ${result.iterations} sweeps, ${perIteration.toFixed(2)} ms per sweep`,
    );
    expect(result.converged).toBe(true);
    const { weights, means, covariances, labels } = result.posterior;
    const active = weights
      .map((w, j) => [w, j] as const)
      .filter(([w]) => w > 0.02)
      .map(([, j]) => j);
    expect(active.length).toBe(sk.expected.activeWeights.length);
    const match = matchComponents(means, sk.expected.activeMeans);
    expect(new Set(match).size).toBe(match.length);
    expectClose(
      match.map((j) => weights[j] as number),
      sk.expected.activeWeights,
      { atol: 2e-3, rtol: 0 },
    );
    expectClose(
      match.map((j) => means[j] as number[]),
      sk.expected.activeMeans,
      { atol: 2e-2, rtol: 0 },
    );
    expectClose(
      match.map((j) => covariances[j] as number[][]),
      sk.expected.activeCovariances,
      { atol: 3e-2, rtol: 0 },
    );
    expect(adjustedRandIndex(labels, sk.expected.labels)).toBeGreaterThanOrEqual(0.95);
    for (let i = 1; i < result.elbo.length; i++) {
      expect(result.elbo[i] as number).toBeGreaterThanOrEqual((result.elbo[i - 1] as number) * (1 + 1e-5));
    }
  });

  it('k-means++ seeding is reproducible from the seed', async () => {
    await expectNoLeaks(() => {
      const a = gaussianMixtureCavi(prml.data, { components: 3, seed: 5, maxIterations: 3 }).fit();
      const b = gaussianMixtureCavi(prml.data, { components: 3, seed: 5, maxIterations: 3 }).fit();
      expect(a.elbo).toEqual(b.elbo);
      expect(tf.memory().numTensors).toBeGreaterThan(0);
      tf.dispose([a.posterior.responsibilities, b.posterior.responsibilities]);
    });
  });
});

describe('gaussianMixtureCavi input checks', () => {
  const x = [
    [0, 1],
    [1, 0],
    [2, 3],
  ];
  it('rejects bad data, K, priors and options with the argument named', async () => {
    await expectNoLeaks(() => {
      expect(() => gaussianMixtureCavi([], { components: 1 })).toThrow(ShapeError);
      expect(() => gaussianMixtureCavi([1, 2, 3], { components: 1 })).toThrow(
        "argument 'data' has shape [3], expected [N, D]",
      );
      expect(() => gaussianMixtureCavi([[0, Number.POSITIVE_INFINITY]], { components: 1 })).toThrow(
        DomainError,
      );
      expect(() => gaussianMixtureCavi(x, { components: 4 })).toThrow(
        "gaussianMixtureCavi: option 'components' is 4, expected at most the number of observations N = 3",
      );
      expect(() => gaussianMixtureCavi(x, { components: 0 })).toThrow(
        'options.components is 0, expected an integer ≥ 1',
      );
      expect(() => gaussianMixtureCavi(x, { components: 2, degreesOfFreedom: 0.5 })).toThrow(
        'expected a number > D − 1 = 1',
      );
      expect(() => gaussianMixtureCavi(x, { components: 2, meanPrior: [0] })).toThrow(ShapeError);
      expect(() =>
        gaussianMixtureCavi(x, {
          components: 2,
          covariancePrior: [
            [1, 2],
            [2, 1],
          ],
        }),
      ).toThrow('is not symmetric positive definite');
      expect(() =>
        gaussianMixtureCavi(
          [
            [0, 0],
            [1, 1],
            [2, 2],
          ],
          { components: 1 },
        ),
      ).toThrow("pass 'covariancePrior'");
      expect(() => gaussianMixtureCavi(x, { components: 2, initLabels: [0, 1, 2] })).toThrow(
        "option 'initLabels'[2] is 2, expected an integer in [0, 1]",
      );
      expect(() => gaussianMixtureCavi(x, { components: 2, weightConcentrationPrior: 1 } as never)).toThrow(
        ArgumentError,
      );
    });
  });
});
