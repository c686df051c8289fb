import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/cavi_fixture.json' with { type: 'json' };
import { normalGammaCavi, normalGammaLogEvidence } from './normal-gamma.js';

const { data, prior, expected } = fixture.normalGamma;

describeEachBackend('normalGammaCavi', ({ backend }) => {
  // The updates run in float64; only Σx, Σ(x − x̄)² and ln Γ, ψ of two scalars are float32 (WebGL's
  // transcendental functions are approximate, hence its looser bound).
  const tolerance = backend === 'webgl' ? { atol: 1e-3, rtol: 1e-4 } : { atol: 1e-5, rtol: 1e-6 };

  it('reproduces the float64 ELBO trace of PRML 10.1.3 and the fixed point, below the log evidence', async () => {
    await expectNoLeaks(() => {
      const run = normalGammaCavi(data, prior, { tolerance: 0 });
      const trace = expected.elbo.map(() => run.step());
      expectClose(trace, expected.elbo, tolerance);
      const posterior = run.posterior();
      expectClose(
        [posterior.muN, posterior.lambdaN, posterior.aN, posterior.bN],
        [expected.muN, expected.lambdaN, expected.aN, expected.bN],
        tolerance,
      );
      const logEvidence = normalGammaLogEvidence(data, prior);
      expectClose(logEvidence, expected.logEvidence, tolerance);
      for (const value of trace) expect(value).toBeLessThanOrEqual(logEvidence);
      // The gap at the fixed point is KL(q || p(μ, τ | x)) > 0: q(μ)q(τ) cannot represent the coupling.
      expect(logEvidence - (trace.at(-1) as number)).toBeGreaterThan(1e-4);
      run.dispose();
    });
  });

  it('fit() stops at the relative tolerance and reports convergence', async () => {
    const result = await expectNoLeaks(() => normalGammaCavi(data, prior, { tolerance: 1e-9 }).fit());
    expect(result.converged).toBe(true);
    expect(result.iterations).toBeLessThan(expected.elbo.length);
    expectClose(result.elbo.at(-1) as number, expected.elbo.at(-1) as number, tolerance);
    expectClose(result.posterior.bN, expected.bN, tolerance);
  });
});

describe('normalGammaCavi input checks', () => {
  it('names the function, the argument and what was expected', () => {
    expect(() => normalGammaCavi([], prior)).toThrow(ShapeError);
    expect(() => normalGammaCavi([], prior)).toThrow("normalGammaCavi: argument 'data' is empty");
    expect(() => normalGammaCavi([[1, 2]], prior)).toThrow("argument 'data' has shape [1,2], expected [N]");
    expect(() => normalGammaCavi([1, Number.NaN], prior)).toThrow(DomainError);
    expect(() => normalGammaCavi([1, 2], { ...prior, b0: 0 })).toThrow(
      'normalGammaCavi: prior.b0 is 0, expected a finite number > 0',
    );
    expect(() => normalGammaCavi([1, 2], { ...prior, lambda0: -1 })).toThrow(DomainError);
    expect(() => normalGammaCavi([1, 2], { ...prior, c0: 1 } as never)).toThrow(ArgumentError);
    expect(() => normalGammaCavi([1, 2], prior, { maxIteration: 3 } as never)).toThrow(
      "normalGammaCavi: unknown option 'maxIteration' in 'options'",
    );
    expect(() => normalGammaLogEvidence([1, 2], { mu0: 0, lambda0: 1, a0: 1 } as never)).toThrow(
      'normalGammaLogEvidence: prior.b0 is missing',
    );
  });
});
