import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import data from './fixtures/composite.json' with { type: 'json' };
import { REFERENCE_TOLERANCE } from './fixtures/cases.js';
import { LogitRelaxedBernoulli, RelaxedBernoulli, relaxedBernoulli } from './relaxed-bernoulli.js';

type Nested = number | Nested[];
interface RelaxedCase {
  readonly set: string;
  readonly temperature: Nested;
  readonly logits?: Nested;
  readonly probs?: Nested;
  readonly value: Nested;
  readonly log_prob: Nested;
}

const CASES = (data as unknown as { relaxed_bernoulli: RelaxedCase[] }).relaxed_bernoulli;

/** Mean over draws of min(y, 1 − y): the distance of a draw to the nearest of {0, 1}. */
function distanceToBinary(y: tf.Tensor): number {
  return tf.tidy(() => tf.mean(tf.minimum(y, tf.sub(1, y))).dataSync()[0]!);
}

describeEachBackend('RelaxedBernoulli', ({ backend }) => {
  // cpu/wasm: the conformance contract. WebGL (SwiftShader): log/softplus shaders; the density at
  // τ = 0.1 amplifies the error of logit(y) 10-fold, documented bound 1e-2 + 2e-3·|expected|.
  const tolerance: Tolerance = backend === 'webgl' ? { atol: 1e-2, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  CASES.forEach((c, index) => {
    const kind = c.logits !== undefined ? 'logits' : 'probs';
    it(`log_prob matches torch's RelaxedBernoulli (${kind}), case ${index} (${c.set})`, async () => {
      await expectNoLeaks(() => {
        const params =
          c.logits !== undefined ? { logits: c.logits as number[] } : { probs: c.probs as number[] };
        const d = new RelaxedBernoulli(c.temperature as number[], params);
        const lp = d.logProb(c.value as number[]);
        expectClose(lp, c.log_prob as number[], tolerance);
        lp.dispose();
        d.dispose();
      });
    });
  });

  it('draws in (0, 1) with P(Y > ½) = σ(ℓ) at every temperature', async () => {
    await expectNoLeaks(() => {
      const n = 20000;
      for (const temperature of [0.3, 2]) {
        const d = relaxedBernoulli(temperature, { logits: [0.8, -1.5] });
        expect(d.reparameterized).toBe(true);
        expect(d.batchShape).toEqual([2]);
        const y = d.sample(n, 13);
        expect(y.shape).toEqual([n, 2]);
        const inside = tf.tidy(() => tf.all(d.support.contains(y)));
        expect(inside.dataSync()[0]).toBe(1);
        const above = tf.tidy(() => tf.mean(tf.cast(tf.greater(y, 0.5), 'float32'), 0));
        // σ(0.8) = 0.68997, σ(−1.5) = 0.18243; standard errors ≤ 0.0033, 4 of them.
        expectClose(above, [0.68997, 0.18243], { atol: 0.014, rtol: 0 });
        tf.dispose([y, inside, above]);
        d.dispose();
      }
    });
  });

  it('becomes binary as the temperature goes to 0', async () => {
    await expectNoLeaks(() => {
      const distances = [1, 0.1, 0.01, 0.001].map((temperature) => {
        const d = new RelaxedBernoulli(temperature, { probs: 0.3 });
        const y = d.sample(4000, 2);
        const distance = distanceToBinary(y);
        if (temperature === 0.001) {
          const near = tf.tidy(
            () => tf.mean(tf.cast(tf.less(tf.minimum(y, tf.sub(1, y)), 1e-3), 'float32')).dataSync()[0]!,
          );
          // |ℓ + L| < τ·logit(1 − 10⁻³) = 0.0069 has probability < 0.003.
          expect(near).toBeGreaterThan(0.99);
        }
        y.dispose();
        d.dispose();
        return distance;
      });
      for (let i = 1; i < distances.length; i++) expect(distances[i]!).toBeLessThan(distances[i - 1]!);
      expect(distances[3]!).toBeLessThan(1e-3);
    });
  });

  it('passes gradients through samples to the logits and the temperature (vs finite differences)', async () => {
    await expectNoLeaks(() => {
      const n = 2000;
      const f = (logits: tf.Tensor, temperature: tf.Tensor): tf.Scalar =>
        tf.mean(tf.square(new RelaxedBernoulli(temperature, { logits }).sample(n, 5)));
      const logits = tf.scalar(0.4);
      const temperature = tf.scalar(0.7);
      const [gLogits, gTemperature] = tf.grads(f)([logits, temperature]);
      // Same seed, same noise: the central difference of the sample mean is the pathwise derivative.
      const h = 1e-2;
      const at = (l: number, t: number): number =>
        tf.tidy(() => f(tf.scalar(l), tf.scalar(t)).dataSync()[0]!);
      const dLogits = (at(0.4 + h, 0.7) - at(0.4 - h, 0.7)) / (2 * h);
      const dTemperature = (at(0.4, 0.7 + h) - at(0.4, 0.7 - h)) / (2 * h);
      expect(Math.abs(dLogits)).toBeGreaterThan(0.05);
      expectClose(gLogits!, dLogits, { atol: 2e-3, rtol: 1e-2 });
      expectClose(gTemperature!, dTemperature, { atol: 2e-3, rtol: 1e-2 });
      tf.dispose([logits, temperature, gLogits!, gTemperature!]);
    });
  });

  it('has the logit density of torch’s LogitRelaxedBernoulli', async () => {
    await expectNoLeaks(() => {
      // log τ + (ℓ − τx) − 2 softplus(ℓ − τx) at τ = ½, ℓ = 0, x = 0: log ½ − 2 log 2.
      const d = new LogitRelaxedBernoulli(0.5, { logits: 0 });
      const lp = d.logProb(0);
      expectClose(lp, Math.log(0.5) - 2 * Math.LN2, { atol: 1e-6, rtol: 1e-6 });
      lp.dispose();
      d.dispose();
    });
  });
});

describe('RelaxedBernoulli input checks', () => {
  it('rejects a temperature ≤ 0, naming the argument', () => {
    const before = tf.memory().numTensors;
    expect(() => new RelaxedBernoulli(0, { logits: 1 })).toThrow(DomainError);
    expect(() => new RelaxedBernoulli(-1, { logits: 1 })).toThrow(
      "LogitRelaxedBernoulli: argument 'temperature' has -1 at flat index 0, expected a finite number > 0",
    );
    const t = tf.scalar(0);
    expect(() => new RelaxedBernoulli(t, { logits: 1 }, { validate: true })).toThrow(DomainError);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes exactly one of logits and probs, probabilities in [0, 1]', () => {
    expect(() => new RelaxedBernoulli(1, { logits: 0, probs: 0.5 } as unknown as { logits: number })).toThrow(
      "LogitRelaxedBernoulli: argument 'params' has both 'logits' and 'probs', expected exactly one of them",
    );
    expect(() => new RelaxedBernoulli(1, {} as { logits: number })).toThrow(ArgumentError);
    expect(() => new RelaxedBernoulli(1, { p: 0.5 } as unknown as { logits: number })).toThrow(
      "LogitRelaxedBernoulli: unknown parameter 'p'",
    );
    expect(() => new RelaxedBernoulli(1, { probs: 1.5 })).toThrow(DomainError);
    expect(() => new RelaxedBernoulli([1, 2, 3], { logits: [0, 0] })).toThrow(
      "LogitRelaxedBernoulli: arguments 'temperature' [3] and 'logits' [2] do not broadcast",
    );
  });

  it('rejects values outside [0, 1] when validating', () => {
    const d = new RelaxedBernoulli(0.5, { logits: 0 });
    expect(() => d.logProb(1.5)).toThrow(DomainError);
    expect(d.name).toBe('RelaxedBernoulli');
    d.dispose();
  });
});
