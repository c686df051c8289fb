import { ArgumentError, DataFormatError } from '@elbo/core';
import type { Checkpoint } from '../checkpoint/checkpoint-format.js';
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

/**
 * The model a checkpoint holds: built by {@link createModel} from the checkpoint's config, with every
 * variable and state entry set to the saved values. The checkpoint keeps its tensors (dispose it with
 * `disposeCheckpoint` as usual); the model owns copies.
 *
 * @param checkpoint - from `loadCheckpoint` (a file, http or indexeddb location).
 * @param source - where the checkpoint came from, for the error messages (default `'the checkpoint'`).
 * @throws DataFormatError when the checkpoint lacks a weight the config needs, or holds one of another
 *   shape or dtype (the model built is disposed); ArgumentError for a config createModel refuses.
 * @example
 * const checkpoint = await loadCheckpoint(fileLocation('runs/vae/checkpoint'));
 * const model = modelFromCheckpoint(checkpoint, 'runs/vae/checkpoint');
 * disposeCheckpoint(checkpoint);
 */
export function modelFromCheckpoint(
  checkpoint: Checkpoint,
  source = 'the checkpoint',
): VariationalAutoencoder | Autoencoder | Nvae {
  const model = createModel(checkpoint.config as unknown as ModelConfigInput | NvaeConfigInput);
  try {
    for (const [group, live, saved] of [
      ['variables', model.variables, checkpoint.variables],
      ['state', model.state, checkpoint.state],
    ] as const) {
      for (const [name, v] of Object.entries(live)) {
        const t = saved[name];
        if (t === undefined) {
          throw new DataFormatError(
            `modelFromCheckpoint: ${source} has no ${group} entry '${name}', which its model config needs`,
          );
        }
        if (t.shape.join() !== v.shape.join() || t.dtype !== v.dtype) {
          throw new DataFormatError(
            `modelFromCheckpoint: ${group} entry '${name}' is ${t.dtype} [${t.shape.join(', ')}] in ${source}, ` +
              `expected ${v.dtype} [${v.shape.join(', ')}] for its model config`,
          );
        }
        v.assign(t);
      }
    }
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
