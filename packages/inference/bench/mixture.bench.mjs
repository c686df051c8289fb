// Benchmark of the variational Gaussian mixture (PRML §10.2) in @elbo/inference, on the BUILT package
// (run `pnpm exec turbo run build --filter @elbo/inference...` first; `pnpm bench` does it through turbo):
//
//  1. ELBO against wall time, side by side, on one data set: CAVI (one sweep per point), natural-gradient
//     SVI (gaussianMixtureSvi) and Adam-SVI, Euclidean-gradient SVI on the same variational family and the
//     same bound (written below with tfjs autodiff), checked against CAVI's ELBO at CAVI's optimum.
//  2. CAVI time per iteration against scikit-learn's BayesianGaussianMixture on the same points.
//
// Timing-sensitive: the figures depend on the machine's load, which is printed with them.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@elbo/backends';
import { digamma, lgamma, logSumExp, mvlgamma, softplus, splitSeed, stopGradient, toSeed } from '@elbo/core';
import { gaussianMixtureCavi, gaussianMixtureSvi } from '../dist/index.js';
import { mixtureProblem } from '../dist/cavi/gaussian-mixture.js';
import { kmeansPlusPlus, lloydLabels } from '../dist/cavi/kmeans.js';
import { choleskyLower, globalBoundTerms, logRho, mixtureExpectations } from '../dist/cavi/mixture-math.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------- settings
const SEED = 7; // data, k-means++ start, batch orders
const N = 3000;
const K = 4;
const D = 2;
const SVI_BATCH = 200; // natural-gradient SVI
const ADAM_BATCH = 200; // Adam-SVI
// Adam-SVI is run once per rate: 1 was the best of 0.03, 0.1, 0.3, 1 tried on this data, 0.1 a common default.
const ADAM_LEARNING_RATES = [0.1, 1];
const BUDGETS_S = [0.1, 0.3, 1, 3, 10]; // fixed wall-time budgets of the table; the last one ends each run
const EVAL_SPACING = 1.03; // SVI/Adam full-data ELBO evaluated when the method clock grew by 3% (≥ 2 ms)
const CAVI_TOLERANCE = 1e-9; // CAVI stops when |ΔL| ≤ tol·|L| three sweeps in a row (or at the budget)
const CHECK_TOLERANCE = 1e-4; // Adam-SVI objective vs CAVI's ELBO at CAVI's optimum, relative
const SWEEPS_TIMED = 100; // CAVI sweeps timed per backend for the scikit-learn comparison
const SKLEARN_ITERATIONS = 100;
const PYTHON = '/usr/bin/python3';
const LOG_2PI = Math.log(2 * Math.PI);

// ------------------------------------------------------------------------------------------------ data
/** mulberry32: a tiny seeded 32-bit PRNG, uniform in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N points of a 2-D mixture of four well-separated Gaussians with unequal weights and covariances. */
function makeData(seed) {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()); // Box–Muller
  const components = [
    {
      weight: 0.35,
      mean: [-6, -5],
      chol: [
        [1.0, 0],
        [0.5, 0.8],
      ],
    },
    {
      weight: 0.3,
      mean: [6, -6],
      chol: [
        [0.7, 0],
        [-0.3, 1.2],
      ],
    },
    {
      weight: 0.2,
      mean: [-5, 6],
      chol: [
        [1.3, 0],
        [0.0, 0.6],
      ],
    },
    {
      weight: 0.15,
      mean: [5, 5],
      chol: [
        [0.9, 0],
        [0.6, 0.9],
      ],
    },
  ];
  const points = [];
  for (let i = 0; i < N; i++) {
    let v = u();
    let c = 0;
    while (c < components.length - 1 && v >= components[c].weight) v -= components[c++].weight;
    const { mean, chol } = components[c];
    const z = [normal(), normal()];
    points.push([mean[0] + chol[0][0] * z[0], mean[1] + chol[1][0] * z[0] + chol[1][1] * z[1]]);
  }
  return points;
}

// ------------------------------------------------------------------------------------- small helpers
const now = () => performance.now();
const softplusInverse = (y) => y + Math.log(-Math.expm1(-y)); // float64, no overflow for large y

/** Inverse of a D×D symmetric positive-definite matrix (row-major Float64Array) via its Cholesky factor. */
function spdInverse(a, d, offset = 0) {
  const l = choleskyLower(a, d, offset);
  if (l === null) throw new Error('bench: matrix not positive definite');
  const li = new Float64Array(d * d); // L⁻¹
  for (let c = 0; c < d; c++)
    for (let i = c; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let p = c; p < i; p++) s -= l[i * d + p] * li[p * d + c];
      li[i * d + c] = s / l[i * d + i];
    }
  const inv = new Float64Array(d * d); // L⁻ᵀL⁻¹
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let p = Math.max(i, j); p < d; p++) s += li[p * d + i] * li[p * d + j];
      inv[i * d + j] = s;
    }
  return inv;
}

/** The shared start: the centred problem (as the package builds it) and the k-means++ seed rows. */
function sharedStart(data) {
  const problem = mixtureProblem(data, { components: K }, 'mixture.bench');
  // gaussianMixtureSvi seeds k-means++ with the first half of splitSeed(seed, 2): the same rows here.
  const [sInit] = splitSeed(toSeed(SEED, 'seed', 'mixture.bench'), 2);
  const seeds = kmeansPlusPlus(problem.x, K, sInit);
  return { problem, seeds };
}

/** The prior with the means moved to the seed rows: gaussianMixtureSvi's start, also Adam-SVI's. */
function seedGlobals(problem, seeds) {
  const { k, d, alpha0, beta0, wInverse0, nu0 } = problem.prior;
  const rows = tf.tidy(() => tf.gather(problem.x, tf.tensor1d(seeds, 'int32')).dataSync());
  return {
    alpha: new Float64Array(k).fill(alpha0 + problem.x.shape[0] / k),
    beta: new Float64Array(k).fill(beta0),
    m: Float64Array.from(rows),
    wInverse: Float64Array.from({ length: k * d * d }, (_, i) => wInverse0[i % (d * d)]),
    nu: new Float64Array(k).fill(nu0),
  };
}

// ----------------------------------------------------------------------------- Adam-SVI: the objective
/**
 * The PRML 10.2 bound as a differentiable function of unconstrained tensors:
 *   α = softplus(a), β = softplus(b), m, W = L Lᵀ with L lower triangular (softplus on its diagonal),
 *   ν = softplus(n) + D − 1.
 * elbo(raw, x, scale, mode) = scale · [Σₙₖ rₙₖ ln ρₙₖ − Σ r ln r] + E[ln p(π) − ln q(π)] + Σₖ E[ln p(μₖ,Λₖ) − ln q(μₖ,Λₖ)]
 * with ln ρₙₖ = E ln πₖ + ½ E ln|Λₖ| − (D/2) ln 2π − ½(D/βₖ + νₖ ‖Lₖᵀ(xₙ − mₖ)‖²) and, by mode:
 *   'local'   r = softmax(ln ρ) from the current globals with no gradient through it (the SVI local step);
 *   'optimal' the same r folded in: the value Σₙ logΣₖ ρₙₖ (the full-data ELBO of `gaussianMixtureSvi.elbo`);
 *   a tensor r [N, K] given (CAVI's responsibilities, for the check).
 */
function mixtureObjective(prior) {
  const { k, d, alpha0, beta0, m0, wInverse0, nu0 } = prior;
  const constants = tf.tidy(() => [
    tf.eye(d),
    tf.sub(tf.linalg.bandPart(tf.ones([d, d]), -1, 0), tf.eye(d)), // strictly lower triangle
    tf.tensor1d(Array.from({ length: d }, (_, j) => -j / 2)),
    tf.tensor3d(Float32Array.from(m0), [1, 1, d]),
    tf.tile(tf.tensor3d(Float32Array.from(wInverse0), [1, d, d]), [k, 1, 1]),
  ]);
  const [eye, strictLower, halfOffsets, m0t, w0Inv] = constants;
  // Constants of the prior, ln C(α₀·1) and ln B(W₀, ν₀) (PRML B.23, B.79), in float64 where they can be.
  const l0 = choleskyLower(wInverse0, d);
  let logDetW0Inv = 0;
  for (let i = 0; i < d; i++) logDetW0Inv += 2 * Math.log(l0[i * d + i]);
  const [lgK, lg1, mv0] = tf.tidy(() =>
    Array.from(tf.concat([lgamma([k * alpha0, alpha0]), mvlgamma([nu0 / 2], d)]).dataSync()),
  );
  const logC0 = lgK - k * lg1;
  const logB0 = 0.5 * nu0 * logDetW0Inv - 0.5 * nu0 * d * Math.LN2 - mv0;

  function elbo(raw, x, scale, mode) {
    return tf.tidy(() => {
      const alpha = softplus(raw.a); // [K]
      const beta = softplus(raw.b); // [K]
      const nu = tf.add(softplus(raw.n), d - 1); // [K]
      const diagonal = softplus(tf.sum(tf.mul(raw.l, eye), 2)); // [K, D]
      const factor = tf.add(tf.mul(raw.l, strictLower), tf.mul(tf.expandDims(diagonal, 2), eye)); // L, [K, D, D]
      const logDetW = tf.mul(2, tf.sum(tf.log(diagonal), 1)); // [K]
      const logPi = tf.sub(digamma(alpha), digamma(tf.sum(alpha))); // E ln πₖ
      const halfNu = tf.div(tf.add(tf.expandDims(nu, 1), tf.mul(2, halfOffsets)), 2); // (νₖ − j)/2, [K, D]
      const logLambda = tf.add(tf.sum(digamma(halfNu), 1), tf.add(logDetW, d * Math.LN2)); // E ln|Λₖ|
      // Local terms.
      const diff = tf.sub(tf.expandDims(x, 0), tf.expandDims(raw.m, 1)); // [K, B, D]
      const mahalanobis = tf.sum(tf.square(tf.matMul(diff, factor)), 2); // ‖Lᵀ(x − m)‖², [K, B]
      const constant = tf.sub(
        tf.add(logPi, tf.mul(0.5, logLambda)),
        tf.add(0.5 * d * LOG_2PI, tf.div(0.5 * d, beta)),
      );
      const logRhoT = tf.transpose(
        tf.sub(tf.expandDims(constant, 1), tf.mul(0.5, tf.mul(tf.expandDims(nu, 1), mahalanobis))),
      ); // [B, K]
      let local;
      if (mode === 'optimal') {
        local = tf.sum(logSumExp(logRhoT, 1));
      } else {
        const r = mode === 'local' ? tf.softmax(stopGradient(logRhoT)) : mode;
        const entropy = tf.sum(tf.mul(r, tf.log(tf.maximum(r, 1e-30))));
        local = tf.sub(tf.sum(tf.mul(r, logRhoT)), entropy);
      }
      // Global terms (PRML 10.73, 10.74, 10.76, 10.77).
      const logC = tf.sub(lgamma(tf.sum(alpha)), tf.sum(lgamma(alpha)));
      const logB = tf.sub(
        tf.mul(-0.5, tf.mul(nu, tf.add(logDetW, d * Math.LN2))),
        mvlgamma(tf.div(nu, 2), d),
      ); // ln B(Wₖ, νₖ) = −(νₖ/2)(ln|Wₖ| + D ln 2) − ln Γ_D(νₖ/2)
      const quad0 = tf.sum(tf.square(tf.matMul(tf.sub(tf.expandDims(raw.m, 1), m0t), factor)), [1, 2]); // (m−m₀)ᵀW(m−m₀)
      const trace = tf.sum(tf.mul(tf.matMul(w0Inv, factor), factor), [1, 2]); // tr(W₀⁻¹ Wₖ)
      const perComponent = tf.addN([
        tf.mul(0.5 * d, tf.log(tf.div(beta0, beta))),
        tf.neg(tf.div(0.5 * d * beta0, beta)),
        tf.mul(-0.5 * beta0, tf.mul(nu, quad0)),
        tf.sub(logB0, logB),
        tf.mul(0.5, tf.mul(tf.sub(nu0, nu), logLambda)),
        tf.mul(-0.5, tf.mul(nu, trace)),
        tf.mul(0.5 * d, tf.add(nu, 1)),
      ]);
      const global = tf.addN([
        tf.sub(logC0, logC),
        tf.sum(tf.mul(tf.sub(alpha0, alpha), logPi)),
        tf.sum(perComponent),
      ]);
      return tf.add(tf.mul(scale, local), global);
    });
  }
  return { elbo, dispose: () => tf.dispose(constants) };
}

/** Unconstrained tensors (or their initial values) from globals (α, β, m, W⁻¹, ν) in float64. */
function rawFromGlobals(g, d) {
  const k = g.alpha.length;
  const l = new Float32Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const lw = choleskyLower(spdInverse(g.wInverse, d, c * d * d), d); // W = L Lᵀ
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++)
        l[c * d * d + i * d + j] = i === j ? softplusInverse(lw[i * d + i]) : lw[i * d + j];
  }
  return {
    a: tf.tensor1d(Array.from(g.alpha, softplusInverse)),
    b: tf.tensor1d(Array.from(g.beta, softplusInverse)),
    m: tf.tensor2d(Float32Array.from(g.m), [k, d]),
    l: tf.tensor3d(l, [k, d, d]),
    n: tf.tensor1d(Array.from(g.nu, (v) => softplusInverse(v - d + 1))),
  };
}

/** Globals (α, β, m, W⁻¹, ν) in float64 from the unconstrained tensors, for the package's own bound. */
function globalsFromRaw(raw, d) {
  const sp = (t) => Float64Array.from(tf.tidy(() => softplus(t).dataSync()));
  const k = raw.a.shape[0];
  const lRaw = raw.l.dataSync();
  const wInverse = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const w = new Float64Array(d * d);
    const lw = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++) {
        const v = lRaw[c * d * d + i * d + j];
        lw[i * d + j] = i === j ? Math.log1p(Math.exp(-Math.abs(v))) + Math.max(v, 0) : v;
      }
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += lw[i * d + p] * lw[j * d + p];
        w[i * d + j] = s;
      }
    wInverse.set(spdInverse(w, d), c * d * d);
  }
  return {
    alpha: sp(raw.a),
    beta: sp(raw.b),
    m: Float64Array.from(raw.m.dataSync()),
    wInverse,
    nu: Float64Array.from(sp(raw.n), (v) => v + d - 1),
  };
}

/** The package's full-data ELBO at globals (what gaussianMixtureSvi.elbo computes). */
function packageElbo(problem, globals) {
  const ex = mixtureExpectations(globals, problem.prior, 'mixture.bench');
  const local = tf.tidy(
    () => tf.sum(logSumExp(logRho(problem.x, globals, problem.prior, ex), 1)).dataSync()[0],
  );
  return local + globalBoundTerms(globals, problem.prior, ex);
}

// ---------------------------------------------------------------------------------------- the methods
/** A clock that only runs between start() and stop(). */
function methodClock() {
  let total = 0;
  let since = null;
  return {
    start: () => void (since = now()),
    stop: () => void ((total += now() - since), (since = null)),
    seconds: () => (total + (since === null ? 0 : now() - since)) / 1000,
  };
}

/** Evaluates when the method clock has grown by EVAL_SPACING since the last evaluation (≥ 2 ms). */
function evaluationSchedule() {
  let next = 0;
  return (seconds) => {
    if (seconds < next) return false;
    next = Math.max(seconds * EVAL_SPACING, seconds + 0.002);
    return true;
  };
}

function runCavi(data, budget, warmup = false) {
  const clock = methodClock();
  const points = [];
  clock.start();
  const { problem, seeds } = sharedStart(data);
  const labels = Array.from(lloydLabels(problem.x, seeds, 0)); // nearest seed row: k-means++, no Lloyd
  problem.x.dispose();
  const run = gaussianMixtureCavi(data, { components: K, initLabels: labels, tolerance: 0 });
  let calm = 0;
  while (clock.seconds() < budget) {
    const value = run.step(); // one sweep (E-step, M-step) and the full ELBO
    points.push({ t: clock.seconds(), elbo: value });
    const previous = points.length > 1 ? points[points.length - 2].elbo : NaN;
    calm = Math.abs(value - previous) <= CAVI_TOLERANCE * Math.abs(value) ? calm + 1 : 0;
    if (calm >= 3) break;
  }
  clock.stop();
  const posterior = warmup ? null : run.posterior();
  run.dispose();
  return { name: 'CAVI', points, steps: points.length, clock: clock.seconds(), posterior, labels };
}

function runNaturalSvi(data, budget) {
  const clock = methodClock();
  const points = [];
  const due = evaluationSchedule();
  clock.start();
  const svi = gaussianMixtureSvi(data, { components: K, seed: SEED, batchSize: SVI_BATCH });
  let steps = 0;
  for (;;) {
    const t = clock.seconds();
    if (due(t) || t >= budget) {
      clock.stop(); // the full-data evaluation is off the method's clock
      points.push({ t, elbo: svi.elbo() });
      clock.start();
    }
    if (t >= budget) break;
    svi.step();
    steps += 1;
  }
  clock.stop();
  svi.dispose();
  return { name: `natural-gradient SVI`, points, steps, clock: clock.seconds() };
}

function runAdamSvi(data, budget, learningRate) {
  const clock = methodClock();
  const points = [];
  const due = evaluationSchedule();
  clock.start();
  const { problem, seeds } = sharedStart(data);
  const objective = mixtureObjective(problem.prior);
  const initial = rawFromGlobals(seedGlobals(problem, seeds), D);
  const raw = Object.fromEntries(
    Object.entries(initial).map(([key, t]) => [key, tf.variable(t, true, `adam_${key}`)]),
  );
  tf.dispose(Object.values(initial));
  const variables = Object.values(raw);
  const optimizer = tf.train.adam(learningRate);
  const n = problem.x.shape[0];
  const u = mulberry32(SEED + 1);
  let order = [];
  let cursor = 0;
  const nextBatch = () => {
    if (cursor >= order.length) {
      order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(u() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      cursor = 0;
    }
    const batch = order.slice(cursor, cursor + ADAM_BATCH);
    cursor += ADAM_BATCH;
    return batch;
  };
  let steps = 0;
  for (;;) {
    const t = clock.seconds();
    if (due(t) || t >= budget) {
      clock.stop();
      points.push({ t, elbo: tf.tidy(() => objective.elbo(raw, problem.x, 1, 'optimal').dataSync()[0]) });
      clock.start();
    }
    if (t >= budget) break;
    const batch = nextBatch();
    tf.tidy(() => {
      const xb = tf.gather(problem.x, tf.tensor1d(batch, 'int32'));
      // Loss −ELBO/N: the minibatch bound with its data terms scaled by N/|B|.
      optimizer.minimize(
        () => tf.div(objective.elbo(raw, xb, n / batch.length, 'local'), -n),
        false,
        variables,
      );
    });
    steps += 1;
  }
  clock.stop();
  // The package's own bound at the final parameters, against this objective's value there.
  const final = points[points.length - 1].elbo;
  const globals = globalsFromRaw(raw, D);
  const reference = packageElbo(problem, globals);
  optimizer.dispose();
  tf.dispose(variables);
  objective.dispose();
  problem.x.dispose();
  return {
    name: `Adam-SVI lr=${learningRate}`,
    points,
    steps,
    clock: clock.seconds(),
    crossCheck: { final, reference, globals },
  };
}

/** The Adam-SVI objective at CAVI's optimum against CAVI's ELBO there. */
function checkObjective(data, cavi) {
  const { problem } = sharedStart(data);
  const { k, d } = problem.prior;
  const p = cavi.posterior;
  const globals = {
    alpha: Float64Array.from(p.concentration),
    beta: Float64Array.from(p.meanPrecision),
    m: Float64Array.from(p.means.flat(), (v, i) => v - problem.shift[i % d]), // back to centred data
    wInverse: Float64Array.from(p.scaleInverse.flat(2)),
    nu: Float64Array.from(p.degreesOfFreedom),
  };
  const raw = rawFromGlobals(globals, d);
  const objective = mixtureObjective(problem.prior);
  const optimal = tf.tidy(() => objective.elbo(raw, problem.x, 1, 'optimal').dataSync()[0]);
  const withCaviR = tf.tidy(() => objective.elbo(raw, problem.x, 1, p.responsibilities).dataSync()[0]);
  // The same objective through a minibatch: the mean of its N/|B|-scaled values over one epoch's batches.
  let minibatchMean = 0;
  const batches = Math.floor(problem.x.shape[0] / ADAM_BATCH);
  for (let b = 0; b < batches; b++) {
    minibatchMean +=
      tf.tidy(() => {
        const xb = tf.slice(problem.x, [b * ADAM_BATCH, 0], [ADAM_BATCH, -1]);
        return objective.elbo(raw, xb, problem.x.shape[0] / ADAM_BATCH, 'local').dataSync()[0];
      }) / batches;
  }
  objective.dispose();
  tf.dispose([...Object.values(raw), p.responsibilities, problem.x]);
  const caviElbo = cavi.points[cavi.points.length - 1].elbo;
  const rel = (v) => Math.abs(v - caviElbo) / Math.abs(caviElbo);
  return { caviElbo, optimal, withCaviR, minibatchMean, rel, k, globals };
}

/**
 * Directional derivatives of the minibatch objective (mode 'local', full data) by tfjs autodiff against
 * central differences, at Adam-SVI's start, along seeded random directions in the unconstrained space.
 */
function gradientCheck(data) {
  const { problem, seeds } = sharedStart(data);
  const objective = mixtureObjective(problem.prior);
  const raw = rawFromGlobals(seedGlobals(problem, seeds), D);
  const keys = Object.keys(raw);
  const u = mulberry32(SEED + 2);
  const eps = 1e-2;
  const results = [];
  for (let trial = 0; trial < 2; trial++) {
    const dir = Object.fromEntries(
      keys.map((k) => [
        k,
        tf.tensor(
          Array.from({ length: raw[k].size }, () => u() - 0.5),
          raw[k].shape,
        ),
      ]),
    );
    const at = (h) =>
      tf.tidy(() => {
        const moved = Object.fromEntries(keys.map((k) => [k, tf.add(raw[k], tf.mul(h, dir[k]))]));
        return objective.elbo(moved, problem.x, 1, 'local').dataSync()[0];
      });
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    const analytic = tf.tidy(() => {
      const f = (...ts) =>
        objective.elbo(Object.fromEntries(keys.map((k, i) => [k, ts[i]])), problem.x, 1, 'local');
      const g = tf.grads(f)(keys.map((k) => raw[k]));
      return tf.addN(g.map((gi, i) => tf.sum(tf.mul(gi, dir[keys[i]])))).dataSync()[0];
    });
    tf.dispose(Object.values(dir));
    results.push({ numeric, analytic });
  }
  objective.dispose();
  tf.dispose([...Object.values(raw), problem.x]);
  return results;
}

// ------------------------------------------------------------------------------------------ reporting
const fmt = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));
const pad = (s, w) => String(s).padStart(w);
const padEnd = (s, w) => String(s).padEnd(w);

function valueAt(points, t) {
  let value = null;
  for (const p of points) if (p.t <= t) value = p.elbo;
  return value;
}
function timeToReach(points, threshold) {
  for (const p of points) if (p.elbo >= threshold) return p.t;
  return null;
}
function loadNote(label) {
  const [one, five] = os.loadavg();
  const cores = os.cpus().length;
  const busy = one > 0.5 * cores;
  return `${label}: load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) on ${cores} cores${busy ? ' — the machine was BUSY: figures measured under load' : ''}`;
}

// ----------------------------------------------------------------------------------------------- main
async function main() {
  const t0 = now();
  console.log('elbo mixture benchmark (@elbo/inference, built dist)');
  console.log(loadNote('start'));
  const backend = await useBackend('wasm').catch(async (error) => {
    console.log(`wasm unavailable (${error.message}); using cpu`);
    return useBackend('cpu');
  });
  console.log(`backend: ${tf.getBackend()} (${backend.reason})`);
  const data = makeData(SEED);
  console.log(
    `data: N = ${N}, D = ${D}, four well-separated Gaussians (seeded mulberry32, seed ${SEED}); K = ${K}; ` +
      `SVI batch ${SVI_BATCH} (κ = 0.7, τ = 1); Adam-SVI batch ${ADAM_BATCH}, lr ${ADAM_LEARNING_RATES.join(' and ')}`,
  );
  console.log(
    "start: one k-means++ draw (gaussianMixtureSvi's seed) for all three. CAVI starts from the hard labels of the " +
      'nearest seed row (no Lloyd steps); natural-gradient SVI and Adam-SVI from the prior with mₖ at the seed rows ' +
      "(gaussianMixtureSvi's own start; Adam-SVI copies it). Clocks include set-up; SVI/Adam full-data ELBO " +
      'evaluations are off the clock; each method gets one short untimed warm-up run first.',
  );

  // Warm-up (kernel set-up, JIT) so the timed runs measure steady state.
  const tensorsBefore = tf.memory().numTensors;
  runCavi(data, 0.05, true);
  runNaturalSvi(data, 0.05);
  runAdamSvi(data, 0.05, ADAM_LEARNING_RATES[0]);

  const budget = BUDGETS_S[BUDGETS_S.length - 1];
  const cavi = runCavi(data, budget);
  const check = checkObjective(data, cavi);
  const runs = [
    cavi,
    runNaturalSvi(data, budget),
    ...ADAM_LEARNING_RATES.map((lr) => runAdamSvi(data, budget, lr)),
  ];
  const leaked = tf.memory().numTensors - tensorsBefore;

  // The Adam-SVI objective check.
  console.log("\nAdam-SVI objective check at CAVI's optimum (after CAVI converged):");
  console.log(`  CAVI's ELBO                                       ${check.caviElbo.toFixed(4)}`);
  console.log(
    `  Adam-SVI full-data ELBO (r optimal for the globals) ${check.optimal.toFixed(4)}   relative difference ${check.rel(check.optimal).toExponential(2)}`,
  );
  console.log(
    `  Adam-SVI objective with CAVI's responsibilities     ${check.withCaviR.toFixed(4)}   relative difference ${check.rel(check.withCaviR).toExponential(2)}`,
  );
  console.log(
    `  mean of the N/|B|-scaled minibatch objective (1 epoch) ${check.minibatchMean.toFixed(4)}   relative difference ${check.rel(check.minibatchMean).toExponential(2)}`,
  );
  for (const run of runs.filter((r) => r.crossCheck)) {
    const { final, reference } = run.crossCheck;
    console.log(
      `  ${run.name} at its final parameters: its ELBO ${final.toFixed(4)}, the package's bound (gaussianMixtureSvi.elbo math) ${reference.toFixed(4)}, relative difference ${(Math.abs(final - reference) / Math.abs(reference)).toExponential(2)}`,
    );
  }
  for (const { numeric, analytic } of gradientCheck(data)) {
    const rel = Math.abs(numeric - analytic) / Math.abs(analytic);
    console.log(
      `  gradient along a random direction at the start: autodiff ${analytic.toFixed(3)}, central difference (h = 1e-2, float32) ${numeric.toFixed(3)}, relative ${rel.toExponential(2)}`,
    );
    if (!(rel < 0.05))
      throw new Error(`mixture.bench: the Adam-SVI gradient disagrees with finite differences (${rel})`);
  }
  const worst = Math.max(check.rel(check.optimal), check.rel(check.withCaviR));
  if (!(worst <= CHECK_TOLERANCE)) {
    throw new Error(
      `mixture.bench: the Adam-SVI objective disagrees with CAVI's ELBO at CAVI's optimum (relative ${worst.toExponential(2)} > ${CHECK_TOLERANCE}); the Adam-SVI bound is wrong`,
    );
  }
  console.log(`  check passed (≤ ${CHECK_TOLERANCE} relative)`);

  // The table.
  const best = Math.max(...cavi.points.map((p) => p.elbo));
  const converged = cavi.clock < budget;
  const thresholds = [0.01, 0.001, 0.0001];
  const caviTimes = thresholds.map((f) => timeToReach(cavi.points, best - f * Math.abs(best)));
  console.log(
    `\nELBO against wall time (${tf.getBackend()}); CAVI's converged ELBO L* = ${best.toFixed(2)} ` +
      `(${converged ? `converged, ${cavi.steps} sweeps in ${cavi.clock.toFixed(3)} s` : `not converged within ${budget} s`}). ` +
      "ELBO@b: last evaluation at method time ≤ b; t(x%): first time within x% of L*; ×CAVI: that time / CAVI's.",
  );
  const header =
    padEnd('method', 22) +
    pad('steps', 7) +
    pad('ms/step*', 9) +
    BUDGETS_S.map((b) => pad(`ELBO@${b}s`, 12)).join('') +
    thresholds.map((f) => pad(`t(${f * 100}%) s`, 11) + pad('×CAVI', 8)).join('');
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const run of runs) {
    const msPerStep = (run.clock * 1000) / Math.max(1, run.steps);
    const cells = BUDGETS_S.map((b) => pad(fmt(valueAt(run.points, b)), 12)).join('');
    const reach = thresholds
      .map((f, i) => {
        const t = timeToReach(run.points, best - f * Math.abs(best));
        const ratio = t === null || caviTimes[i] === null ? null : t / caviTimes[i];
        return pad(t === null ? `>${budget}` : fmt(t, 3), 11) + pad(ratio === null ? '—' : fmt(ratio, 1), 8);
      })
      .join('');
    console.log(padEnd(run.name, 22) + pad(run.steps, 7) + pad(fmt(msPerStep, 2), 9) + cells + reach);
  }
  console.log(
    `* method clock / steps, set-up included (a CAVI step is a sweep; an SVI or Adam step one minibatch). ` +
      `Tensors left after the runs: ${leaked}.`,
  );
  const list = (a) => `[${Array.from(a, (v) => fmt(v, 1)).join(', ')}]`;
  console.log(
    `CAVI's optimum: ν = ${list(check.globals.nu)}, β = ${list(check.globals.beta)}, α = ${list(check.globals.alpha)}`,
  );
  for (const run of runs.filter((r) => r.crossCheck)) {
    const g = run.crossCheck.globals;
    console.log(`${run.name} at the end: ν = ${list(g.nu)}, β = ${list(g.beta)}, α = ${list(g.alpha)}`);
  }

  // CAVI time per sweep against scikit-learn.
  console.log(
    `\nCAVI time per iteration, ${SWEEPS_TIMED} sweeps after 5 untimed (each sweep: E-step, M-step, full ELBO):`,
  );
  const perSweep = {};
  for (const name of ['wasm', 'cpu']) {
    try {
      await useBackend(name);
    } catch (error) {
      console.log(`  ${name}: unavailable (${error.message})`);
      continue;
    }
    const run = gaussianMixtureCavi(data, { components: K, initLabels: cavi.labels, tolerance: 0 });
    for (let i = 0; i < 5; i++) run.step();
    const start = now();
    for (let i = 0; i < SWEEPS_TIMED; i++) run.step();
    perSweep[name] = (now() - start) / SWEEPS_TIMED;
    run.dispose();
    console.log(`  elbo CAVI on ${name}: ${perSweep[name].toFixed(3)} ms per sweep`);
  }
  sklearnComparison(data, perSweep);

  console.log(`\n${loadNote('end')}`);
  console.log(`total benchmark time ${((now() - t0) / 1000).toFixed(1)} s`);
}

function sklearnComparison(data, perSweep) {
  if (!existsSync(PYTHON)) {
    console.log(`  scikit-learn: ${PYTHON} not found; comparison skipped`);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'elbo-bench-'));
  try {
    const file = path.join(dir, 'points.json');
    writeFileSync(file, JSON.stringify(data));
    let out;
    try {
      out = execFileSync(
        PYTHON,
        [path.join(HERE, 'sklearn_gmm.py'), file, String(K), String(SKLEARN_ITERATIONS), '3'],
        {
          encoding: 'utf8',
          timeout: 120_000,
          // One thread, as tfjs's wasm and cpu backends here.
          env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
        },
      );
    } catch (error) {
      console.log(
        `  scikit-learn: the Python run failed (${String(error.message).split('\n')[0]}); comparison skipped`,
      );
      return;
    }
    const result = JSON.parse(out.trim().split('\n').pop());
    if (result.missing) {
      console.log(`  scikit-learn: not importable with ${PYTHON} (${result.missing}); comparison skipped`);
      return;
    }
    const ms = result.per_iteration * 1000;
    const msNoInit = result.per_iteration_without_init * 1000;
    console.log(
      `  scikit-learn ${result.sklearn} (numpy ${result.numpy}, 1 BLAS thread) BayesianGaussianMixture(K=${K}, full, ` +
        `dirichlet_distribution, max_iter=${SKLEARN_ITERATIONS}, tol=0): ${ms.toFixed(3)} ms per iteration ` +
        `(fit time / n_iter_ = ${result.fit_seconds.toFixed(3)} s / ${result.n_iter}, median of 3 after a warm-up); ` +
        `${msNoInit.toFixed(3)} ms without its k-means initialisation`,
    );
    for (const [name, value] of Object.entries(perSweep)) {
      console.log(
        `  ratio elbo ${name} / scikit-learn: ${(value / ms).toFixed(2)}× (${(value / msNoInit).toFixed(2)}× against the figure without initialisation)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
