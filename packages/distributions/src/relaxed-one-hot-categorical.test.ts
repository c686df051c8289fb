import * as tf from '@tensorflow/tfjs-core';
import { DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import data from './fixtures/composite.json' with { type: 'json' };
import { REFERENCE_TOLERANCE } from './fixtures/cases.js';
import {
  ExpRelaxedCategorical,
  RelaxedOneHotCategorical,
  relaxedOneHotCategorical,
} from './relaxed-one-hot-categorical.js';

type Nested = number | Nested[];
interface RelaxedCase {
  readonly set: string;
  readonly temperature: Nested;
  readonly logits?: Nested;
  readonly probs?: Nested;
  readonly value: Nested;
  readonly log_prob: Nested;
}

const CASES = (data as unknown as { relaxed_one_hot_categorical: RelaxedCase[] }).relaxed_one_hot_categorical;

describeEachBackend('RelaxedOneHotCategorical', ({ backend }) => {
  // cpu/wasm: the conformance contract. WebGL (SwiftShader): log/exp shaders, documented bound
  // 1e-2 + 2e-3·|expected| (log densities reach |30| here).
  const tolerance: Tolerance = backend === 'webgl' ? { atol: 1e-2, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  CASES.forEach((c, index) => {
    const kind = c.logits !== undefined ? 'logits' : 'probs';
    it(`log_prob matches torch's RelaxedOneHotCategorical (${kind}), case ${index} (${c.set})`, async () => {
      await expectNoLeaks(() => {
        const params =
          c.logits !== undefined ? { logits: c.logits as number[][] } : { probs: c.probs as number[][] };
        const d = new RelaxedOneHotCategorical(c.temperature as number[], params);
        const lp = d.logProb(c.value as number[]);
        expectClose(lp, c.log_prob as number[], tolerance);
        lp.dispose();
        d.dispose();
      });
    });
  });

  it('draws on the simplex, the largest entry distributed as Categorical(softmax(ℓ))', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      const probs = [0.1, 0.2, 0.3, 0.4];
      for (const temperature of [0.5, 3]) {
        const d = relaxedOneHotCategorical(temperature, { probs });
        expect(d.reparameterized).toBe(true);
        expect(d.eventShape).toEqual([4]);
        const y = d.sample(n, 17);
        expect(y.shape).toEqual([n, 4]);
        const inside = tf.tidy(() => tf.all(d.support.contains(y)));
        expect(inside.dataSync()[0]).toBe(1);
        const frequency = tf.tidy(() => tf.mean(tf.cast(tf.oneHot(tf.argMax(y, -1), 4), 'float32'), 0));
        // Gumbel-max: P(argmax = k) = pₖ at every temperature; standard errors ≤ 0.0035, 4 of them.
        expectClose(frequency, probs, { atol: 0.014, rtol: 0 });
        tf.dispose([y, inside, frequency]);
        d.dispose();
      }
    });
  });

  it('becomes one-hot as the temperature goes to 0', async () => {
    await expectNoLeaks(() => {
      const largest = [1, 0.1, 0.01, 0.001].map((temperature) => {
        const d = new RelaxedOneHotCategorical(temperature, { logits: [0.5, -0.3, 1.2] });
        const y = d.sample(4000, 8);
        const top = tf.tidy(() => tf.max(y, -1));
        const mean = tf.tidy(() => tf.mean(top).dataSync()[0]!);
        if (temperature === 0.001) {
          const near = tf.tidy(() => tf.mean(tf.cast(tf.greater(top, 1 - 1e-3), 'float32')).dataSync()[0]!);
          expect(near).toBeGreaterThan(0.98);
        }
        tf.dispose([y, top]);
        d.dispose();
        return mean;
      });
      for (let i = 1; i < largest.length; i++) expect(largest[i]!).toBeGreaterThan(largest[i - 1]!);
      expect(largest[3]!).toBeGreaterThan(0.999);
    });
  });

  it('passes gradients through samples to the logits and the temperature (vs finite differences)', async () => {
    await expectNoLeaks(() => {
      const n = 2000;
      const weights = tf.tensor([1, -2, 3]);
      const f = (logits: tf.Tensor, temperature: tf.Tensor): tf.Scalar =>
        tf.mean(
          tf.sum(tf.mul(new RelaxedOneHotCategorical(temperature, { logits }).sample(n, 6), weights), -1),
        );
      const logits = tf.tensor([0.2, 0.5, -0.1]);
      const temperature = tf.scalar(0.8);
      const [gLogits, gTemperature] = tf.grads(f)([logits, temperature]);
      const h = 1e-2;
      const at = (l: number[], t: number): number =>
        tf.tidy(() => f(tf.tensor(l), tf.scalar(t)).dataSync()[0]!);
      const base = [0.2, 0.5, -0.1];
      const dLogits = base.map((_, k) => {
        const up = base.map((v, i) => (i === k ? v + h : v));
        const down = base.map((v, i) => (i === k ? v - h : v));
        return (at(up, 0.8) - at(down, 0.8)) / (2 * h);
      });
      const dTemperature = (at(base, 0.8 + h) - at(base, 0.8 - h)) / (2 * h);
      expectClose(gLogits!, dLogits, { atol: 3e-3, rtol: 1e-2 });
      expectClose(gTemperature!, dTemperature, { atol: 3e-3, rtol: 1e-2 });
      tf.dispose([weights, logits, temperature, gLogits!, gTemperature!]);
    });
  });

  it('has the log-simplex density of torch’s ExpRelaxedCategorical', async () => {
    await expectNoLeaks(() => {
      // torch: ExpRelaxedCategorical(1, logits=[0, 0]).log_prob(log [½, ½]) = −2 log 2.
      const d = new ExpRelaxedCategorical(1, { logits: [0, 0] });
      const lp = d.logProb([Math.log(0.5), Math.log(0.5)]);
      expectClose(lp, -2 * Math.LN2, { atol: 1e-6, rtol: 1e-6 });
      lp.dispose();
      d.dispose();
    });
  });
});

describe('RelaxedOneHotCategorical input checks', () => {
  it('rejects a temperature ≤ 0 and temperatures that do not broadcast with the batch', () => {
    const before = tf.memory().numTensors;
    expect(() => new RelaxedOneHotCategorical(0, { logits: [1, 2] })).toThrow(
      "ExpRelaxedCategorical: argument 'temperature' has 0 at flat index 0, expected a finite number > 0",
    );
    expect(
      () =>
        new RelaxedOneHotCategorical([1, 2, 3], {
          logits: [
            [0, 1],
            [1, 0],
          ],
        }),
    ).toThrow(ShapeError);
    expect(() => new RelaxedOneHotCategorical(1, { logits: 2 })).toThrow(
      "ExpRelaxedCategorical: argument 'logits' has shape [], expected [...batch, K] with K ≥ 1 categories",
    );
    expect(() => new RelaxedOneHotCategorical(1, { probs: [0.5, -0.5] })).toThrow(DomainError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has the simplex as support and checks values against it when validating', () => {
    const d = new RelaxedOneHotCategorical(1, { logits: [0, 0] });
    expect(d.support.name).toBe('simplex');
    expect(d.name).toBe('RelaxedOneHotCategorical');
    expect(() => d.logProb([0.7, 0.7])).toThrow(DomainError);
    expect(() => d.logProb([0.2, 0.3, 0.5])).toThrow(ShapeError);
    d.dispose();
  });
});
