import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  foldIn,
  formatShape,
  random,
  ShapeError,
  softplus,
  toFloatTensor,
  toSeed,
  type Seed,
  type TensorInput,
} from '@elbo/core';
import { spectralNorm } from '../nn/spectral-norm.js';
import type { LossOptions, LossResult, TrainableModel } from '../trainer/trainable.js';
import { checkTraversal, interpolateCodes, traverseCode } from '../vae/latent-paths.js';
import { checkCount } from '../vae/shared.js';
import { readNvaeConfig, type NvaeConfig, type NvaeConfigInput } from './config.js';
import { logisticMixtureLogProb, logisticMixtureMean } from './logistic-mixture.js';
import {
  bottomUp,
  buildNetwork,
  joinLatents,
  splitLatents,
  topDown,
  type GroupPass,
  type NvaeNetwork,
  type PassContext,
} from './network.js';
import { klBalanceCoefficients } from './residual-normal.js';

/** A latent group as the model lays it out: top-down index, scale (0 = coarsest), spatial side, size. */
export interface LatentGroup {
  readonly index: number;
  readonly scale: number;
  readonly group: number;
  readonly side: number;
  readonly channels: number;
  /** Latent variables side·side·channels. */
  readonly size: number;
  /** Offset of the group in the flat latent vector [latentSize]. */
  readonly offset: number;
}

/** One group's diagnostics on a batch: KL (nats per image) and active units. */
export interface GroupDiagnostics extends LatentGroup {
  /** KL(q(z_l | x, z<l) ‖ p(z_l | z<l)) averaged over the images. */
  readonly kl: number;
  /**
   * Active units: the latent variables whose KL, averaged over the images, exceeds 0.01 nats (they carry
   * information about x). Burda et al.'s test Cov_x(E_q[u]) > 0.01 does not suit a hierarchy: the
   * posterior mean of a collapsed unit (q = p(z_l | z<l)) still varies with x through z<l.
   */
  readonly activeUnits: number;
}

/** Options of {@link Nvae.lossWithNoise}. */
export interface NvaeLossOptions {
  /** The KL weight (warm-up), default 1; while below 1 and config.klBalance, the groups are balanced. */
  readonly klWeight?: number;
  /** Training mode: batch statistics in the batch norms, running statistics and power iterations updated. */
  readonly training?: boolean;
}

/** Options of {@link Nvae.sample}. */
export interface NvaeSampleOptions {
  /**
   * Batches of prior samples (at the same temperature) over which the decoder's batch-norm statistics
   * are re-estimated before sampling, as NVAE does for T < 1 (default 10; 0 keeps the training ones).
   * The model's own statistics are restored afterwards.
   */
  readonly readjustBatches?: number;
  /**
   * The latent hierarchy: the first `groups` latent groups (top-down) are drawn once from `seed` and shared
   * by all n images, the rest per image. With 0 every image differs; with all groups they are equal.
   */
  readonly shared?: { readonly groups: number; readonly seed: Seed | number };
}

const ACTIVE_THRESHOLD = 0.01;
const EVAL: PassContext = { training: false, momentum: 0 };

/**
 * NVAE (Vahdat & Kautz, NeurIPS 2020): a deep hierarchical VAE with a bottom-up encoder and a top-down
 * decoder that shares its path with the approximate posterior. Latent groups z = (z₁, …, z_L) live at
 * several spatial scales (coarsest first); the prior is p(z₁)·Πₗ p(zₗ | z<l) with p(z₁) = N(0, I) and
 * each conditional a diagonal Normal computed from the top-down state, and the posterior
 * q(zₗ | x, z<l) = N(μₚ + Δμ, σₚ²Δσ²) is residual to it (log-scales soft-clamped to ±5). The negative
 * ELBO per image,
 *
 *   −log p(x | z) + w·Σₗ γₗ·KL(q(zₗ | x, z<l) ‖ p(zₗ | z<l)) + λ·(Σ σ̂(W) + Σ max|γ_BN|),
 *
 * has KL warm-up weight w, KL balancing γₗ (during warm-up, if config.klBalance; else 1), and spectral
 * regularisation: σ̂ the power-iteration estimate of each conv's largest singular value, plus the
 * largest batch-norm scale of each layer. Cells: the encoder's BN-Swish-conv3×3 twice with
 * squeeze-and-excitation; the decoder's BN, 1×1 expand, BN-Swish, depthwise 5×5, BN-Swish, 1×1, BN, SE;
 * each adds 0.1 × its branch to its input. Output: Bernoulli logits, or a discretised logistic mixture.
 *
 * Terms: `reconstruction`, `kl` (unweighted Σₗ KLₗ), `elbo` = −(reconstruction + kl), `spectral`, and
 * `kl/l` for each group. Build with {@link nvae} or `createModel({ kind: 'nvae', preset: 'mnist-small' })`.
 */
export class Nvae implements TrainableModel {
  readonly config: NvaeConfig;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  readonly state: Readonly<Record<string, tf.Variable>>;
  /** The number of latent variables, Σₗ sideₗ²·latentChannels (the flat latent vector's length). */
  readonly latentSize: number;
  /** The latent groups in top-down order. */
  readonly groups: readonly LatentGroup[];
  private readonly net: NvaeNetwork;

  constructor(config: NvaeConfigInput | NvaeConfig) {
    this.config = readNvaeConfig(config, 'nvae');
    this.net = buildNetwork(this.config);
    this.variables = this.net.variables;
    this.state = this.net.state;
    this.latentSize = this.net.latentSize;
    this.groups = this.net.groups.map((g) => Object.freeze({ ...g, channels: this.config.latentChannels }));
  }

  private images(x: TensorInput, arg: string, fn: string, single = false): tf.Tensor4D {
    const t = toFloatTensor(x, arg, fn);
    const [h, w, c] = this.config.inputShape;
    const s = t.shape;
    if (s.length === 4 && s[1] === h && s[2] === w && s[3] === c) return t as tf.Tensor4D;
    if (s.length === 2 && s[1] === h * w * c) return tf.reshape(t, [-1, h, w, c]);
    if (single && s.length === 3 && s[0] === h && s[1] === w && s[2] === c)
      return tf.reshape(t, [1, h, w, c]);
    throw new ShapeError(
      `${fn}: argument '${arg}' has shape ${formatShape(s)}, expected [batch, ${h}, ${w}, ${c}] or [batch, ${h * w * c}]${single ? ` or one image [${h}, ${w}, ${c}]` : ''}`,
    );
  }

  private checkFlatLatents(t: tf.Tensor, n: number | undefined, arg: string, fn: string, lead = 'n'): void {
    if (t.rank !== 2 || t.shape[1] !== this.latentSize || (n !== undefined && t.shape[0] !== n)) {
      throw new ShapeError(
        `${fn}: argument '${arg}' has shape ${formatShape(t.shape)}, expected [${n ?? lead}, ${this.latentSize}] (latentSize = ${this.latentSize})`,
      );
    }
  }

  /** log p(x | decoder output), summed over pixels: [n]. */
  private logLikelihood(output: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor1D {
    if (this.config.likelihood === 'bernoulli') {
      return tf.sum(tf.sub(tf.mul(x, output), softplus(output)), [1, 2, 3]) as tf.Tensor1D;
    }
    return logisticMixtureLogProb(output, x, this.config.mixtures) as tf.Tensor1D;
  }

  private mean(output: tf.Tensor4D): tf.Tensor4D {
    if (this.config.likelihood === 'bernoulli') return tf.sigmoid(output);
    return logisticMixtureMean(output, this.config.mixtures, this.config.inputShape[2]) as tf.Tensor4D;
  }

  /** λ·(Σ σ̂(W) + Σ max|γ|); in training each conv's power-iteration vector advances one step. */
  private spectralPenalty(training: boolean): tf.Scalar {
    const lambda = this.config.spectralRegularization;
    if (lambda === 0) return tf.scalar(0);
    const sigmas = this.net.convs.map((c) => {
      const { sigma, v } = spectralNorm(c.filter, c.v, 1);
      if (training) c.v.assign(v);
      v.dispose();
      return sigma;
    });
    const scales = this.net.bns.map((b) => tf.max(tf.abs(b.gamma)));
    return tf.mul(tf.addN([...sigmas, ...scales]), lambda) as tf.Scalar;
  }

  /**
   * The loss of one batch with the standard-normal noise given, eps [B, latentSize] (the groups' noise
   * in top-down order, each flattened [side, side, c]). `loss` draws eps from its seed and calls this.
   *
   * @returns `{ loss, terms }`, scalars the caller owns.
   * @throws ShapeError for a batch or noise of the wrong shape.
   * @example const { loss, terms } = model.lossWithNoise(x, random.normal([8, model.latentSize], seed(0)));
   */
  lossWithNoise(batch: TensorInput, eps: TensorInput, options: NvaeLossOptions = {}): LossResult {
    const fn = 'Nvae.lossWithNoise';
    const w = options.klWeight ?? 1;
    const training = options.training ?? false;
    const ctx: PassContext = { training, momentum: this.config.bnMomentum };
    const result = tf.tidy(() => {
      const x = this.images(batch, 'batch', fn);
      const b = x.shape[0];
      const e = toFloatTensor(eps, 'eps', fn);
      this.checkFlatLatents(e, b, 'eps', fn, 'batch');
      const features = bottomUp(this.net, this.config, x, ctx);
      const pass = topDown(
        this.net,
        this.config,
        b,
        { kind: 'posterior', features, eps: splitLatents(this.net, this.config, e as tf.Tensor2D) },
        ctx,
      );
      const recon = tf.neg(tf.mean(this.logLikelihood(pass.output, x)));
      const groupKl = tf.stack(pass.groups.map((g) => tf.mean(g.kl))) as tf.Tensor1D; // [L]
      const kl = tf.sum(groupKl);
      const balanced =
        this.config.klBalance && w < 1
          ? tf.sum(
              tf.mul(
                klBalanceCoefficients(
                  groupKl,
                  this.groups.map((g) => g.size),
                ),
                groupKl,
              ),
            )
          : kl;
      const spectral = this.spectralPenalty(training);
      const loss = tf.add(tf.add(recon, tf.mul(balanced, w)), spectral);
      const terms: Record<string, tf.Scalar> = {
        reconstruction: recon as tf.Scalar,
        kl: kl as tf.Scalar,
        elbo: tf.neg(tf.add(recon, kl)) as tf.Scalar,
        spectral,
      };
      pass.groups.forEach(
        (_, l) => (terms[`kl/${l}`] = tf.reshape(tf.slice(groupKl, [l], [1]), []) as tf.Scalar),
      );
      return { loss: loss as tf.Scalar, terms };
    });
    return result;
  }

  /**
   * The loss on one batch of images in [0, 1] ([B, H, W, C] or [B, D]), with eps ~ N(0, I) of shape
   * [B, latentSize] from `options.seed` (see the class for the objective).
   *
   * @returns `{ loss, terms }`, scalars the caller owns.
   * @example const { loss } = model.loss(x, { seed: foldIn(seed(0), step), klWeight: 0.3, training: true });
   */
  loss(batch: tf.Tensor, options: LossOptions): LossResult {
    const s = toSeed(options.seed, 'options.seed', 'Nvae.loss');
    const eps = random.normal([batch.shape[0] ?? 0, this.latentSize], s);
    try {
      return this.lossWithNoise(batch, eps, {
        ...(options.klWeight === undefined ? {} : { klWeight: options.klWeight }),
        training: options.training ?? false,
      });
    } finally {
      eps.dispose();
    }
  }

  /**
   * Log importance weights log w = log p(x | z) + log p(z) − log q(z | x) of k posterior draws per image
   * (eps [k, B, latentSize]), [k, B]: the evaluation's building block. The bottom-up pass runs once per
   * image; the top-down pass on k·B rows. Batch norms use their running statistics.
   *
   * @returns [k, B], owned by the caller.
   * @example const lw = model.logImportanceWeights(x, random.normal([16, 8, model.latentSize], seed(1)));
   */
  logImportanceWeights(x: TensorInput, eps: tf.Tensor): tf.Tensor2D {
    const fn = 'Nvae.logImportanceWeights';
    return tf.tidy(() => {
      const xi = this.images(x, 'x', fn);
      const b = xi.shape[0];
      if (eps.rank !== 3 || eps.shape[1] !== b || eps.shape[2] !== this.latentSize) {
        throw new ShapeError(
          `${fn}: argument 'eps' has shape ${formatShape(eps.shape)}, expected [k, ${b}, ${this.latentSize}]`,
        );
      }
      const k = eps.shape[0] as number;
      const features = bottomUp(this.net, this.config, xi, EVAL).map(
        (f) => tf.tile(f, [k, 1, 1, 1]) as tf.Tensor4D,
      );
      const flat = tf.reshape(eps, [k * b, this.latentSize]) as tf.Tensor2D;
      const pass = topDown(
        this.net,
        this.config,
        k * b,
        { kind: 'posterior', features, eps: splitLatents(this.net, this.config, flat) },
        EVAL,
      );
      const ll = this.logLikelihood(pass.output, tf.tile(xi, [k, 1, 1, 1]) as tf.Tensor4D);
      const ratio = tf.addN(pass.groups.map((g: GroupPass) => tf.sub(g.logP, g.logQ)));
      return tf.reshape(tf.add(ll, ratio), [k, b]) as tf.Tensor2D;
    });
  }

  /**
   * Re-estimates the decoder's batch-norm running statistics from `batches` batches of `batchSize` prior
   * samples at `temperature` (their cumulative average, as NVAE does before sampling at T < 1).
   * Changes the model's state; {@link Nvae.sample} does this on a copy it restores.
   *
   * @example model.readjustBatchNorm(0.8, seed(3), 10, 64);
   */
  readjustBatchNorm(temperature: number, s: Seed | number, batches = 10, batchSize = 64): void {
    const fn = 'Nvae.readjustBatchNorm';
    const key = toSeed(s, 'seed', fn);
    checkCount(batches, 'batches', fn);
    checkCount(batchSize, 'batchSize', fn);
    for (let i = 0; i < batches; i++) {
      tf.tidy(() => {
        const eps = splitLatents(
          this.net,
          this.config,
          random.normal([batchSize, this.latentSize], foldIn(key, i)) as tf.Tensor2D,
        );
        topDown(
          this.net,
          this.config,
          batchSize,
          { kind: 'prior', eps, temperature },
          { training: true, momentum: 1 / (i + 1) },
        );
      });
    }
  }

  /**
   * n images from the model: zₗ ~ N(μₚ, (T·σₚ)²) group by group (temperature T, default 1), decoded to
   * the output's mean [n, H, W, C] (σ(logits) for Bernoulli). With `readjustBatches` > 0 (default 10) the
   * decoder's batch-norm statistics are first re-estimated on samples at T, then restored. With
   * `shared`, the coarsest groups are common to all n images (what the finer groups control).
   *
   * @example const grid = model.sample(64, seed(1), 0.8);
   * @example const row = model.sample(8, seed(2), 0.8, { shared: { groups: 2, seed: seed(9) } });
   */
  sample(n: number, s: Seed | number, temperature = 1, options: NvaeSampleOptions = {}): tf.Tensor4D {
    const fn = 'Nvae.sample';
    checkCount(n, 'n', fn);
    const key = toSeed(s, 'seed', fn);
    if (!(temperature >= 0) || !Number.isFinite(temperature)) {
      throw new ArgumentError(
        `${fn}: argument 'temperature' is ${temperature}, expected a finite number ≥ 0`,
      );
    }
    const readjust = options.readjustBatches ?? 10;
    if (!Number.isInteger(readjust) || readjust < 0) {
      throw new ArgumentError(
        `${fn}: argument 'options.readjustBatches' is ${readjust}, expected an integer ≥ 0`,
      );
    }
    const shared = options.shared;
    if (
      shared !== undefined &&
      (!Number.isInteger(shared.groups) || shared.groups < 0 || shared.groups > this.groups.length)
    ) {
      throw new ArgumentError(
        `${fn}: argument 'options.shared.groups' is ${String(shared.groups)}, expected an integer in [0, ${this.groups.length}] (the model's latent groups)`,
      );
    }
    const sharedKey = shared === undefined ? undefined : toSeed(shared.seed, 'options.shared.seed', fn);
    const saved =
      readjust > 0 ? this.net.decoderBns.map((b) => [tf.clone(b.mean), tf.clone(b.variance)] as const) : [];
    try {
      if (readjust > 0) this.readjustBatchNorm(temperature, foldIn(key, 1), readjust, Math.max(n, 16));
      return tf.tidy(() => {
        let eps = splitLatents(
          this.net,
          this.config,
          random.normal([n, this.latentSize], foldIn(key, 0)) as tf.Tensor2D,
        );
        if (shared !== undefined && sharedKey !== undefined && shared.groups > 0) {
          const one = splitLatents(
            this.net,
            this.config,
            random.normal([1, this.latentSize], sharedKey) as tf.Tensor2D,
          );
          eps = eps.map((e, l) =>
            l < shared.groups ? (tf.tile(one[l] as tf.Tensor4D, [n, 1, 1, 1]) as tf.Tensor4D) : e,
          );
        }
        return this.mean(topDown(this.net, this.config, n, { kind: 'prior', eps, temperature }, EVAL).output);
      });
    } finally {
      saved.forEach(([m, v], i) => {
        const b = this.net.decoderBns[i];
        b?.mean.assign(m);
        b?.variance.assign(v);
        m.dispose();
        v.dispose();
      });
    }
  }

  /**
   * The flat posterior means along the mean path: zₗ = E[q(zₗ | x, z<l)] with z<l at their means,
   * [B, latentSize], owned by the caller.
   *
   * @example const z = model.encodeMeans(x);
   */
  encodeMeans(x: TensorInput): tf.Tensor2D {
    const fn = 'Nvae.encodeMeans';
    return tf.tidy(() => {
      const xi = this.images(x, 'x', fn, true);
      const features = bottomUp(this.net, this.config, xi, EVAL);
      const pass = topDown(
        this.net,
        this.config,
        xi.shape[0],
        { kind: 'posterior', features, eps: null },
        EVAL,
      );
      return joinLatents(pass.groups.map((g) => g.loc));
    });
  }

  /**
   * Decodes given flat latents z [n, latentSize] to the output's mean [n, H, W, C].
   *
   * @example const images = model.decodeLatents(model.encodeMeans(x));
   */
  decodeLatents(z: TensorInput): tf.Tensor4D {
    const fn = 'Nvae.decodeLatents';
    return tf.tidy(() => {
      const zt = toFloatTensor(z, 'z', fn);
      this.checkFlatLatents(zt, undefined, 'z', fn);
      const parts = splitLatents(this.net, this.config, zt as tf.Tensor2D);
      return this.mean(
        topDown(this.net, this.config, zt.shape[0] as number, { kind: 'given', z: parts }, EVAL).output,
      );
    });
  }

  /**
   * Reconstructions [B, H, W, C]: along the posterior's mean path without a seed, from one posterior draw
   * with one.
   *
   * @example const xr = model.reconstruct(x);
   */
  reconstruct(x: TensorInput, s?: Seed | number): tf.Tensor4D {
    const fn = 'Nvae.reconstruct';
    const key = s === undefined ? undefined : toSeed(s, 'seed', fn);
    return tf.tidy(() => {
      const xi = this.images(x, 'x', fn, true);
      const b = xi.shape[0];
      const features = bottomUp(this.net, this.config, xi, EVAL);
      const eps =
        key === undefined
          ? null
          : splitLatents(this.net, this.config, random.normal([b, this.latentSize], key) as tf.Tensor2D);
      return this.mean(topDown(this.net, this.config, b, { kind: 'posterior', features, eps }, EVAL).output);
    });
  }

  /**
   * `steps` images along the straight line between the posterior mean paths of two images (all groups),
   * decoded: [steps, H, W, C].
   *
   * @example const row = model.interpolate(x0, x1, 8);
   */
  interpolate(xa: TensorInput, xb: TensorInput, steps: number): tf.Tensor4D {
    const fn = 'Nvae.interpolate';
    checkCount(steps, 'steps', fn);
    return tf.tidy(() => {
      const za = this.singleCode(xa, 'xa', fn);
      const zb = this.singleCode(xb, 'xb', fn);
      return this.decodeLatents(interpolateCodes(za, zb, steps));
    });
  }

  /**
   * A traversal of coordinate `dim` of the flat latent vector (see {@link Nvae.groups} for which group
   * it is in) around the mean path of one image, decoded: [values.length, H, W, C].
   *
   * @example const row = model.traverse(x0, model.groups[0].offset, [-3, 0, 3]);
   */
  traverse(x: TensorInput, dim: number, values: readonly number[]): tf.Tensor4D {
    const fn = 'Nvae.traverse';
    checkTraversal(dim, values, this.latentSize, fn);
    return tf.tidy(() => this.decodeLatents(traverseCode(this.singleCode(x, 'x', fn), dim, values)));
  }

  private singleCode(x: TensorInput, arg: string, fn: string): tf.Tensor2D {
    const xi = this.images(x, arg, fn, true);
    if (xi.shape[0] !== 1)
      throw new ShapeError(`${fn}: argument '${arg}' holds ${xi.shape[0]} images, expected one`);
    return this.encodeMeans(xi);
  }

  /**
   * Per-group KL and active units on a batch of images (one posterior draw from `seed`), for the
   * training diagnostics: NVAE users find most groups inactive.
   *
   * @returns one entry per group, in top-down order.
   * @example for (const g of await model.diagnostics(x, seed(0))) console.log(g.index, g.kl, g.activeUnits);
   */
  async diagnostics(x: TensorInput, s: Seed | number): Promise<GroupDiagnostics[]> {
    const fn = 'Nvae.diagnostics';
    const key = toSeed(s, 'seed', fn);
    const numbers = tf.tidy(() => {
      const xi = this.images(x, 'x', fn);
      const b = xi.shape[0];
      const features = bottomUp(this.net, this.config, xi, EVAL);
      const eps = splitLatents(
        this.net,
        this.config,
        random.normal([b, this.latentSize], key) as tf.Tensor2D,
      );
      const pass = topDown(this.net, this.config, b, { kind: 'posterior', features, eps }, EVAL);
      return tf.concat(
        pass.groups.map((g) => {
          const perUnit = tf.mean(tf.reshape(g.klUnits, [b, -1]), 0);
          const active = tf.sum(tf.cast(tf.greater(perUnit, ACTIVE_THRESHOLD), 'float32'));
          return tf.stack([tf.mean(g.kl), active]);
        }),
      );
    });
    const values = await numbers.data();
    numbers.dispose();
    return this.groups.map((g, l) => ({
      ...g,
      kl: values[2 * l] as number,
      activeUnits: values[2 * l + 1] as number,
    }));
  }

  /** Frees the variables and the state. */
  dispose(): void {
    tf.dispose([...Object.values(this.variables), ...Object.values(this.state)]);
  }
}

/**
 * Builds an {@link Nvae} from a preset (default `mnist-small`) and overrides.
 *
 * @throws ArgumentError naming the bad field.
 * @example const model = nvae({ kind: 'nvae', preset: 'mnist-small', seed: 0 });
 */
export function nvae(config: NvaeConfigInput): Nvae {
  return new Nvae(config);
}
