import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, formatShape, ShapeError, type TensorInput } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';
import type { LossOptions, LossResult, TrainableModel } from '../trainer/trainable.js';
import { readModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import { logLikelihood, observationMean, observationModel, observationParameters } from './likelihood.js';
import { buildNetworks, runDecoder, runEncoder, type Networks } from './networks.js';
import { checkTraversal, interpolateCodes, traverseCode } from './latent-paths.js';
import { checkCount, flatImages } from './shared.js';

/**
 * A deterministic auto-encoder: z = f(x) (the encoder's output, [B, latent]), and the decoder's
 * likelihood p(x | z) from the config. `loss` is the reconstruction error −log p(x | f(x)) per image
 * averaged over the batch: the binary cross-entropy summed over pixels for `'bernoulli'`, ½‖(x − μ)/σ‖²
 * + Σ log σ + (D/2) log 2π for `'gaussian'`. Terms: `reconstruction`. Build with {@link autoencoder}.
 */
export class Autoencoder implements TrainableModel {
  readonly config: ModelConfig;
  readonly variables: Readonly<Record<string, tf.Variable>>;
  readonly state: Readonly<Record<string, tf.Variable>> = {};
  /** The size of z. */
  readonly latentSize: number;
  private readonly nets: Networks;

  constructor(config: ModelConfigInput | ModelConfig) {
    const c = readModelConfig(config, 'autoencoder');
    if (c.kind !== 'ae') {
      throw new ArgumentError(
        `autoencoder: config.kind is "${c.kind}", expected 'ae' (use vae or createModel for 'vae')`,
      );
    }
    this.config = c;
    this.latentSize = c.latent;
    this.nets = buildNetworks(c, c.latent);
    this.variables = this.nets.variables;
  }

  /**
   * The reconstruction loss on a batch [B, H, W, C] or [B, D] (the seed is unused: nothing is drawn).
   *
   * @returns `{ loss, terms: { reconstruction } }`, scalars the caller owns.
   * @example const { loss } = model.loss(x, { seed: 0 });
   */
  loss(batch: tf.Tensor, _options?: LossOptions): LossResult {
    const fn = 'Autoencoder.loss';
    const [loss, reconstruction] = tf.tidy(() => {
      const x = flatImages(this.config, batch, 'batch', fn);
      const z = runEncoder(this.config, this.nets, x, true);
      const out = runDecoder(this.config, this.nets, z);
      const r = tf.neg(tf.mean(logLikelihood(this.config, out, x, this.nets.logScale))) as tf.Scalar;
      return [r, tf.clone(r)];
    });
    return { loss, terms: { reconstruction } };
  }

  /**
   * The codes z = f(x), [B, latent], owned by the caller.
   *
   * @example const z = model.encode(x);
   */
  encode(x: TensorInput): tf.Tensor2D {
    return tf.tidy(() =>
      runEncoder(this.config, this.nets, flatImages(this.config, x, 'x', 'Autoencoder.encode'), false),
    );
  }

  /**
   * p(x | z) for codes z [N, latent], event shape inputShape. Free it with `disposeDistribution`.
   *
   * @example const p = model.decode(model.encode(x));
   */
  decode(z: TensorInput): Distribution {
    const params = tf.tidy(() =>
      observationParameters(this.config, this.decoderOutput(z, 'Autoencoder.decode'), this.nets.logScale),
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
   * Reconstructions E[x | f(x)], [B, H, W, C], owned by the caller.
   *
   * @example const xr = model.reconstruct(x);
   */
  reconstruct(x: TensorInput): tf.Tensor {
    return tf.tidy(() => observationMean(this.config, runDecoder(this.config, this.nets, this.encode(x))));
  }

  /**
   * `steps` decoded means along z_t = (1 − t)·f(xa) + t·f(xb), t from 0 to 1, [steps, H, W, C].
   *
   * @example const row = model.interpolate(x0, x1, 8);
   */
  interpolate(xa: TensorInput, xb: TensorInput, steps: number): tf.Tensor {
    const fn = 'Autoencoder.interpolate';
    checkCount(steps, 'steps', fn);
    return tf.tidy(() => {
      const za = this.single(xa, 'xa', fn);
      const zb = this.single(xb, 'xb', fn);
      const z = interpolateCodes(za, zb, steps);
      return observationMean(this.config, runDecoder(this.config, this.nets, z));
    });
  }

  /**
   * The code f(x) of one image with coordinate `dim` set to each of `values`, decoded to means.
   *
   * @example const row = model.traverse(x0, 0, [-2, 0, 2]);
   */
  traverse(x: TensorInput, dim: number, values: readonly number[]): tf.Tensor {
    const fn = 'Autoencoder.traverse';
    checkTraversal(dim, values, this.config.latent, fn);
    return tf.tidy(() => {
      const z0 = this.single(x, 'x', fn);
      const z = traverseCode(z0, dim, values);
      return observationMean(this.config, runDecoder(this.config, this.nets, z));
    });
  }

  private single(x: TensorInput, arg: string, fn: string): tf.Tensor2D {
    const xf = flatImages(this.config, x, arg, fn, true);
    if (xf.shape[0] !== 1)
      throw new ShapeError(`${fn}: argument '${arg}' holds ${xf.shape[0]} images, expected one`);
    return runEncoder(this.config, this.nets, xf, false);
  }

  /** Frees the variables. */
  dispose(): void {
    tf.dispose(Object.values(this.variables));
  }
}

/**
 * Builds an {@link Autoencoder} from a config with kind `'ae'`.
 *
 * @throws ArgumentError naming the bad config field and the allowed values.
 * @example const model = autoencoder({ kind: 'ae', arch: 'conv', latent: 16, likelihood: 'bernoulli', inputShape: [28, 28, 1], seed: 0 });
 */
export function autoencoder(config: ModelConfigInput): Autoencoder {
  return new Autoencoder(config);
}
