export { analyticKlElbo, type AnalyticKlElboOptions } from './analytic-kl-elbo.js';
export { importanceWeightedBound } from './importance-weighted-bound.js';
export { type Batch, type ElboResult, type EstimatorOptions, type Model } from './model.js';
export { renyiBound, type RenyiBoundOptions } from './renyi-bound.js';
export { reparameterizedElbo } from './reparameterized-elbo.js';
export { scoreFunctionElbo, type ScoreFunctionElboOptions } from './score-function-elbo.js';
