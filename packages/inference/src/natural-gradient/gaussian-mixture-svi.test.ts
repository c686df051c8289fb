import { DomainError } from '@elbo/core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../cavi/fixtures/adjusted-rand-index.js';
import fixture from '../cavi/fixtures/cavi_fixture.json' with { type: 'json' };
import { gaussianMixtureSvi } from './gaussian-mixture-svi.js';

const { data, K, expected } = fixture.prmlGmm;
/** The float64 CAVI optimum of PRML 10.2 on the same data and prior (generate_cavi_fixture.py). */
const caviElbo = expected.elbo.at(-1) as number;

describeEachBackend('gaussianMixtureSvi', () => {
  it('reaches the CAVI optimum’s ELBO within 1% on a well-separated 2-D mixture, leaking no tensor', async () => {
    await expectNoLeaks(() => {
      const svi = gaussianMixtureSvi(data, {
        components: K,
        batchSize: 30,
        seed: 0,
        forgettingRate: 0.7,
        delay: 1,
      });
      const start = svi.elbo();
      const rhos: number[] = [];
      for (let t = 0; t < 60; t++) rhos.push(svi.step());
      const end = svi.elbo();
      console.info(
        `gaussianMixtureSvi: ELBO ${start.toFixed(3)} → ${end.toFixed(3)}, CAVI ${caviElbo.toFixed(3)}`,
      );
      expect(rhos[0]).toBeCloseTo(2 ** -0.7, 12);
      expect(rhos[59]).toBeCloseTo(61 ** -0.7, 12);
      // The start (prior factors, means at k-means++ seeds) is far from the optimum: the test has work to do.
      expect(Math.abs(start - caviElbo)).toBeGreaterThan(0.5 * Math.abs(caviElbo));
      expect(Math.abs(end - caviElbo)).toBeLessThanOrEqual(0.01 * Math.abs(caviElbo));
      expect(end).toBeLessThanOrEqual(caviElbo + 1e-3 * Math.abs(caviElbo));
      const posterior = svi.posterior();
      expect(adjustedRandIndex(posterior.labels, expected.labels)).toBeGreaterThanOrEqual(0.99);
      posterior.responsibilities.dispose();
      svi.dispose();
      expect(() => svi.step()).toThrow('gaussianMixtureSvi.step: the run was disposed');
    });
  });

  it('is reproducible from its seed', async () => {
    await expectNoLeaks(() => {
      const run = () => {
        const svi = gaussianMixtureSvi(data, { components: K, batchSize: 40, seed: 9 });
        for (let t = 0; t < 5; t++) svi.step();
        const value = svi.elbo();
        svi.dispose();
        return value;
      };
      expect(run()).toBe(run());
    });
  });
});

describe('gaussianMixtureSvi input checks', () => {
  it('rejects a step-size schedule outside Robbins–Monro and bad batch sizes', () => {
    expect(() => gaussianMixtureSvi(data, { components: K, forgettingRate: 0.5 })).toThrow(
      "gaussianMixtureSvi: option 'forgettingRate' is 0.5, expected κ in (0.5, 1]",
    );
    expect(() => gaussianMixtureSvi(data, { components: K, delay: -1 })).toThrow(DomainError);
    expect(() => gaussianMixtureSvi(data, { components: K, batchSize: data.length + 1 })).toThrow(
      `option 'batchSize' is ${data.length + 1}, expected at most N = ${data.length}`,
    );
    expect(() => gaussianMixtureSvi(data, { components: K, kappa: 0.7 } as never)).toThrow(
      "unknown option 'kappa'",
    );
  });
});
