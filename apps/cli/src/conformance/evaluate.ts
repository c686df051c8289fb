import * as tf from '@tensorflow/tfjs-core';
import { klDivergence } from '@elbo/divergences';
import { buildDistribution, type BuiltDistribution } from './families.js';
import type { Nested, ReferenceFile } from './reference-file.js';

/** One compared quantity. `actual` is nested like `expected` (null when it could not be computed). */
export interface ConformanceResult {
  readonly kind: 'distribution' | 'kl';
  readonly index: number;
  readonly family: string;
  readonly quantity: 'log_prob' | 'entropy' | 'mean' | 'variance' | 'cdf' | 'kl';
  readonly actual: Nested | null;
  readonly expected: Nested;
  readonly maxAbsError: number | null;
  readonly pass: boolean;
  readonly error?: string;
}

/**
 * The contract: |actual − expected| ≤ atol + rtol·|expected| elementwise, and where |expected| exceeds the
 * float32 range, actual = ±∞ of its sign.
 */
export interface ConformanceTolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** The project's acceptance tolerance on float32 cpu, wasm and tensorflow. */
export const DEFAULT_TOLERANCE: ConformanceTolerance = { atol: 1e-4, rtol: 1e-3 };

/**
 * The tolerance on WebGL, measured on SwiftShader in Chromium: its float32 shaders evaluate exp, log and
 * pow with approximate instructions, so errors reach a few 1e-3 relative on log-densities of wide ranges.
 */
export const WEBGL_TOLERANCE: ConformanceTolerance = { atol: 5e-3, rtol: 5e-3 };

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷. */
const FLOAT32_MAX = 3.4028234663852886e38;

function flat(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

function compare(
  actual: Nested,
  expected: Nested,
  tol: ConformanceTolerance,
): { maxAbsError: number; pass: boolean } {
  const a = flat(actual);
  const e = flat(expected);
  if (a.length !== e.length) return { maxAbsError: Number.POSITIVE_INFINITY, pass: false };
  let maxAbsError = 0;
  let pass = true;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    // A float32 backend cannot hold |y| > FLOAT32_MAX (e.g. the mean of a LogNormal with a large scale):
    // there the contract is the overflow itself, to ±∞ of the same sign.
    const err = x === y || (Math.abs(y) > FLOAT32_MAX && x === Math.sign(y) * Infinity) ? 0 : Math.abs(x - y);
    if (Number.isNaN(err)) {
      pass = false;
      maxAbsError = Number.NaN;
      continue;
    }
    if (!Number.isNaN(maxAbsError)) maxAbsError = Math.max(maxAbsError, err);
    if (!(err <= tol.atol + tol.rtol * Math.abs(y))) pass = false;
  }
  return { maxAbsError, pass };
}

function measure(
  base: Omit<ConformanceResult, 'actual' | 'maxAbsError' | 'pass' | 'error'>,
  compute: () => tf.Tensor,
  tol: ConformanceTolerance,
): ConformanceResult {
  try {
    const t = compute();
    const actual = t.arraySync() as Nested;
    t.dispose();
    return { ...base, actual, ...compare(actual, base.expected, tol) };
  } catch (error) {
    return { ...base, actual: null, maxAbsError: null, pass: false, error: (error as Error).message };
  }
}

/**
 * Evaluates every case of a reference file on the current backend and compares with the expected values.
 * Leaks no tensor.
 */
export function evaluateReferences(
  refs: ReferenceFile,
  tolerance: ConformanceTolerance = DEFAULT_TOLERANCE,
): { results: ConformanceResult[]; passed: number; failed: number } {
  const results: ConformanceResult[] = [];
  refs.distributions.forEach((c, index) => {
    const quantities = ['log_prob', 'entropy', 'mean', 'variance', 'cdf'] as const;
    let built: BuiltDistribution | null = null;
    let buildError: string | null = null;
    try {
      built = buildDistribution(c.family, c.params);
    } catch (error) {
      buildError = (error as Error).message;
    }
    for (const quantity of quantities) {
      const expected = c[quantity];
      if (expected === undefined) continue;
      const base = { kind: 'distribution' as const, index, family: c.family, quantity, expected };
      if (built === null) {
        results.push({
          ...base,
          actual: null,
          maxAbsError: null,
          pass: false,
          error: buildError ?? 'not built',
        });
        continue;
      }
      const d = built.distribution;
      results.push(
        measure(
          base,
          () =>
            tf.tidy(() => {
              switch (quantity) {
                case 'log_prob':
                  return d.logProb(tf.tensor(c.value as number[]));
                case 'cdf':
                  return d.cdf(tf.tensor(c.value as number[]));
                case 'entropy':
                  return d.entropy();
                case 'mean':
                  return d.mean();
                case 'variance':
                  return d.variance();
              }
            }),
          tolerance,
        ),
      );
    }
    built?.release();
  });
  refs.kl.forEach((c, index) => {
    const family = `${c.p.family}||${c.q.family}`;
    const base = { kind: 'kl' as const, index, family, quantity: 'kl' as const, expected: c.kl };
    results.push(
      measure(
        base,
        () => {
          const p = buildDistribution(c.p.family, c.p.params);
          try {
            const q = buildDistribution(c.q.family, c.q.params);
            try {
              return klDivergence(p.distribution, q.distribution);
            } finally {
              q.release();
            }
          } finally {
            p.release();
          }
        },
        tolerance,
      ),
    );
  });
  const passed = results.filter((r) => r.pass).length;
  return { results, passed, failed: results.length - passed };
}
