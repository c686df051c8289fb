import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, random, seed, ShapeError } from '@elbo/core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@elbo/testing';
import { describe, expect, it } from 'vitest';
import { autoencoder } from './autoencoder.js';
import type { Likelihood } from './config.js';
import { createModel } from './create-model.js';
import fixture from './fixtures/vae.json' with { type: 'json' };
import { disposeDistribution } from './shared.js';
import { vae, VariationalAutoencoder } from './vae.js';

type Grads = Record<string, number[] | number[][]>;

function fixtureModel(likelihood: Likelihood, iw = 1): VariationalAutoencoder {
  const model = vae({
    ...(fixture.config as {
      kind: 'vae';
      arch: 'mlp';
      hidden: number[];
      latent: number;
      inputShape: [number, number, number];
      seed: number;
    }),
    likelihood,
    iw,
  });
  for (const [name, value] of Object.entries(fixture.weights)) {
    tf.tidy(() => model.variables[name]!.assign(tf.tensor(value as number[])));
  }
  if (likelihood === 'gaussian')
    tf.tidy(() => model.variables['decoder/logScale']!.assign(tf.tensor(fixture.logScale)));
  return model;
}

function gradientsOf(model: VariationalAutoencoder, f: () => tf.Scalar): Record<string, tf.Tensor> {
  const { value, grads } = tf.variableGrads(f, Object.values(model.variables));
  value.dispose();
  const byName: Record<string, tf.Tensor> = {};
  for (const [name, v] of Object.entries(model.variables)) byName[name] = grads[v.name] as tf.Tensor;
  return byName;
}

describeEachBackend('VariationalAutoencoder', ({ backend }) => {
  const tol = backend === 'webgl' ? { atol: 2e-3, rtol: 2e-3 } : { atol: 2e-5, rtol: 2e-5 };
  const gradTol = backend === 'webgl' ? { atol: 3e-3, rtol: 5e-3 } : { atol: 5e-5, rtol: 1e-4 };

  it("loss, terms and gradients equal torch's for fixed weights and a fixed ε (Bernoulli ELBO)", async () => {
    const model = fixtureModel('bernoulli');
    const x = tf.tensor(fixture.xBinary);
    const eps1 = tf.slice(tf.tensor(fixture.eps), [0, 0, 0], [1, -1, -1]);
    await expectNoLeaks(() => {
      const r = model.lossWithNoise(x, eps1);
      const ref = fixture.bernoulli.elbo;
      expectClose(r.loss, ref.loss, tol);
      expectClose(r.terms['reconstruction']!, ref.reconstruction, tol);
      expectClose(r.terms['kl']!, ref.kl, tol);
      expectClose(r.terms['elbo']!, -ref.loss, tol);
      const weighted = model.lossWithNoise(x, eps1, { klWeight: 0.3 });
      expectClose(weighted.loss, fixture.bernoulli.elboKlWeight03.loss, tol);
      tf.dispose([r, weighted] as unknown as tf.TensorContainer);
      const grads = gradientsOf(model, () => model.lossWithNoise(x, eps1).loss);
      for (const [name, g] of Object.entries(ref.grads as Grads)) expectClose(grads[name]!, g, gradTol);
      tf.dispose(Object.values(grads));
    });
    tf.dispose([x, eps1]);
    model.dispose();
  });

  it("the IWAE bound and its gradients equal torch's (k = 4), and with k = 1 it is the ELBO of that draw", async () => {
    const model = fixtureModel('bernoulli', 4);
    const x = tf.tensor(fixture.xBinary);
    const eps = tf.tensor(fixture.eps);
    const eps1 = tf.slice(eps, [0, 0, 0], [1, -1, -1]);
    await expectNoLeaks(() => {
      const r = model.lossWithNoise(x, eps);
      expectClose(r.loss, fixture.bernoulli.iwae4.loss, tol);
      expectClose(r.terms['elbo']!, fixture.bernoulli.iwae4.mcElbo, tol);
      expectClose(r.terms['iwae']!, -fixture.bernoulli.iwae4.loss, tol);
      const grads = gradientsOf(model, () => model.lossWithNoise(x, eps).loss);
      for (const [name, g] of Object.entries(fixture.bernoulli.iwae4.grads as Grads))
        expectClose(grads[name]!, g, gradTol);
      const one = model.lossWithNoise(x, eps1, { bound: 'iwae' });
      expectClose(one.loss, fixture.bernoulli.iwae1.loss, tol);
      expectClose(one.loss, -(one.terms['elbo']!.dataSync()[0] as number), tol);
      expectClose(one.loss, -fixture.bernoulli.iwae1.mcElbo, tol);
      tf.dispose([r, one] as unknown as tf.TensorContainer);
      tf.dispose(Object.values(grads));
    });
    tf.dispose([x, eps, eps1]);
    model.dispose();
  });

  for (const [likelihood, ref] of [
    ['continuous-bernoulli', fixture.continuousBernoulli.elbo],
    ['gaussian', fixture.gaussian.elbo],
  ] as const) {
    it(`the ${likelihood} ELBO and its gradients equal torch's`, async () => {
      const model = fixtureModel(likelihood);
      const x = tf.tensor(fixture.xContinuous);
      const eps1 = tf.slice(tf.tensor(fixture.eps), [0, 0, 0], [1, -1, -1]);
      await expectNoLeaks(() => {
        const r = model.lossWithNoise(x, eps1);
        expectClose(r.loss, ref.loss, tol);
        expectClose(r.terms['reconstruction']!, ref.reconstruction, tol);
        tf.dispose(r as unknown as tf.TensorContainer);
        const grads = gradientsOf(model, () => model.lossWithNoise(x, eps1).loss);
        for (const [name, g] of Object.entries(ref.grads as Grads)) {
          expectClose(
            grads[name]!,
            g,
            likelihood === 'continuous-bernoulli' ? { atol: 5e-4, rtol: 1e-3 } : gradTol,
          );
        }
        tf.dispose(Object.values(grads));
      });
      tf.dispose([x, eps1]);
      model.dispose();
    });
  }

  it('the IWAE bound is ≥ the ELBO: per draw set (Jensen) and on average over seeds', async () => {
    const config = {
      kind: 'vae',
      arch: 'mlp',
      hidden: [8],
      latent: 3,
      likelihood: 'bernoulli',
      inputShape: [4, 4, 1],
      seed: 5,
    } as const;
    const elboModel = createModel(config) as VariationalAutoencoder;
    const iwModel = createModel({ ...config, iw: 8 }) as VariationalAutoencoder;
    const x = tf.tidy(() => tf.cast(tf.greater(random.uniform([16, 4, 4, 1], seed(9)), 0.5), 'float32'));
    await expectNoLeaks(() => {
      let iwae = 0;
      let elbo = 0;
      for (let s = 0; s < 20; s++) {
        const a = iwModel.loss(x, { seed: seed(s) });
        const b = elboModel.loss(x, { seed: seed(1000 + s) });
        const bound = -(a.loss.dataSync()[0] as number);
        expect(bound).toBeGreaterThanOrEqual((a.terms['elbo']!.dataSync()[0] as number) - 1e-5);
        iwae += bound / 20;
        elbo += -(b.loss.dataSync()[0] as number) / 20;
        tf.dispose([a, b] as unknown as tf.TensorContainer);
      }
      // At initialisation q is far from the posterior, so the gap is several nats; the MC error of the
      // averages is far smaller.
      expect(iwae).toBeGreaterThan(elbo + 0.05);
    });
    tf.dispose(x);
    elboModel.dispose();
    iwModel.dispose();
  });

  for (const arch of ['mlp', 'conv'] as const) {
    it(`${arch}: encode, decode, sample, reconstruct, interpolate and traverse have the right shapes, leaking nothing`, async () => {
      const model = vae({
        kind: 'vae',
        arch,
        hidden: arch === 'mlp' ? [16, 8] : [4, 8],
        latent: 3,
        likelihood: 'bernoulli',
        inputShape: [8, 8, 1],
        seed: 1,
      });
      const x = tf.tidy(() => random.uniform([5, 8, 8, 1], seed(2)));
      await expectNoLeaks(() => {
        const q = model.encode(x);
        expect(q.batchShape).toEqual([5]);
        expect(q.eventShape).toEqual([3]);
        const z = tf.tidy(() => tf.squeeze(q.sample(1, seed(3)), [0]));
        const p = model.decode(z);
        expect(p.eventShape).toEqual([8, 8, 1]);
        const lp = tf.tidy(() => p.logProb(tf.round(x)));
        expect(lp.shape).toEqual([5]);
        const samples = model.sample(7, seed(4), 0.5);
        expect(samples.shape).toEqual([7, 8, 8, 1]);
        const values = Array.from(samples.dataSync());
        expect(values.every((v) => v > 0 && v < 1)).toBe(true);
        const again = model.sample(7, seed(4), 0.5);
        expect(Array.from(again.dataSync())).toEqual(values);
        const r0 = model.reconstruct(x);
        const r1 = model.reconstruct(x);
        const r2 = model.reconstruct(x, seed(5));
        expect(r0.shape).toEqual([5, 8, 8, 1]);
        expect(Array.from(r1.dataSync())).toEqual(Array.from(r0.dataSync()));
        expect(Array.from(r2.dataSync())).not.toEqual(Array.from(r0.dataSync()));
        const xa = tf.slice(x, [0], [1]);
        const xb = tf.slice(x, [1], [1]);
        const line = model.interpolate(xa, xb, 4);
        expect(line.shape).toEqual([4, 8, 8, 1]);
        // The ends of the line are the reconstructions of the two images.
        const ends = tf.tidy(() => tf.concat([tf.slice(line, [0], [1]), tf.slice(line, [3], [1])]));
        const recs = tf.tidy(() => tf.slice(r0, [0], [2]));
        expectClose(ends, recs, { atol: 1e-5, rtol: 1e-4 });
        const xa3 = tf.squeeze(xa, [0]);
        const trav = model.traverse(xa3, 2, [-2, 0, 2]);
        expect(trav.shape).toEqual([3, 8, 8, 1]);
        disposeDistribution(q);
        disposeDistribution(p);
        tf.dispose([z, lp, samples, again, r0, r1, r2, xa, xb, line, ends, recs, trav, xa3]);
      });
      tf.dispose(x);
      model.dispose();
    });

    it(`${arch}: a few Adam steps of loss lower it, leaking no tensor`, async () => {
      const model = createModel({
        kind: 'vae',
        arch,
        hidden: arch === 'mlp' ? [32] : [4, 8],
        latent: 2,
        likelihood: 'bernoulli',
        inputShape: [8, 8, 1],
        seed: 3,
      });
      const x = tf.tidy(() => tf.cast(tf.greater(random.uniform([16, 8, 8, 1], seed(7)), 0.7), 'float32'));
      const opt = tf.train.adam(1e-2);
      const vars = Object.values(model.variables);
      const step = (s: number) =>
        tf.tidy(() => {
          const cost = opt.minimize(() => model.loss(x, { seed: seed(0), klWeight: 1 }).loss, true, vars);
          return cost === null ? Number.NaN : (cost.dataSync()[0] as number) + 0 * s;
        });
      const first = step(0);
      let last = first;
      await expectNoLeaks(() => {
        for (let i = 1; i < 25; i++) last = step(i);
      });
      expect(last).toBeLessThan(first - 1);
      tf.dispose(x);
      opt.dispose();
      model.dispose();
    });
  }

  it('the 784-512-256-32 MNIST model runs one forward and backward pass with finite gradients', async () => {
    const model = createModel({
      kind: 'vae',
      arch: 'mlp',
      hidden: [512, 256],
      latent: 32,
      likelihood: 'bernoulli',
      inputShape: [28, 28, 1],
      seed: 0,
    });
    expect(model.variables['encoder/dense0/kernel']!.shape).toEqual([784, 512]);
    expect(model.variables['encoder/out/kernel']!.shape).toEqual([256, 64]);
    expect(model.variables['decoder/out/kernel']!.shape).toEqual([512, 784]);
    const x = tf.tidy(() => tf.cast(tf.greater(random.uniform([8, 28, 28, 1], seed(1)), 0.8), 'float32'));
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(
        () => model.loss(x, { seed: seed(1) }).loss,
        Object.values(model.variables),
      );
      // At initialisation the reconstruction is ≈ 784·log 2 ≈ 543 nats, plus a small KL.
      expect(value.dataSync()[0]).toBeGreaterThan(400);
      expect(value.dataSync()[0]).toBeLessThan(800);
      for (const g of Object.values(grads))
        expect(tf.tidy(() => tf.all(tf.isFinite(g)).dataSync()[0])).toBe(1);
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose(x);
    model.dispose();
  });

  it("the auto-encoder's loss is the Gaussian reconstruction NLL, and encode gives codes", async () => {
    const model = autoencoder({
      kind: 'ae',
      arch: 'mlp',
      hidden: [16],
      latent: 2,
      likelihood: 'gaussian',
      gaussianScale: 0.5,
      inputShape: [4, 4, 1],
      seed: 0,
    });
    const x = tf.tidy(() => random.uniform([6, 16], seed(2)));
    await expectNoLeaks(() => {
      const r = model.loss(x);
      // Reference: ½Σ((x − μ)/σ)² + D log σ + (D/2) log 2π per image, with μ the reconstruction.
      const ref = tf.tidy(() => {
        const mu = tf.reshape(model.reconstruct(x), [6, 16]);
        return tf.mean(
          tf.sum(
            tf.add(
              tf.mul(0.5, tf.square(tf.div(tf.sub(x, mu), 0.5))),
              Math.log(0.5) + 0.5 * Math.log(2 * Math.PI),
            ),
            -1,
          ),
        );
      });
      expectClose(r.loss, ref, tol);
      const z = model.encode(x);
      expect(z.shape).toEqual([6, 2]);
      tf.dispose([r.loss, r.terms['reconstruction']!, ref, z]);
    });
    tf.dispose(x);
    model.dispose();
  });
});

describe('createModel config checks', () => {
  const good = {
    kind: 'vae',
    arch: 'mlp',
    latent: 2,
    likelihood: 'bernoulli',
    inputShape: [28, 28, 1],
    seed: 0,
  } as const;
  it('names the field, what came and the allowed values', () => {
    expect(() => createModel({ ...good, likelihood: 'poisson' as 'bernoulli' })).toThrow(ArgumentError);
    expect(() => createModel({ ...good, likelihood: 'poisson' as 'bernoulli' })).toThrow(
      `createModel: config.likelihood is "poisson", expected one of 'bernoulli', 'continuous-bernoulli', 'gaussian'`,
    );
    expect(() => createModel({ ...good, kind: 'gan' as 'vae' })).toThrow(
      "config.kind is \"gan\", expected one of 'vae', 'ae'",
    );
    expect(() => createModel({ ...good, arch: 'resnet' as 'mlp' })).toThrow(
      "config.arch is \"resnet\", expected one of 'mlp', 'conv'",
    );
    expect(() => createModel({ ...good, latent: 0 })).toThrow(
      'config.latent is 0, expected a positive integer',
    );
    expect(() => createModel({ ...good, iw: 1.5 })).toThrow('config.iw is 1.5, expected a positive integer');
    expect(() => createModel({ ...good, inputShape: [28, 28] })).toThrow(
      'config.inputShape is [28, 28], expected [height, width, channels]',
    );
    expect(() => createModel({ ...good, arch: 'conv', hidden: [8, 8, 8] })).toThrow('divisible by 2^3 = 8');
    expect(() => createModel({ ...good, extra: 1 } as unknown as typeof good)).toThrow(
      "config has the unknown field 'extra'",
    );
    expect(() => createModel({ ...good, kind: 'ae', iw: 4 })).toThrow(
      "config.iw is 4 for kind 'ae', expected 1",
    );
  });

  it('fills in the defaults, and model.config rebuilds the same weights', () => {
    const a = createModel({ ...good, hidden: [4] });
    expect(a.config).toEqual({ ...good, hidden: [4], beta: 1, iw: 1 });
    const b = createModel(JSON.parse(JSON.stringify(a.config)));
    for (const [name, v] of Object.entries(a.variables)) {
      expect(Array.from(v.dataSync())).toEqual(Array.from(b.variables[name]!.dataSync()));
    }
    expect(Object.keys(createModel({ ...good, arch: 'conv' }).variables)).toEqual([
      'encoder/conv0/filter',
      'encoder/conv0/bias',
      'encoder/conv1/filter',
      'encoder/conv1/bias',
      'encoder/out/kernel',
      'encoder/out/bias',
      'decoder/dense0/kernel',
      'decoder/dense0/bias',
      'decoder/deconv0/filter',
      'decoder/deconv0/bias',
      'decoder/deconv1/filter',
      'decoder/deconv1/bias',
    ]);
    a.dispose();
    b.dispose();
  });

  it('checks shapes of the batch and of the noise', () => {
    const m = createModel({ ...good, hidden: [4], inputShape: [2, 2, 1] }) as VariationalAutoencoder;
    expect(() => m.lossWithNoise(tf.zeros([3, 5]), tf.zeros([1, 3, 2]))).toThrow(ShapeError);
    expect(() => m.lossWithNoise(tf.zeros([3, 5]), tf.zeros([1, 3, 2]))).toThrow(
      "VariationalAutoencoder.lossWithNoise: argument 'batch' has shape [3,5], expected [batch, 2, 2, 1] or [batch, 4]",
    );
    expect(() => m.lossWithNoise(tf.zeros([3, 4]), tf.zeros([1, 3, 3]))).toThrow(
      "argument 'eps' has shape [1,3,3], expected [k, 3, 2]",
    );
    expect(() => m.traverse(tf.zeros([2, 2, 1]), 5, [0])).toThrow(
      "argument 'dim' is 5, expected an integer in [0, 1]",
    );
    m.dispose();
  });
});
