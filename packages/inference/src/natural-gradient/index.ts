export {
  gaussianMixtureSvi,
  GaussianMixtureSvi,
  type GaussianMixtureSviOptions,
} from './gaussian-mixture-svi.js';
