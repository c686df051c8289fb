import { ArgumentError } from '@elbo/core';
import { Autoencoder } from './autoencoder.js';
import { readModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import { VariationalAutoencoder } from './vae.js';
import { Nvae } from '../nvae/nvae.js';
import type { NvaeConfig, NvaeConfigInput } from '../nvae/config.js';

/**
 * Builds a model from its JSON config (the inverse of `model.config`, so a checkpoint's config rebuilds
 * the same architecture; the weights come from `config.seed` until restored): kind `'vae'` gives a
 * {@link VariationalAutoencoder}, kind `'ae'` an {@link Autoencoder}, kind `'nvae'` an {@link Nvae} (from a
 * preset and overrides).
 *
 * @throws ArgumentError naming the bad field, what came and the allowed values, e.g.
 *   `createModel: config.likelihood is "poisson", expected one of 'bernoulli', 'continuous-bernoulli', 'gaussian'`.
 * @example
 * const model = createModel({ kind: 'vae', arch: 'mlp', hidden: [512, 256], latent: 32, likelihood: 'bernoulli', inputShape: [28, 28, 1], seed: 0 });
 * const again = createModel(model.config);
 */
export function createModel(config: ModelConfigInput | ModelConfig): VariationalAutoencoder | Autoencoder;
export function createModel(config: NvaeConfigInput | NvaeConfig): Nvae;
export function createModel(
  config: ModelConfigInput | ModelConfig | NvaeConfigInput | NvaeConfig,
): VariationalAutoencoder | Autoencoder | Nvae;
export function createModel(
  config: ModelConfigInput | ModelConfig | NvaeConfigInput | NvaeConfig,
): VariationalAutoencoder | Autoencoder | Nvae {
  const kind =
    config !== null && typeof config === 'object' ? (config as { kind?: unknown }).kind : undefined;
  if (kind === 'nvae') return new Nvae(config as NvaeConfigInput);
  if (kind !== 'vae' && kind !== 'ae') {
    throw new ArgumentError(
      `createModel: config.kind is ${kind === undefined ? 'missing' : JSON.stringify(kind)}, expected one of 'vae', 'ae', 'nvae'`,
    );
  }
  const c = readModelConfig(config, 'createModel');
  return c.kind === 'vae' ? new VariationalAutoencoder(c) : new Autoencoder(c);
}
