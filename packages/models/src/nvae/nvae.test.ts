import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, random, seed, ShapeError } from '@elbo/core';
import { Normal } from '@elbo/distributions';
import { klDivergence } from '@elbo/divergences';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { importanceSampledBounds } from '../evaluation/importance-sampled-nll.js';
import { fit } from '../trainer/fit.js';
import { NonFiniteTrainingError } from '../trainer/non-finite-training-error.js';
import { memoryHandler } from '../trainer/fixtures/memory-handler.js';
import { createModel } from '../vae/create-model.js';
import { readNvaeConfig, type NvaeConfigInput } from './config.js';
import { logisticMixtureLogProb } from './logistic-mixture.js';
import { pixelShuffle } from './network.js';
import { Nvae } from './nvae.js';
import { klBalanceCoefficients, residualKl, residualPosterior, softClamp } from './residual-normal.js';

/** A tiny NVAE: 12×12 images padded to 16, scales at 2×2 (1 group) and 4×4 (2 groups), 2 latent channels. */
const TINY: NvaeConfigInput = {
  kind: 'nvae',
  preset: 'mnist-small',
  inputShape: [12, 12, 1],
  channels: 8,
  groupsPerScale: [1, 2],
  latentChannels: 2,
  expand: 2,
  seed: 3,
};

function binaryImages(n: number, s: number): tf.Tensor4D {
  return tf.tidy(() =>
    tf.cast(tf.greater(random.uniform([n, 12, 12, 1], seed(s)), 0.7), 'float32'),
  ) as tf.Tensor4D;
}

describeEachBackend('NVAE parts against their definitions', ({ tolerance }) => {
  it('the residual posterior is N(μp + Δμ, (σp·Δσ)²) and its KL is the Normal–Normal KL', async () => {
    const pLoc = [0.3, -1, 2, 0];
    const pLog = [0, -0.5, 0.7, 1.2];
    const dLoc = [0.5, 0.1, -1.5, 0];
    const dLog = [0.2, -0.3, 0, 0.9];
    await expectNoLeaks(() => {
      const prior = { loc: tf.tensor1d(pLoc), logScale: tf.tensor1d(pLog) };
      const delta = { loc: tf.tensor1d(dLoc), logScale: tf.tensor1d(dLog) };
      const q = residualPosterior(prior, delta);
      expectClose(
        q.loc,
        pLoc.map((m, i) => m + dLoc[i]!),
        tolerance,
      );
      expectClose(
        q.logScale,
        pLog.map((l, i) => l + dLog[i]!),
        tolerance,
      );
      const qScale = tf.exp(q.logScale);
      const pScale = tf.exp(prior.logScale);
      const qd = new Normal(q.loc, qScale);
      const pd = new Normal(prior.loc, pScale);
      const closed = klDivergence(qd, pd);
      const residual = residualKl(pLog, dLoc, dLog);
      expectClose(residual, closed, { atol: 1e-5, rtol: 1e-4 });
      // By hand: Δμ = 0 and Δσ = 1 costs nothing; one prior σ of shift costs ½.
      const byHand = residualKl([0, 1.3], [0, Math.exp(1.3)], [0, 0]);
      expectClose(byHand, [0, 0.5], tolerance);
      qd.dispose();
      pd.dispose();
      tf.dispose([
        prior.loc,
        prior.logScale,
        delta.loc,
        delta.logScale,
        q.loc,
        q.logScale,
        qScale,
        pScale,
        closed,
        residual,
        byHand,
      ]);
    });
  });

  it('softClamp is 5·tanh(x/5)', () => {
    const x = [-100, -5, -0.3, 0, 2, 7, 40];
    const y = softClamp(x);
    expectClose(
      y,
      x.map((v) => 5 * Math.tanh(v / 5)),
      tolerance,
    );
    y.dispose();
  });

  it('KL balancing: γl = L·rl/Σ r with rl = (KL̄l + 0.01)/sl, mean 1, and no gradient', () => {
    const kl = [10, 1, 0, 3.5];
    const sizes = [100, 100, 512, 16];
    const r = kl.map((k, i) => (k + 0.01) / sizes[i]!);
    const total = r.reduce((a, b) => a + b, 0);
    const expected = r.map((v) => (kl.length * v) / total);
    const g = klBalanceCoefficients(kl, sizes);
    expectClose(g, expected, tolerance);
    expect(expected.reduce((a, b) => a + b, 0) / kl.length).toBeCloseTo(1, 12);
    const grad = tf.grad((k: tf.Tensor) =>
      tf.sum(tf.mul(klBalanceCoefficients(k, sizes), tf.tensor1d([1, 2, 3, 4]))),
    )(tf.tensor1d(kl));
    expectClose(grad, [0, 0, 0, 0], { atol: 0, rtol: 0 });
    expect(() => klBalanceCoefficients([1, 2], [3])).toThrow(ArgumentError);
    tf.dispose([g, grad]);
  });

  it('pixelShuffle puts channel (dy·2 + dx)·c + k of (i, j) at (2i + dy, 2j + dx, k)', () => {
    const n = 2;
    const h = 2;
    const w = 3;
    const c = 2;
    const values = Array.from({ length: n * h * w * 4 * c }, (_, i) => i);
    const y = pixelShuffle(tf.tensor4d(values, [n, h, w, 4 * c]));
    expect(y.shape).toEqual([n, 2 * h, 2 * w, c]);
    const out = y.arraySync() as number[][][][];
    for (let b = 0; b < n; b++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++)
              for (let k = 0; k < c; k++) {
                const src = (((b * h + i) * w + j) * 4 + dy * 2 + dx) * c + k;
                expect(out[b]![2 * i + dy]![2 * j + dx]![k]).toBe(values[src]);
              }
    y.dispose();
  });

  it('the discretised logistic mixture gives the 256 intensities of a pixel total probability 1', () => {
    const m = 3;
    // One pixel per intensity level: 256 "images" of 1×1×1 with the same parameters.
    const params = tf.tidy(() =>
      tf.tile(
        tf.reshape(tf.tensor1d([0.2, -1, 0.5, -0.3, 0.4, 0.9, -2, -1, -3]), [1, 1, 1, 3 * m]),
        [256, 1, 1, 1],
      ),
    );
    const x = tf.reshape(tf.div(tf.range(0, 256), 255), [256, 1, 1, 1]);
    const lp = logisticMixtureLogProb(params, x, m);
    const total = tf.sum(tf.exp(lp)).dataSync()[0] as number;
    expect(total).toBeGreaterThan(1 - 2e-3);
    expect(total).toBeLessThan(1 + 2e-3);
    // One component: log[F((y + 1/255 − μ)/s) − F((y − 1/255 − μ)/s)] in float64, edges at ±∞.
    const F = (t: number) => 1 / (1 + Math.exp(-t));
    const mu = 0.1;
    const s = Math.exp(-1.5);
    const levels = [0, 37, 128, 254, 255];
    const one = tf.tidy(() =>
      tf.tile(tf.reshape(tf.tensor1d([0, mu, -1.5]), [1, 1, 1, 3]), [levels.length, 1, 1, 1]),
    );
    const xs = tf.reshape(tf.tensor1d(levels.map((l) => l / 255)), [levels.length, 1, 1, 1]);
    const got = logisticMixtureLogProb(one, xs, 1);
    const expected = levels.map((l) => {
      const y = (2 * l) / 255 - 1;
      const hi = l === 255 ? 1 : F((y + 1 / 255 - mu) / s);
      const lo = l === 0 ? 0 : F((y - 1 / 255 - mu) / s);
      return Math.log(hi - lo);
    });
    expectClose(got, expected, { atol: 2e-4 + tolerance.atol, rtol: 1e-4 + tolerance.rtol });
    expect(() => logisticMixtureLogProb(one, xs, 2)).toThrow(ShapeError);
    tf.dispose([params, x, lp, one, xs, got]);
  });
});

describeEachBackend('Nvae', ({ tolerance }) => {
  it('lays out its latent groups coarsest first, and its loss terms add up (KL balancing during warm-up)', async () => {
    const model = new Nvae(TINY);
    expect(model.groups.map((g) => [g.scale, g.side, g.size, g.offset])).toEqual([
      [0, 2, 8, 0],
      [1, 4, 32, 8],
      [1, 4, 32, 40],
    ]);
    expect(model.latentSize).toBe(72);
    const x = binaryImages(4, 1);
    const eps = random.normal([4, 72], seed(2));
    await expectNoLeaks(() => {
      const plain = model.lossWithNoise(x, eps, { klWeight: 1 });
      const t = Object.fromEntries(
        Object.entries(plain.terms).map(([k, v]) => [k, v.dataSync()[0] as number]),
      );
      const groupKl = [t['kl/0']!, t['kl/1']!, t['kl/2']!];
      expect(groupKl.every((k) => k >= 0)).toBe(true);
      expect(t['kl']).toBeCloseTo(groupKl[0]! + groupKl[1]! + groupKl[2]!, 3);
      expect(t['elbo']).toBeCloseTo(-(t['reconstruction']! + t['kl']!), 3);
      expect(plain.loss.dataSync()[0]).toBeCloseTo(t['reconstruction']! + t['kl']! + t['spectral']!, 3);
      const warm = model.lossWithNoise(x, eps, { klWeight: 0.25 });
      const gamma = klBalanceCoefficients(
        groupKl,
        model.groups.map((g) => g.size),
      );
      const gammas = Array.from(gamma.dataSync());
      const balanced = gammas.reduce((a, g, l) => a + g * groupKl[l]!, 0);
      expect(warm.loss.dataSync()[0]).toBeCloseTo(t['reconstruction']! + 0.25 * balanced + t['spectral']!, 2);
      tf.dispose([plain.loss, warm.loss, gamma, ...Object.values(plain.terms), ...Object.values(warm.terms)]);
    });
    const unbalanced = new Nvae({ ...TINY, klBalance: false });
    const u = unbalanced.lossWithNoise(x, eps, { klWeight: 0.25 });
    const ut = Object.fromEntries(Object.entries(u.terms).map(([k, v]) => [k, v.dataSync()[0] as number]));
    expect(u.loss.dataSync()[0]).toBeCloseTo(ut['reconstruction']! + 0.25 * ut['kl']! + ut['spectral']!, 2);
    tf.dispose([u.loss, ...Object.values(u.terms), x, eps]);
    model.dispose();
    unbalanced.dispose();
  });

  it('the spectral term is λ·(Σ σ̂ + Σ max|γ|), and training steps advance the power iterations and batch-norm statistics', () => {
    const model = new Nvae({ ...TINY, spectralRegularization: 0.5 });
    const none = new Nvae({ ...TINY, spectralRegularization: 0 });
    const x = binaryImages(4, 2);
    const eps = random.normal([4, 72], seed(3));
    const r0 = none.lossWithNoise(x, eps);
    expect(r0.terms['spectral']!.dataSync()[0]).toBe(0);
    const before = Object.fromEntries(
      Object.entries(model.state).map(([k, v]) => [k, Array.from(v.dataSync())]),
    );
    const evalRun = model.lossWithNoise(x, eps, { training: false });
    // At initialisation every γ is 1, so Σ max|γ| is the number of batch norms.
    const bnCount = Object.keys(model.variables).filter((k) => k.endsWith('/gamma')).length;
    const convs = Object.keys(model.state).filter((k) => k.endsWith('/sn_v')).length;
    const spectral = evalRun.terms['spectral']!.dataSync()[0] as number;
    expect(spectral / 0.5).toBeGreaterThan(bnCount + 0.1 * convs);
    for (const [k, v] of Object.entries(model.state)) expect(Array.from(v.dataSync())).toEqual(before[k]);
    const trainRun = model.lossWithNoise(x, eps, { training: true });
    const changed = Object.entries(model.state).filter(([k, v]) =>
      Array.from(v.dataSync()).some((a, i) => Math.abs(a - (before[k]![i] as number)) > 1e-7),
    );
    // Every power-iteration vector and the running variance of every batch norm moved (a mean may stay
    // put: a 1×1 conv of a zero-mean batch-norm output has zero batch mean).
    expect(changed.filter(([k]) => k.endsWith('/sn_v')).length).toBe(convs);
    expect(changed.filter(([k]) => k.endsWith('/variance')).length).toBe(bnCount);
    tf.dispose([
      r0.loss,
      evalRun.loss,
      trainRun.loss,
      ...Object.values(r0.terms),
      ...Object.values(evalRun.terms),
      ...Object.values(trainRun.terms),
      x,
      eps,
    ]);
    model.dispose();
    none.dispose();
    void tolerance;
  });

  it('log importance weights give NLL ≤ −ELBO, decoding and sampling give images in [0, 1], and sampling restores the batch-norm state', async () => {
    const model = new Nvae(TINY);
    const x = binaryImages(3, 4);
    await expectNoLeaks(() => {
      const noise = random.normal([5, 3, 72], seed(5));
      const lw = model.logImportanceWeights(x, noise);
      noise.dispose();
      expect(lw.shape).toEqual([5, 3]);
      expect(Array.from(lw.dataSync()).every(Number.isFinite)).toBe(true);
      const { nll, elbo } = importanceSampledBounds(model, x, { samples: 20, seed: 1, chunk: 7 });
      const a = Array.from(nll.dataSync());
      const b = Array.from(elbo.dataSync());
      a.forEach((v, i) => expect(v).toBeLessThanOrEqual(-(b[i] as number) + 1e-3));
      const stateBefore = Object.values(model.state).map((v) => Array.from(v.dataSync()));
      const s1 = model.sample(6, 7, 0.8);
      const s2 = model.sample(6, 7, 0.8);
      expect(s1.shape).toEqual([6, 12, 12, 1]);
      expectClose(s1, s2, { atol: 0, rtol: 0 });
      const v = Array.from(s1.dataSync());
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v)).toBeLessThanOrEqual(1);
      Object.values(model.state).forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(stateBefore[i]));
      // The hierarchy: with every group shared the images are equal; with none they differ.
      const all = model.sample(3, 8, 1, { shared: { groups: 3, seed: 4 }, readjustBatches: 0 });
      const none = model.sample(3, 8, 1, { shared: { groups: 0, seed: 4 }, readjustBatches: 0 });
      const [a0, a1] = tf.split(all, [1, 2]);
      const [n0, n1] = tf.split(none, [1, 2]);
      const spread = (first: tf.Tensor, rest: tf.Tensor) =>
        tf.tidy(() => tf.max(tf.abs(tf.sub(rest, first))).dataSync()[0] as number);
      expect(spread(a0 as tf.Tensor, a1 as tf.Tensor)).toBeLessThan(1e-6);
      expect(spread(n0 as tf.Tensor, n1 as tf.Tensor)).toBeGreaterThan(1e-3);
      tf.dispose([all, none, a0 as tf.Tensor, a1 as tf.Tensor, n0 as tf.Tensor, n1 as tf.Tensor]);
      const z = model.encodeMeans(x);
      expect(z.shape).toEqual([3, 72]);
      const decoded = model.decodeLatents(z);
      const reconstructed = model.reconstruct(x);
      expectClose(decoded, reconstructed, tolerance);
      const [x0, x1, rest] = tf.split(x, [1, 1, 1]);
      const row = model.interpolate(x0 as tf.Tensor, x1 as tf.Tensor, 4);
      expect(row.shape).toEqual([4, 12, 12, 1]);
      const [z01, z2] = tf.split(z, [2, 1]);
      const ends = model.decodeLatents(z01 as tf.Tensor);
      const rowEnds = tf.gather(row, [0, 3]);
      expectClose(rowEnds, ends, tolerance);
      tf.dispose([
        reconstructed,
        x0 as tf.Tensor,
        x1 as tf.Tensor,
        rest as tf.Tensor,
        z01 as tf.Tensor,
        z2 as tf.Tensor,
        rowEnds,
      ]);
      tf.dispose([lw, nll, elbo, s1, s2, z, decoded, row, ends]);
    });
    expect(() => model.logImportanceWeights(x, tf.zeros([2, 3, 71]))).toThrow(/expected \[k, 3, 72\]/);
    expect(() => model.decodeLatents(tf.zeros([2, 5]))).toThrow(ShapeError);
    expect(() => model.sample(2, 0, -1)).toThrow(/temperature/);
    expect(() => model.sample(2, 0, 1, { shared: { groups: 4, seed: 0 } })).toThrow(
      /expected an integer in \[0, 3\]/,
    );
    x.dispose();
    model.dispose();
  });

  it('diagnostics report each group: KL ≥ 0 and active units ≤ its size', async () => {
    const model = new Nvae(TINY);
    const x = binaryImages(16, 6);
    const d = await expectNoLeaks(() => model.diagnostics(x, 0));
    expect(d.map((g) => g.index)).toEqual([0, 1, 2]);
    for (const g of d) {
      expect(g.kl).toBeGreaterThanOrEqual(0);
      expect(g.activeUnits).toBeGreaterThanOrEqual(0);
      expect(g.activeUnits).toBeLessThanOrEqual(g.size);
    }
    // With the posterior convs zeroed, q equals the prior in every group: no KL, no active unit.
    for (const [name, v] of Object.entries(model.variables)) {
      if (name.includes('/posterior/')) v.assign(tf.zerosLike(v));
    }
    const silent = await model.diagnostics(x, 0);
    for (const g of silent) {
      expect(g.kl).toBeLessThan(1e-5);
      expect(g.activeUnits).toBe(0);
    }
    x.dispose();
    model.dispose();
  });

  it('trains with fit (warm-up, checkpoint) without leaking, the objective improves, and the checkpoint rebuilds the same model', async () => {
    const data = binaryImages(32, 8);
    const batches = () => [tf.slice(data, [0], [16]), tf.slice(data, [16], [16])];
    const model = new Nvae(TINY);
    const handler = memoryHandler();
    const eps = random.normal([32, 72], seed(9));
    const start = model.lossWithNoise(data, eps);
    const startLoss = start.loss.dataSync()[0] as number;
    tf.dispose([start.loss, ...Object.values(start.terms)]);
    await expectNoLeaks(async () => {
      const result = await fit({
        model,
        data: () => batches(),
        epochs: 4,
        seed: 1,
        learningRate: 3e-3,
        klWarmup: 4,
        checkpoint: { handler },
      });
      expect(result.epoch).toBe(4);
    });
    const end = model.lossWithNoise(data, eps);
    expect(end.loss.dataSync()[0]).toBeLessThan(startLoss);
    tf.dispose([end.loss, ...Object.values(end.terms)]);
    const { loadCheckpoint } = await import('../checkpoint/load-checkpoint.js');
    const ckpt = await loadCheckpoint(handler);
    const again = createModel(ckpt.config as unknown as NvaeConfigInput);
    for (const [name, v] of [...Object.entries(again.variables), ...Object.entries(again.state)]) {
      v.assign((ckpt.variables[name] ?? ckpt.state[name]) as tf.Tensor);
    }
    const lwA = model.logImportanceWeights(data, random.normal([2, 32, 72], seed(10)));
    const lwB = again.logImportanceWeights(data, random.normal([2, 32, 72], seed(10)));
    expectClose(lwB, lwA, { atol: 1e-4, rtol: 1e-5 });
    tf.dispose([lwA, lwB, data, eps, ...Object.values(ckpt.variables), ...Object.values(ckpt.state)]);
    model.dispose();
    again.dispose();
  });

  it('a non-finite weight stops training with the diagnosis of the trainer, naming the term and the step', async () => {
    const model = new Nvae(TINY);
    const data = binaryImages(16, 13);
    const out = model.variables['decoder/out/filter'] as tf.Variable;
    out.assign(tf.fill(out.shape, Number.NaN));
    const error = await fit({ model, data: [data], epochs: 1, seed: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteTrainingError);
    expect((error as NonFiniteTrainingError).message).toMatch(/reconstruction/);
    expect((error as NonFiniteTrainingError).message).toMatch(/step 1/);
    data.dispose();
    model.dispose();
  });

  it('the logistic-mixture output trains on 8-bit images', () => {
    const model = new Nvae({ ...TINY, likelihood: 'logistic-mixture', mixtures: 2 });
    const x = tf.tidy(() => tf.div(tf.floor(tf.mul(random.uniform([2, 12, 12, 1], seed(11)), 256)), 255));
    const r = model.lossWithNoise(x, random.normal([2, 72], seed(12)), { training: true });
    const recon = r.terms['reconstruction']!.dataSync()[0] as number;
    // Uniform noise costs about log 256 = 5.55 nats per pixel; an untrained mixture costs more, but finitely.
    expect(Number.isFinite(recon)).toBe(true);
    expect(recon).toBeGreaterThan(144 * 3);
    tf.dispose([r.loss, ...Object.values(r.terms), x]);
    model.dispose();
  });
});

describe('NVAE config', () => {
  it('fills the preset in and lets every field be overridden', () => {
    const c = readNvaeConfig({ kind: 'nvae' });
    expect(c.preset).toBe('mnist-small');
    expect(c.groupsPerScale).toEqual([2, 2]);
    expect(c.inputShape).toEqual([28, 28, 1]);
    const m = readNvaeConfig({ kind: 'nvae', preset: 'mnist', channels: 16, klBalance: false });
    expect([m.groupsPerScale, m.latentChannels, m.channels, m.klBalance]).toEqual([[5, 5], 20, 16, false]);
  });

  it('names the bad field and what it expected', () => {
    expect(() => readNvaeConfig({ kind: 'nvae', preset: 'cifar' })).toThrow(
      /config.preset is "cifar", expected one of 'mnist-small', 'mnist'/,
    );
    expect(() => readNvaeConfig({ kind: 'nvae', chanels: 3 })).toThrow(/unknown field 'chanels'/);
    expect(() => readNvaeConfig({ kind: 'nvae', scales: 3 })).toThrow(
      /groupsPerScale is \[2, 2\], expected 3 positive integers/,
    );
    expect(() => readNvaeConfig({ kind: 'nvae', likelihood: 'gaussian' })).toThrow(
      /likelihood is "gaussian"/,
    );
    expect(() => readNvaeConfig({ kind: 'nvae', spectralRegularization: -1 })).toThrow(ArgumentError);
    expect(() => createModel({ kind: 'nvea' } as never)).toThrow(/expected one of 'vae', 'ae', 'nvae'/);
  });
});
