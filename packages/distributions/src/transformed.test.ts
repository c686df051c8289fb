import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { Affine } from './bijectors/affine.js';
import type { Bijector } from './bijectors/bijector.js';
import { Chain } from './bijectors/chain.js';
import { Exp } from './bijectors/exp.js';
import { FillScaleTriL } from './bijectors/fill-scale-tril.js';
import { Scale } from './bijectors/scale.js';
import { Shift } from './bijectors/shift.js';
import { Sigmoid } from './bijectors/sigmoid.js';
import { Softplus } from './bijectors/softplus.js';
import { NotImplementedError, type Distribution } from './distribution.js';
import data from './fixtures/composite.json' with { type: 'json' };
import { REFERENCE_TOLERANCE } from './fixtures/cases.js';
import { Independent } from './independent.js';
import { Normal } from './normal.js';
import { TransformedDistribution, transformedDistribution } from './transformed.js';

type Nested = number | Nested[];
interface Spec {
  readonly name: string;
  readonly params?: Record<string, Nested>;
  readonly bijectors?: Spec[];
}
interface TransformedCase {
  readonly set: string;
  readonly bijector: Spec;
  readonly base_event_rank: number;
  readonly params: { loc: Nested; scale: Nested };
  readonly value: Nested;
  readonly log_prob: Nested;
}

const CASES = (data as unknown as { transformed: TransformedCase[] }).transformed;

/** The bijector a fixture spec describes (TFP's Chain order); `owned` collects all to dispose. */
function build(spec: Spec, owned: Bijector[]): Bijector {
  const p = (name: string): number[] => spec.params?.[name] as number[];
  const make: Record<string, () => Bijector> = {
    Exp: () => new Exp(),
    Sigmoid: () => new Sigmoid(),
    Softplus: () => new Softplus(),
    Shift: () => new Shift(p('shift')),
    Scale: () => new Scale(p('scale')),
    Affine: () => new Affine(p('shift'), p('scale')),
    FillScaleTriL: () => new FillScaleTriL({ diagShift: spec.params?.['diag_shift'] as number }),
    Chain: () => new Chain((spec.bijectors ?? []).map((s) => build(s, owned))),
  };
  const b = make[spec.name]!();
  owned.push(b);
  return b;
}

function label(spec: Spec): string {
  return spec.name === 'Chain' ? `Chain(${(spec.bijectors ?? []).map(label).join(', ')})` : spec.name;
}

describeEachBackend('TransformedDistribution', ({ backend }) => {
  // cpu/wasm: the conformance contract. WebGL (SwiftShader): exp/log shaders, measured below 1e-3
  // relative except where the inverse is ill-conditioned; documented bound 2e-3 + 2e-3·|expected|.
  const tolerance: Tolerance = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : REFERENCE_TOLERANCE;

  CASES.forEach((c, index) => {
    it(`log_prob matches torch's TransformedDistribution through ${label(c.bijector)}, case ${index} (${c.set})`, async () => {
      await expectNoLeaks(() => {
        const owned: Bijector[] = [];
        const bijector = build(c.bijector, owned);
        const normal = new Normal(c.params.loc as number[], c.params.scale as number[]);
        const base: Distribution = c.base_event_rank === 1 ? new Independent(normal, 1) : normal;
        const d = new TransformedDistribution(base, bijector);
        const value = tf.tensor(c.value as number[]);
        const lp = d.logProb(value);
        expectClose(lp, c.log_prob as number[], tolerance);
        if (bijector.forwardMinEventRank === 1) {
          // torch's rule: a scalar base gets its last batch axis reinterpreted as the event.
          const auto = new TransformedDistribution(normal, bijector);
          expect(auto.eventShape).toEqual(d.eventShape);
          const lp2 = auto.logProb(value);
          expectClose(lp2, c.log_prob as number[], tolerance);
          lp2.dispose();
        }
        tf.dispose([value, lp]);
        normal.dispose();
        owned.forEach((b) => b.dispose());
      });
    });
  });

  it('samples f(x) for base draws x: a log-normal from Exp, Cholesky factors from FillScaleTriL', async () => {
    await expectNoLeaks(() => {
      const base = new Normal([0, 1], [1, 0.5]);
      const exp = new Exp();
      const d = transformedDistribution(base, exp);
      expect(d.reparameterized).toBe(true);
      expect(d.support.name).toBe('positive');
      const y = d.sample([3], 4);
      const x = base.sample([3], 4);
      const ex = tf.exp(x);
      expectClose(y, ex, { atol: 1e-6, rtol: 1e-6 });
      const zeros = tf.zeros([2, 6]);
      const standard = new Normal(zeros, 1);
      const tril = new TransformedDistribution(standard, new FillScaleTriL());
      expect(tril.batchShape).toEqual([2]);
      expect(tril.eventShape).toEqual([3, 3]);
      const l = tril.sample(5, 9);
      expect(l.shape).toEqual([5, 2, 3, 3]);
      const inside = tril.support.contains(l);
      expect(Array.from(inside.dataSync()).every((v) => v === 1)).toBe(true);
      tf.dispose([y, x, ex, l, inside, zeros]);
      standard.dispose();
      base.dispose();
    });
  });

  it('passes gradients through samples: ∂E[eˣ]/∂μ = e^(μ+σ²/2), ∂/∂σ = σ·e^(μ+σ²/2)', async () => {
    await expectNoLeaks(() => {
      const loc = tf.scalar(0.2);
      const scale = tf.scalar(0.5);
      const [gLoc, gScale] = tf.grads((m: tf.Tensor, s: tf.Tensor) =>
        tf.mean(new TransformedDistribution(new Normal(m, s), new Exp()).sample(40000, 21)),
      )([loc, scale]);
      const e = Math.exp(0.2 + 0.125);
      // Monte Carlo standard errors ≈ 0.004 and 0.006 with 40 000 draws.
      expectClose(gLoc!, e, { atol: 0.03, rtol: 0 });
      expectClose(gScale!, 0.5 * e, { atol: 0.04, rtol: 0 });
      tf.dispose([loc, scale, gLoc!, gScale!]);
    });
  });
});

describe('TransformedDistribution input checks', () => {
  it('rejects a bijector that changes the batch shape, or needs batch axes the base lacks', () => {
    const base = new Normal(0, 1);
    const shift = new Shift([1, 2, 3]);
    expect(() => new TransformedDistribution(base, shift)).toThrow(ShapeError);
    expect(() => new TransformedDistribution(base, shift)).toThrow(
      "TransformedDistribution: the bijector Shift maps the base's shape [] (batch []) to [3], which changes the batch shape",
    );
    expect(() => new TransformedDistribution(base, new FillScaleTriL())).toThrow(
      'TransformedDistribution: the bijector FillScaleTriL acts on events of rank ≥ 1, but the base Normal has event shape [] and only 0 batch axes (batch shape []) to reinterpret',
    );
    const five = new Normal([0, 0, 0, 0, 0], 1);
    expect(() => new TransformedDistribution(five, new FillScaleTriL())).toThrow(
      "FillScaleTriL.forwardShape: argument 'x' has shape [5]",
    );
    expect(() => new TransformedDistribution(base, [new Exp()] as unknown as Exp)).toThrow(ArgumentError);
    shift.dispose();
    base.dispose();
    five.dispose();
  });

  it('checks values against the support when validating, and has no closed-form moments', () => {
    const base = new Normal(0, 1);
    const d = new TransformedDistribution(base, new Exp());
    expect(() => d.logProb(-1)).toThrow(DomainError);
    expect(() => d.mean()).toThrow(NotImplementedError);
    expect(() => d.entropy()).toThrow('TransformedDistribution.entropy: no closed form for this family');
    base.dispose();
  });
});
