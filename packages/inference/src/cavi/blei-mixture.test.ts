import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { bleiMixtureCavi } from './blei-mixture.js';
import fixture from './fixtures/cavi_fixture.json' with { type: 'json' };

const { data, K, sigma2, init, expected } = fixture.bleiGmm;

describeEachBackend('bleiMixtureCavi', ({ backend }) => {
  // [N, K] sums in float32, K-sized updates in float64; WebGL's exp/log are approximate.
  const tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 1e-3 } : { atol: 1e-4, rtol: 1e-5 };

  it('follows Algorithm 2 of Blei et al. 2017 from the given start: m, s², φ and the ELBO per iteration', async () => {
    await expectNoLeaks(() => {
      const run = bleiMixtureCavi(data, { components: K, sigma2, init, tolerance: 0 });
      const trace = expected.elbo.map(() => run.step());
      expectClose(trace, expected.elbo, tolerance);
      const { m, s2, phi } = run.posterior();
      expectClose(m, expected.m, tolerance);
      expectClose(s2, expected.s2, tolerance);
      expect(phi.shape).toEqual([data.length, K]);
      const firstRows = tf.slice(phi, [0, 0], [expected.phiFirstRows.length, K]);
      expectClose(firstRows, expected.phiFirstRows, { atol: 1e-4, rtol: 0 });
      tf.dispose([phi, firstRows]);
      run.dispose();
    });
  });

  it('from a k-means++ seed, fit() climbs monotonically to at least the reference start’s optimum', async () => {
    const result = await expectNoLeaks(() => {
      const r = bleiMixtureCavi(data, { components: K, sigma2, seed: 3, tolerance: 1e-6 }).fit();
      r.posterior.phi.dispose();
      return r;
    });
    expect(result.converged).toBe(true);
    // float32 sums of ~300 terms of size ~x² ≈ 100: round-off ~1e-6 relative.
    for (let i = 1; i < result.elbo.length; i++) {
      const previous = result.elbo[i - 1] as number;
      expect(result.elbo[i] as number).toBeGreaterThanOrEqual(previous - 1e-5 * Math.abs(previous));
    }
    // The reference start ends in a local optimum; k-means++ seeds find one at least as good.
    expect(result.elbo.at(-1) as number).toBeGreaterThanOrEqual((expected.elbo.at(-1) as number) - 1e-3);
  });
});

describe('bleiMixtureCavi input checks', () => {
  it('rejects bad K, σ², starts and options', () => {
    expect(() => bleiMixtureCavi([1, 2], { components: 3, sigma2 })).toThrow(
      "bleiMixtureCavi: option 'components' is 3, expected at most the number of observations N = 2",
    );
    expect(() => bleiMixtureCavi([1, 2], { components: 0, sigma2 })).toThrow(DomainError);
    expect(() => bleiMixtureCavi([1, 2], { components: 1, sigma2: -1 })).toThrow('options.sigma2 is -1');
    expect(() => bleiMixtureCavi([1, 2], { components: 2, sigma2, init: { m: [0], s2: [1, 1] } })).toThrow(
      ShapeError,
    );
    expect(() => bleiMixtureCavi([1, 2], { components: 2, sigma2, init: { m: [0, 1], s2: [1, 0] } })).toThrow(
      'init.s2[1] is 0, expected a finite number > 0',
    );
    expect(() => bleiMixtureCavi([1, 2], { components: 2, sigma2, prior: 1 } as never)).toThrow(
      ArgumentError,
    );
    expect(() => bleiMixtureCavi([], { components: 1, sigma2 })).toThrow(ShapeError);
  });
});
