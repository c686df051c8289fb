/// <reference types="node" />
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import { bleiMixtureCavi } from './blei-mixture.js';
import { adjustedRandIndex } from './fixtures/adjusted-rand-index.js';
import { gaussianMixtureCavi } from './gaussian-mixture.js';
import { normalGammaCavi, normalGammaLogEvidence } from './normal-gamma.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = path.resolve(here, '../../../../../shared/refs/cavi.json');
const present = existsSync(shared);

interface SharedReference {
  normalGamma: {
    data: number[];
    prior: { mu0: number; lambda0: number; a0: number; b0: number };
    expected: { muN: number; lambdaN: number; aN: number; bN: number; elbo: number[]; logEvidence: number };
  };
  bleiGmm: {
    data: number[];
    K: number;
    sigma2: number;
    init: { m: number[]; s2: number[] };
    expected: { m: number[]; s2: number[]; elbo: number[] };
  };
  sklearnGmm: {
    data: number[][];
    settings: { nComponents: number; weightConcentrationPrior: number };
    expected: { activeWeights: number[]; activeMeans: number[][]; labels: number[] };
  };
}

const ref = present ? (JSON.parse(readFileSync(shared, 'utf8')) as SharedReference) : null;

describeEachBackend('CAVI against ../shared/refs/cavi.json', () => {
  it.skipIf(!present)(
    'Normal-Gamma, Blei and scikit-learn cases (skipped where ../shared is absent)',
    async () => {
      const r = ref as SharedReference;
      await expectNoLeaks(() => {
        const ng = normalGammaCavi(r.normalGamma.data, r.normalGamma.prior, { tolerance: 0 });
        const trace = r.normalGamma.expected.elbo.map(() => ng.step());
        ng.dispose();
        expectClose(trace, r.normalGamma.expected.elbo, { atol: 1e-5, rtol: 1e-6 });
        const logEvidence = normalGammaLogEvidence(r.normalGamma.data, r.normalGamma.prior);
        expectClose(logEvidence, r.normalGamma.expected.logEvidence, { atol: 1e-5, rtol: 1e-6 });
        expect(Math.max(...trace)).toBeLessThanOrEqual(logEvidence);

        const { data, K, sigma2, init, expected } = r.bleiGmm;
        const blei = bleiMixtureCavi(data, { components: K, sigma2, init, tolerance: 0 });
        const bleiTrace = expected.elbo.map(() => blei.step());
        const posterior = blei.posterior();
        posterior.phi.dispose();
        blei.dispose();
        expectClose(bleiTrace, expected.elbo, { atol: 1e-4, rtol: 1e-5 });
        expectClose(posterior.m, expected.m, { atol: 1e-4, rtol: 1e-5 });

        const sk = r.sklearnGmm;
        const fit = gaussianMixtureCavi(sk.data, {
          components: sk.settings.nComponents,
          weightConcentration: sk.settings.weightConcentrationPrior,
          seed: 0,
        }).fit();
        fit.posterior.responsibilities.dispose();
        const active = fit.posterior.weights.filter((w) => w > 0.02).sort((a, b) => a - b);
        expectClose(
          active,
          [...sk.expected.activeWeights].sort((a, b) => a - b),
          { atol: 2e-3, rtol: 0 },
        );
        expect(adjustedRandIndex(fit.posterior.labels, sk.expected.labels)).toBeGreaterThanOrEqual(0.95);
      });
    },
  );
});
