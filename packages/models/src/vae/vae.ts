import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  formatShape,
  logSumExp,
  random,
  ShapeError,
  softplus,
  toSeed,
  type Seed,
  type TensorInput,
} from '@elbo/core';
import { Independent, Normal, type Distribution } from '@elbo/distributions';
import type { LossOptions, LossResult, TrainableModel } from '../trainer/trainable.js';
import { readModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import { logLikelihood, observationMean, observationModel, observationParameters } from './likelihood.js';
import { buildNetworks, runDecoder, runEncoder, type Networks } from './networks.js';
import { checkTraversal, interpolateCodes, traverseCode } from './latent-paths.js';
import { checkCount, flatImages } from './shared.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** The floor added to the encoder's σ = softplus(raw) + floor, so that log σ stays finite. */
export const ENCODER_SCALE_FLOOR = 1e-4;

/** Options of {@link VariationalAutoencoder.lossWithNoise}. */
export interface NoiseLossOptions {
  /** The weight of the KL term relative to β (KL warm-up), default 1. */
  readonly klWeight?: number;
  /** Unused by these architectures (no batch norm), accepted for the trainer's interface. */
  readonly training?: boolean;
  /** `'elbo'` (analytic KL) or `'iwae'` (importance-weighted over the k rows of ε); default from config.iw. */
  readonly bound?: 'elbo' | 'iwae';
}

/**
 * A variational auto-encoder (Kingma & Welling 2014): prior p(z) = N(0, I), encoder
 * q(z | x) = N(μ(x), diag σ(x)²) with σ = softplus(raw) + 1e-4, decoder p(x | z) from the config's
 * likelihood. Trained by `loss`, the negative per-image bound averaged over the batch:
 *
 * - ELBO (config.iw = 1): −E_q[log p(x|z)] + w·KL(q(z|x) ‖ p(z)), KL in closed form
 *   ½Σ(μ² + σ² − 1 − 2 log σ), w = klWeight·β, one reparameterised draw z = μ + σ·ε per image;
 * - IWAE (config.iw = k > 1, Burda et al. 2016): −log (1/k) Σⱼ exp(log p(x|zⱼ) + w·(log p(zⱼ) −
 *   log q(zⱼ|x))), the importance-weighted bound for w = 1 (with w ≠ 1 a tempered variant).
 *
 * Terms: `reconstruction` = −E log p(x|z), `kl`, `elbo` = −(reconstruction + kl) (unweighted), and for
 * IWAE `iwae` (the bound). Build with {@link vae} or `createModel`.
 */
export class VariationalAutoencoder implements TrainableModel {
  readonly config: ModelConfig;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  readonly state: Readonly<Record<string, tf.Variable>> = {};
  /** The size of z. */
  readonly latentSize: number;
  private readonly nets: Networks;

  constructor(config: ModelConfigInput | ModelConfig) {
    const c = readModelConfig(config, 'vae');
    if (c.kind !== 'vae') {
      throw new ArgumentError(
        `vae: config.kind is "${c.kind}", expected 'vae' (use autoencoder or createModel for 'ae')`,
      );
    }
    this.config = c;
    this.latentSize = c.latent;
    this.nets = buildNetworks(c, 2 * c.latent);
    this.variables = this.nets.variables;
  }

  /** (μ, σ) of q(z|x) for flat images; call inside tf.tidy. */
  private posterior(x: tf.Tensor2D, dataInput: boolean): { loc: tf.Tensor2D; scale: tf.Tensor2D } {
    const out = runEncoder(this.config, this.nets, x, dataInput);
    const l = this.config.latent;
    const loc = tf.slice(out, [0, 0], [-1, l]);
    const scale = tf.add(softplus(tf.slice(out, [0, l], [-1, l])), ENCODER_SCALE_FLOOR) as tf.Tensor2D;
    return { loc, scale };
  }

  private checkNoise(eps: tf.Tensor, b: number, fn: string): void {
    if (eps.rank !== 3 || eps.shape[1] !== b || eps.shape[2] !== this.config.latent) {
      throw new ShapeError(
        `${fn}: argument 'eps' has shape ${formatShape(eps.shape)}, expected [k, ${b}, ${this.config.latent}] (k draws of standard normal noise per image)`,
      );
    }
  }

  /**
   * The loss of one batch with the standard-normal noise given: eps [k, B, latent], z = μ + σ·ε. `loss`
   * draws eps from its seed and calls this; tests and custom estimators call it directly.
   *
   * @returns `{ loss, terms }`, scalars the caller owns.
   * @throws ShapeError for a batch or noise of the wrong shape.
   * @example const { loss } = model.lossWithNoise(x, random.normal([1, 128, 32], seed(0)));
   */
  lossWithNoise(batch: TensorInput, eps: TensorInput, options: NoiseLossOptions = {}): LossResult {
    const fn = 'VariationalAutoencoder.lossWithNoise';
    const w = (options.klWeight ?? 1) * this.config.beta;
    const bound = options.bound ?? (this.config.iw > 1 ? 'iwae' : 'elbo');
    const result = tf.tidy(() => {
      const x = flatImages(this.config, batch, 'batch', fn);
      const e = tf.tidy(() => (eps instanceof tf.Tensor ? eps : tf.tensor(eps as tf.TensorLike)));
      this.checkNoise(e, x.shape[0], fn);
      const parts = this.drawParts(x, e, true);
      const recon = tf.neg(tf.mean(parts.ll));
      if (bound === 'elbo') {
        const { loc, scale } = parts;
        const kl = tf.mean(
          tf.sum(tf.sub(tf.mul(0.5, tf.sub(tf.add(tf.square(loc), tf.square(scale)), 1)), tf.log(scale)), -1),
        );
        const loss = tf.add(recon, tf.mul(kl, w));
        return { loss, reconstruction: recon, kl, elbo: tf.neg(tf.add(recon, kl)) };
      }
      const logRatio = tf.sub(parts.logPrior, parts.logQ); // [k, B]
      const k = e.shape[0];
      const iwae = tf.mean(tf.sub(logSumExp(tf.add(parts.ll, tf.mul(logRatio, w)), 0), Math.log(k)));
      const kl = tf.neg(tf.mean(logRatio));
      return {
        loss: tf.neg(iwae),
        reconstruction: recon,
        kl,
        elbo: tf.neg(tf.add(recon, kl)),
        iwae: w === 1 ? iwae : tf.mean(tf.sub(logSumExp(tf.add(parts.ll, logRatio), 0), Math.log(k))),
      };
    });
    const { loss, ...terms } = result;
    return { loss: loss as tf.Scalar, terms: terms as Record<string, tf.Scalar> };
  }

  /** μ, σ, and for eps [k, B, L]: log p(x|z), log p(z), log q(z|x), each [k, B]. Call inside tf.tidy. */
  private drawParts(x: tf.Tensor2D, eps: tf.Tensor, dataInput: boolean) {
    const [k, b, l] = eps.shape as [number, number, number];
    const { loc, scale } = this.posterior(x, dataInput);
    const z = tf.add(loc, tf.mul(scale, eps)); // [k, B, L]
    const out = runDecoder(this.config, this.nets, tf.reshape(z, [k * b, l]));
    const ll = logLikelihood(this.config, tf.reshape(out, [k, b, -1]), x, this.nets.logScale);
    const logPrior = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), -1)), l * HALF_LOG_TWO_PI);
    const logQ = tf.sub(
      tf.sub(tf.mul(-0.5, tf.sum(tf.square(eps), -1)), tf.sum(tf.log(scale), -1)),
      l * HALF_LOG_TWO_PI,
    );
    return { loc, scale, ll, logPrior, logQ };
  }

  /**
   * The loss on one batch of images in [0, 1] ([B, H, W, C] or [B, D]): the negative bound per image,
   * averaged over the batch (see the class), with ε ~ N(0, I) of shape [config.iw, B, latent] drawn
   * from `options.seed`.
   *
   * @returns `{ loss, terms }`, scalars the caller owns.
   * @example const { loss, terms } = model.loss(x, { seed: foldIn(seed(0), step), klWeight: 0.5 });
   */
  loss(batch: tf.Tensor, options: LossOptions): LossResult {
    const fn = 'VariationalAutoencoder.loss';
    const s = toSeed(options.seed, 'options.seed', fn);
    const b = batch.shape[0] ?? 0;
    const eps = random.normal([this.config.iw, b, this.config.latent], s);
    try {
      const o: NoiseLossOptions = options.klWeight === undefined ? {} : { klWeight: options.klWeight };
      return this.lossWithNoise(batch, eps, o);
    } finally {
      eps.dispose();
    }
  }

  /**
   * The log importance weights log w = log p(x|z) + log p(z) − log q(z|x) of draws z = μ + σ·ε for
   * eps [k, B, latent]: [k, B], a tensor the caller owns. The building block of the evaluation.
   *
   * @example const lw = model.logImportanceWeights(x, random.normal([64, 16, 32], seed(1)));
   */
  logImportanceWeights(x: TensorInput, eps: tf.Tensor): tf.Tensor2D {
    const fn = 'VariationalAutoencoder.logImportanceWeights';
    return tf.tidy(() => {
      const xf = flatImages(this.config, x, 'x', fn);
      this.checkNoise(eps, xf.shape[0], fn);
      const p = this.drawParts(xf, eps, false);
      return tf.sub(tf.add(p.ll, p.logPrior), p.logQ) as tf.Tensor2D;
    });
  }

  /**
   * q(z | x) = Independent(Normal(μ(x), σ(x)), 1): batch shape [B], event shape [latent]. Free it with
   * `disposeDistribution` (its parameter tensors are the caller's).
   *
   * @example const q = model.encode(x); const z = q.sample(1, seed(0)); disposeDistribution(q);
   */
  encode(x: TensorInput): Distribution {
    const { loc, scale } = tf.tidy(() =>
      this.posterior(flatImages(this.config, x, 'x', 'VariationalAutoencoder.encode'), false),
    );
    return new Independent(new Normal(loc, scale), 1);
  }

  /**
   * p(x | z) for latents z [N, latent]: batch shape [N], event shape inputShape (Bernoulli or continuous
   * Bernoulli logits, or Normal). Free it with `disposeDistribution`.
   *
   * @example const p = model.decode(z); p.mean().print(); disposeDistribution(p);
   */
  decode(z: TensorInput): Distribution {
    const params = tf.tidy(() =>
      observationParameters(
        this.config,
        this.decoderOutput(z, 'VariationalAutoencoder.decode'),
        this.nets.logScale,
      ),
    );
    return observationModel(this.config, params);
  }

  private decoderOutput(z: TensorInput, fn: string): tf.Tensor2D {
    const zt = z instanceof tf.Tensor ? z : tf.tensor(z as tf.TensorLike);
    if (zt.rank !== 2 || zt.shape[1] !== this.config.latent) {
      throw new ShapeError(
        `${fn}: argument 'z' has shape ${formatShape(zt.shape)}, expected [n, ${this.config.latent}]`,
      );
    }
    return runDecoder(this.config, this.nets, zt as tf.Tensor2D);
  }

  /**
   * n images from the model: z ~ N(0, T²·I) (temperature T, default 1), returned as the decoder's mean
   * E[x | z] (σ(ℓ) for Bernoulli), [n, H, W, C], owned by the caller.
   *
   * @example const grid = model.sample(64, seed(1), 0.8);
   */
  sample(n: number, s: Seed | number, temperature = 1): tf.Tensor {
    const fn = 'VariationalAutoencoder.sample';
    checkCount(n, 'n', fn);
    const key = toSeed(s, 'seed', fn);
    if (!(temperature >= 0) || !Number.isFinite(temperature)) {
      throw new ArgumentError(
        `${fn}: argument 'temperature' is ${temperature}, expected a finite number ≥ 0`,
      );
    }
    return tf.tidy(() => {
      const z = tf.mul(random.normal([n, this.config.latent], key), temperature) as tf.Tensor2D;
      return observationMean(this.config, runDecoder(this.config, this.nets, z));
    });
  }

  /**
   * Reconstructions E[x | z] [B, H, W, C] of images x: z = μ(x) (the posterior mean) without a seed,
   * z ~ q(z | x) with one.
   *
   * @example const xr = model.reconstruct(x); // deterministic
   */
  reconstruct(x: TensorInput, s?: Seed | number): tf.Tensor {
    const fn = 'VariationalAutoencoder.reconstruct';
    const key = s === undefined ? undefined : toSeed(s, 'seed', fn);
    return tf.tidy(() => {
      const { loc, scale } = this.posterior(flatImages(this.config, x, 'x', fn), false);
      const z = key === undefined ? loc : tf.add(loc, tf.mul(scale, random.normal(loc.shape, key)));
      return observationMean(this.config, runDecoder(this.config, this.nets, z as tf.Tensor2D));
    });
  }

  /**
   * `steps` images along the straight line between the posterior means of two images:
   * z_t = (1 − t)·μ(xa) + t·μ(xb), t = 0, 1/(steps−1), …, 1, decoded to means [steps, H, W, C].
   *
   * @example const row = model.interpolate(x0, x1, 8);
   */
  interpolate(xa: TensorInput, xb: TensorInput, steps: number): tf.Tensor {
    const fn = 'VariationalAutoencoder.interpolate';
    checkCount(steps, 'steps', fn);
    return tf.tidy(() => {
      const za = this.singleMean(xa, 'xa', fn);
      const zb = this.singleMean(xb, 'xb', fn);
      const z = interpolateCodes(za, zb, steps);
      return observationMean(this.config, runDecoder(this.config, this.nets, z));
    });
  }

  /**
   * A latent traversal: the posterior mean μ(x) of one image with coordinate `dim` set to each of
   * `values` in turn, decoded to means [values.length, H, W, C].
   *
   * @example const row = model.traverse(x0, 3, [-3, -1.5, 0, 1.5, 3]);
   */
  traverse(x: TensorInput, dim: number, values: readonly number[]): tf.Tensor {
    const fn = 'VariationalAutoencoder.traverse';
    checkTraversal(dim, values, this.config.latent, fn);
    return tf.tidy(() => {
      const z0 = this.singleMean(x, 'x', fn);
      const z = traverseCode(z0, dim, values);
      return observationMean(this.config, runDecoder(this.config, this.nets, z));
    });
  }

  private singleMean(x: TensorInput, arg: string, fn: string): tf.Tensor2D {
    const xf = flatImages(this.config, x, arg, fn, true);
    if (xf.shape[0] !== 1) {
      throw new ShapeError(`${fn}: argument '${arg}' holds ${xf.shape[0]} images, expected one`);
    }
    return this.posterior(xf, false).loc;
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(Object.values(this.variables));
  }
}

/**
 * Builds a {@link VariationalAutoencoder} from a config with kind `'vae'` (defaults filled in).
 *
 * @throws ArgumentError naming the bad config field and the allowed values.
 * @example
 * const model = vae({ kind: 'vae', arch: 'mlp', hidden: [512, 256], latent: 32, likelihood: 'bernoulli', inputShape: [28, 28, 1], seed: 0 });
 */
export function vae(config: ModelConfigInput): VariationalAutoencoder {
  return new VariationalAutoencoder(config);
}
