// logProb is differentiable with respect to the value and to every parameter, on every backend: tfjs has
// no gradient for the comparison ops that mask a density's boundaries, so a mask left on the tape makes
// tf.grads throw. The autodiff gradients are checked against central finite differences of logProb.
import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend, expectNoLeaks } from '@elbo/testing';
import { expect, it } from 'vitest';
import {
  Beta,
  Exponential,
  Gamma,
  HalfNormal,
  Laplace,
  LogNormal,
  Normal,
  StudentT,
  Uniform,
  type Distribution,
} from './index.js';

type Build = (...params: tf.Tensor[]) => Distribution;

/** [family, build from scalar parameters, parameter values, an interior value]. */
const CASES: ReadonlyArray<readonly [string, Build, readonly number[], number]> = [
  ['Normal', (m, s) => new Normal(m!, s!), [0.3, 1.4], 0.9],
  ['LogNormal', (m, s) => new LogNormal(m!, s!), [0.2, 0.7], 1.6],
  ['Laplace', (m, s) => new Laplace(m!, s!), [-0.4, 1.3], 0.5],
  ['Uniform', (lo, hi) => new Uniform(lo!, hi!), [-1, 2.5], 0.7],
  ['Exponential', (r) => new Exponential(r!), [1.7], 0.8],
  ['HalfNormal', (s) => new HalfNormal(s!), [1.2], 0.6],
  ['Gamma', (a, b) => new Gamma(a!, b!), [2.3, 1.5], 1.1],
  ['Beta', (a, b) => new Beta(a!, b!), [2.2, 3.1], 0.35],
  ['StudentT', (n, m, s) => new StudentT(n!, m!, s!), [4.5, 0.2, 1.3], -0.6],
];

describeEachBackend('logProb gradients', ({ backend }) => {
  // Central differences in float32 with step h: truncation O(h²) and rounding O(ε/h); h = 1e-2 keeps
  // both near 1e-4 here (webgl's coarser exp/log need more room).
  const h = 1e-2;
  const tol = backend === 'webgl' ? 2e-2 : 2e-3;
  for (const [family, build, params, x] of CASES) {
    it(`${family}: d logProb / d(value, parameters) by autodiff = central differences`, async () => {
      await expectNoLeaks(() => {
        const f = (...args: tf.Tensor[]) => {
          const d = build(...args.slice(1));
          const lp = d.logProb(args[0]!);
          d.dispose();
          return lp;
        };
        const point = [x, ...params];
        const inputs = point.map((v) => tf.scalar(v));
        const grads = tf.grads(f)(inputs);
        grads.forEach((g, i) => {
          const at = (delta: number) =>
            tf.tidy(() => f(...point.map((v, j) => tf.scalar(j === i ? v + delta : v))).dataSync()[0]!);
          const numeric = (at(h) - at(-h)) / (2 * h);
          const autodiff = g.dataSync()[0]!;
          expect(Number.isFinite(autodiff), `${family} argument ${i}`).toBe(true);
          expect(
            Math.abs(autodiff - numeric),
            `${family} argument ${i}: ${autodiff} vs ${numeric}`,
          ).toBeLessThan(tol * (1 + Math.abs(numeric)));
        });
        tf.dispose([...inputs, ...grads]);
      });
    });
  }
});
