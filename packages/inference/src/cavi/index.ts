export { bleiMixtureCavi, type BleiMixtureOptions, type BleiMixturePosterior } from './blei-mixture.js';
export {
  coordinateAscent,
  CoordinateAscent,
  type CaviModel,
  type CaviOptions,
  type CaviResult,
  type CaviSweepRecord,
} from './coordinate-ascent.js';
export { ElboDecreasedError } from './errors.js';
export {
  gaussianMixtureCavi,
  type GaussianMixtureOptions,
  type GaussianMixturePosterior,
  type GaussianMixturePriorOptions,
} from './gaussian-mixture.js';
export {
  normalGammaCavi,
  normalGammaLogEvidence,
  type NormalGammaPosterior,
  type NormalGammaPrior,
} from './normal-gamma.js';
