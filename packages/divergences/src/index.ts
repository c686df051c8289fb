export {
  amariAlpha,
  jeffreys,
  jensenShannon,
  klForward,
  klReverse,
  pearson,
  squaredHellinger,
  totalVariation,
  type CsiszarFunction,
  type CsiszarOptions,
} from './csiszar.js';
export { klDivergence, type KlDivergenceOptions } from './kl-divergence.js';
export {
  findKl,
  klPair,
  type DistributionClass,
  type KlContext,
  type KlEntry,
  type KlFunction,
  type KlTable,
} from './kl-table.js';
export { KL_TABLE } from './kl-table-default.js';
export { monteCarloDivergence, type MonteCarloOptions } from './monte-carlo-divergence.js';
export {
  klBetaBeta,
  klDirichletDirichlet,
  type BetaParams,
  type ConcentrationParams,
} from './kl/beta-dirichlet.js';
export { klContinuousBernoulliContinuousBernoulli, type LogitParams } from './kl/continuous-bernoulli.js';
export {
  klBernoulliBernoulli,
  klCategoricalCategorical,
  klPoissonPoisson,
  type ProbabilityParams,
} from './kl/discrete.js';
export { klSupportMismatch, type BatchShaped } from './kl/disjoint-support.js';
export {
  klExponentialExponential,
  klExponentialGamma,
  klGammaExponential,
  klGammaGamma,
  type GammaParams,
  type RateParams,
} from './kl/gamma.js';
export { klIndependentIndependent, type ReinterpretedParams } from './kl/independent.js';
export {
  klHalfNormalHalfNormal,
  klLaplaceLaplace,
  klNormalNormal,
  type LocScaleParams,
  type ScaleParams,
} from './kl/location-scale.js';
export {
  klMultivariateNormalDiag,
  klMultivariateNormalDiagTriL,
  klMultivariateNormalTriL,
  klMultivariateNormalTriLDiag,
  type DiagonalNormalParams,
  type TriangularNormalParams,
} from './kl/multivariate-normal.js';
export { klUniformNormal, klUniformUniform, type IntervalParams } from './kl/uniform.js';
export { klWishartWishart, type WishartParams } from './kl/wishart.js';
