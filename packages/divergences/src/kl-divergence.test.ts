import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ElboError, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks, type Tolerance } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import {
  Beta,
  Exponential,
  Gamma,
  HalfNormal,
  Independent,
  Laplace,
  LogNormal,
  MultivariateNormalDiag,
  Normal,
  Uniform,
  type Distribution,
} from './fixtures/families.js';
import {
  buildPair,
  decode,
  disposeAll,
  extraKlCases,
  referenceKlCases,
  REFERENCE_TOLERANCE,
  type KlCase,
} from './fixtures/kl-cases.js';
import { klDivergence } from './kl-divergence.js';
import { KL_TABLE } from './kl-table-default.js';
import { klPair, type DistributionClass, type KlTable } from './kl-table.js';
import { klSupportMismatch } from './kl/disjoint-support.js';

// References: the KL cases of packages/distributions/src/fixtures/distributions.json (torch.distributions,
// float64, generate_distributions.py there) and of fixtures/kl_extra.json (torch float64 and scipy,
// generate_kl_extra.py). Each case is a batch of 4 (p, q) pairs with the reference KL per entry.

/** The KL of a case as computed by `klDivergence`, and its reference, both flat. */
function checkCase(c: KlCase, tolerance: Tolerance): void {
  const [p, q] = buildPair(c);
  const kl = klDivergence(p, q);
  expect(kl.dtype).toBe('float32');
  const expected = decode(c.kl);
  expect(kl.shape).toEqual([(expected as number[]).length]);
  expectClose(kl, expected as number[], tolerance);
  kl.dispose();
  disposeAll(p, q);
}

const EXTRA_SETS = ['cross', 'wishart', 'independent', 'near', 'boundary'] as const;

/** One standard member of each family a +∞ row of KL_TABLE names (batch shape [2]). */
const ON_SUPPORT: ReadonlyMap<DistributionClass, () => Distribution> = new Map<
  DistributionClass,
  () => Distribution
>([
  [Normal, () => new Normal([0, 1], [1, 2])],
  [Laplace, () => new Laplace([0, 1], [1, 2])],
  [Exponential, () => new Exponential([1, 2])],
  [Gamma, () => new Gamma([2, 3], [1, 2])],
  [HalfNormal, () => new HalfNormal([1, 2])],
  [LogNormal, () => new LogNormal([0, 1], [1, 0.5])],
  [Beta, () => new Beta([2, 3], [1, 2])],
  [Uniform, () => new Uniform([0, -1], [1, 3])],
]);

describeEachBackend('klDivergence', ({ backend, tolerance: backendTolerance }) => {
  // cpu, wasm: the conformance contract, |a − e| ≤ 1e-4 + 1e-3·|e|. Measured worst |a − e| / (1e-4 +
  // 1e-3·|e|) = 0.0053 (Beta ‖ Beta, standard case 14; worst relative error 1.3e-4, in the near set).
  // WebGL: the backend's TOLERANCE.webgl, atol 1e-3 and rtol 1e-2, since GPUs compute exp, log and
  // lgamma with coarser float32 approximations than IEEE; measured in Chromium's SwiftShader: worst
  // ratio 0.0047 of the cpu contract (Beta ‖ Beta, edge case 60), worst relative error 2.4e-4.
  const tolerance: Tolerance = backend === 'webgl' ? backendTolerance : REFERENCE_TOLERANCE;

  describe('distributions.json (torch.distributions)', () => {
    for (const { index, c } of referenceKlCases()) {
      it(`KL(${c.p.family} ‖ ${c.q.family}), case ${index} (${c.set})`, async () => {
        await expectNoLeaks(() => checkCase(c, tolerance));
      });
    }
  });

  for (const set of EXTRA_SETS) {
    describe(`kl_extra.json, set ${set}`, () => {
      const cases = extraKlCases(set);
      it('has cases', () => expect(cases.length).toBeGreaterThan(0));
      for (const { index, c } of cases) {
        it(`KL(${c.p.family} ‖ ${c.q.family}), case ${index}${c.reinterpreted === undefined ? '' : ` (Independent, ${c.reinterpreted})`}`, async () => {
          await expectNoLeaks(() => checkCase(c, tolerance));
        });
      }
    });
  }

  it('keeps relative precision when p ≈ q (set near: KL of 1e-7 to 1e-5)', async () => {
    // The absolute tolerance above accepts 0 for these; here the error must be small relative to the
    // KL itself, which a naive float32 formula (log σ₂ − log σ₁ + σ₁²/(2σ₂²) − ½ …) cannot give.
    // Measured worst relative error: 1.3e-4 on cpu, wasm and webgl (SwiftShader); a GPU's coarser log
    // may cost a factor 10, hence the looser bound there.
    const relative: Tolerance =
      backend === 'webgl' ? { atol: 1e-10, rtol: 2e-2 } : { atol: 1e-10, rtol: 2e-3 };
    await expectNoLeaks(() => {
      for (const { c } of extraKlCases('near')) checkCase(c, relative);
    });
  });

  it('is +∞ on every pair of KL_TABLE whose supports cannot be covered by q', async () => {
    const rows = KL_TABLE.filter((row) => (row[2] as unknown) === klSupportMismatch);
    // Normal, Laplace against six families; Exponential, Gamma, HalfNormal, LogNormal against two.
    expect(rows.length).toBe(2 * 6 + 4 * 2);
    await expectNoLeaks(() => {
      for (const [pClass, qClass] of rows) {
        const p = ON_SUPPORT.get(pClass)?.();
        const q = ON_SUPPORT.get(qClass)?.();
        if (p === undefined || q === undefined)
          throw new Error(`no test member for ${pClass.name} or ${qClass.name}`);
        const kl = klDivergence(p, q);
        expect(kl.shape, `${p.name} ‖ ${q.name}`).toEqual([2]);
        expect(Array.from(kl.dataSync()), `${p.name} ‖ ${q.name}`).toEqual([Infinity, Infinity]);
        kl.dispose();
        disposeAll(p, q);
      }
    });
  });

  it('is 0 for p = q and broadcasts the batch shapes of p and q', async () => {
    await expectNoLeaks(() => {
      const p = new Normal([0, 1, -2], [1, 2, 0.5]);
      const same = klDivergence(p, p);
      expectClose(same, [0, 0, 0], { atol: 0, rtol: 0 });
      // q of batch shape [] against p of batch shape [3]: KL(N(μ, σ²) ‖ N(0, 1)) = ½(σ² + μ² − 1) − log σ.
      const q = new Normal(0, 1);
      const kl = klDivergence(p, q);
      expect(kl.shape).toEqual([3]);
      expectClose(kl, [0, 0.5 * (4 + 1 - 1) - Math.log(2), 0.5 * (0.25 + 4 - 1) - Math.log(0.5)], tolerance);
      const reverse = klDivergence(q, p);
      expect(reverse.shape).toEqual([3]);
      tf.dispose([same, kl, reverse]);
      disposeAll(p, q);
    });
  });

  it('uses a row appended to the table instead of the built-in one', async () => {
    await expectNoLeaks(() => {
      let calls = 0;
      const table: KlTable = [
        ...KL_TABLE,
        klPair(Normal, Normal, () => {
          calls++;
          return tf.scalar(42);
        }),
      ];
      const p = new Normal([0, 1], [1, 1]);
      const q = new Normal(1, 2);
      const kl = klDivergence(p, q, { table });
      expect(calls).toBe(1);
      // The row's scalar is broadcast to the batch shape.
      expect(Array.from(kl.dataSync())).toEqual([42, 42]);
      // The default table is untouched.
      const builtIn = klDivergence(p, q);
      expectClose(builtIn, [Math.log(2) + 2 / 8 - 0.5, Math.log(2) + 1 / 8 - 0.5], tolerance);
      // Independent looks its base pair up in the table passed in, so the user row reaches it too.
      const ip = new Independent(new Normal([0, 1], [1, 1]), 1);
      const iq = new Independent(new Normal([1, 1], [2, 2]), 1);
      const summed = klDivergence(ip, iq, { table });
      expect(Array.from(summed.dataSync())).toEqual([84]);
      tf.dispose([kl, builtIn, summed]);
      disposeAll(p, q, ip, iq);
    });
  });
});

describe('klDivergence input checks', () => {
  it('names both families and the Monte Carlo option for a pair without a row', async () => {
    await expectNoLeaks(() => {
      const p = new Normal(0, 1);
      const q = new Laplace(0, 1);
      expect(() => klDivergence(p, q)).toThrow(ArgumentError);
      let message = '';
      try {
        klDivergence(p, q);
      } catch (e) {
        expect(e).toBeInstanceOf(ElboError);
        message = (e as Error).message;
      }
      expect(message).toMatch(/^klDivergence: /);
      expect(message).toContain('Normal');
      expect(message).toContain('Laplace');
      expect(message).toContain('monteCarlo');
      // The reverse direction has no row either (Laplace ‖ Normal), and a Gamma against a Normal.
      expect(() => klDivergence(q, p)).toThrow(/Laplace.*Normal/);
      const g = new Gamma(2, 1);
      expect(() => klDivergence(g, p)).toThrow(/Gamma.*Normal[^]*monteCarlo/);
      // An empty table has no row for anything.
      expect(() => klDivergence(p, p, { table: [] })).toThrow(/0 rows[^]*monteCarlo/);
      disposeAll(p, q, g);
    });
  });

  it('rejects an argument that is not a Distribution', async () => {
    await expectNoLeaks(() => {
      const p = new Normal(0, 1);
      const notOne = { name: 'Normal', batchShape: [], eventShape: [] } as unknown as Distribution;
      expect(() => klDivergence(notOne, p)).toThrow(ArgumentError);
      expect(() => klDivergence(notOne, p)).toThrow(/klDivergence: argument 'p' .*expected a Distribution/);
      expect(() => klDivergence(p, null as unknown as Distribution)).toThrow(/argument 'q' is null/);
      expect(() => klDivergence(p, 3 as unknown as Distribution)).toThrow(/argument 'q' is a number/);
      p.dispose();
    });
  });

  it('rejects unknown and malformed options', async () => {
    await expectNoLeaks(() => {
      const p = new Normal(0, 1);
      const q = new Normal(1, 1);
      const bad = { tabel: KL_TABLE } as unknown as Parameters<typeof klDivergence>[2];
      expect(() => klDivergence(p, q, bad)).toThrow(ArgumentError);
      expect(() => klDivergence(p, q, bad)).toThrow("unknown option 'tabel'");
      expect(() => klDivergence(p, q, 'fast' as unknown as Parameters<typeof klDivergence>[2])).toThrow(
        /argument 'options' is the string "fast", expected an object/,
      );
      expect(() =>
        klDivergence(p, q, { monteCarlo: { samples: 10 } } as unknown as Parameters<typeof klDivergence>[2]),
      ).toThrow(/options\.monteCarlo\.seed' is missing/);
      expect(() => klDivergence(p, q, { monteCarlo: { samples: 0, seed: 1 } })).toThrow(
        /options\.monteCarlo\.samples' is 0, expected an integer ≥ 1/,
      );
      disposeAll(p, q);
    });
  });

  it('rejects mismatched event shapes with a ShapeError', async () => {
    await expectNoLeaks(() => {
      const p2 = new MultivariateNormalDiag([0, 0], [1, 1]);
      const p3 = new MultivariateNormalDiag([0, 0, 0], [1, 1, 1]);
      const scalar = new Normal(0, 1);
      expect(() => klDivergence(p2, p3)).toThrow(ShapeError);
      expect(() => klDivergence(p2, p3)).toThrow(/event shape \[2\].*\[3\]/);
      expect(() => klDivergence(p2, scalar)).toThrow(ShapeError);
      // Batch shapes that do not broadcast are a ShapeError too.
      const a = new Normal([0, 1], [1, 1]);
      const b = new Normal([0, 1, 2], [1, 1, 1]);
      expect(() => klDivergence(a, b)).toThrow(ShapeError);
      disposeAll(p2, p3, scalar, a, b);
    });
  });

  it('rejects a malformed table, naming the first bad row', async () => {
    await expectNoLeaks(() => {
      const p = new Normal(0, 1);
      const q = new Normal(1, 1);
      const asTable = (t: unknown) => ({ table: t as KlTable });
      expect(() => klDivergence(p, q, asTable('KL_TABLE'))).toThrow(ArgumentError);
      expect(() => klDivergence(p, q, asTable({}))).toThrow(
        /argument 'options\.table' is an object, expected an array/,
      );
      expect(() => klDivergence(p, q, asTable([...KL_TABLE, [Normal, Normal]]))).toThrow(
        new RegExp(`malformed row at index ${KL_TABLE.length}: an array of length 2`),
      );
      expect(() => klDivergence(p, q, asTable([[Normal, 'Normal', () => tf.scalar(0)]]))).toThrow(
        /malformed row at index 0/,
      );
      expect(() => klDivergence(p, q, asTable([null]))).toThrow(/malformed row at index 0: null/);
      disposeAll(p, q);
    });
  });

  it('rejects a table function that returns a non-tensor or a tensor of the wrong shape', async () => {
    await expectNoLeaks(() => {
      const p = new Normal([0, 1], [1, 1]);
      const q = new Normal([1, 1], [2, 2]);
      const returning = (value: () => unknown): KlTable => [[Normal, Normal, value as () => tf.Tensor]];
      expect(() => klDivergence(p, q, { table: returning(() => 0.5) })).toThrow(
        /returned a number, expected a tensor/,
      );
      expect(() => klDivergence(p, q, { table: returning(() => tf.zeros([3])) })).toThrow(ShapeError);
      disposeAll(p, q);
    });
  });

  it('rejects Independent pairs with different numbers of reinterpreted axes', async () => {
    await expectNoLeaks(() => {
      // Both have event shape [2]: one from a batch axis of a Normal, one a diagonal normal's own.
      const p = new Independent(new Normal([0, 1], [1, 1]), 1);
      const q = new Independent(new MultivariateNormalDiag([0, 1], [1, 1]), 0);
      expect(() => klDivergence(p, q)).toThrow(ArgumentError);
      expect(() => klDivergence(p, q)).toThrow(/expected the same number of reinterpreted batch axes/);
      disposeAll(p, q);
    });
  });
});
