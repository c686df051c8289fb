export { Autoencoder, autoencoder } from './autoencoder.js';
export {
  ARCHITECTURES,
  LIKELIHOODS,
  MODEL_KINDS,
  readModelConfig,
  type Likelihood,
  type ModelConfig,
  type ModelConfigInput,
} from './config.js';
export { createModel, modelFromCheckpoint } from './create-model.js';
export { disposeDistribution } from './shared.js';
export { ENCODER_SCALE_FLOOR, vae, VariationalAutoencoder, type NoiseLossOptions } from './vae.js';
