export {
  NVAE_LIKELIHOODS,
  NVAE_PRESET_NAMES,
  NVAE_PRESETS,
  paddedSide,
  readNvaeConfig,
  type NvaeArchitecture,
  type NvaeConfig,
  type NvaeConfigInput,
  type NvaeLikelihood,
} from './config.js';
export { logisticMixtureLogProb, logisticMixtureMean } from './logistic-mixture.js';
export {
  nvae,
  Nvae,
  type GroupDiagnostics,
  type LatentGroup,
  type NvaeLossOptions,
  type NvaeSampleOptions,
} from './nvae.js';
export {
  klBalanceCoefficients,
  LOG_SCALE_BOUND,
  residualKl,
  residualPosterior,
  softClamp,
  type NormalParams,
} from './residual-normal.js';
