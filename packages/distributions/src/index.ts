export {
  Distribution,
  NotImplementedError,
  toSampleShape,
  type DistributionOptions,
  type SampleShape,
  type SeedLike,
} from './distribution.js';
export * as supports from './support.js';
export type { Support } from './support.js';
export * as bijectors from './bijectors/index.js';
export {
  Affine,
  Bijector,
  Chain,
  Exp,
  FillScaleTriL,
  Scale,
  Shift,
  Sigmoid,
  Softplus,
  type BijectorOptions,
  type FillScaleTriLOptions,
} from './bijectors/index.js';
export { Bernoulli, bernoulli, type BernoulliParams } from './bernoulli.js';
export { Beta, beta } from './beta.js';
export { Categorical, categorical, type CategoricalParams } from './categorical.js';
export {
  ContinuousBernoulli,
  continuousBernoulli,
  type ContinuousBernoulliParams,
} from './continuous-bernoulli.js';
export { Dirichlet, dirichlet } from './dirichlet.js';
export { Exponential, exponential } from './exponential.js';
export { Gamma, gamma } from './gamma.js';
export { HalfNormal, halfNormal } from './half-normal.js';
export { Independent, independent } from './independent.js';
export { Laplace, laplace } from './laplace.js';
export { LogNormal, logNormal } from './log-normal.js';
export { MixtureSameFamily, mixtureSameFamily, type MixtureInput } from './mixture-same-family.js';
export { MultivariateNormalDiag, multivariateNormalDiag } from './multivariate-normal-diag.js';
export { MultivariateNormalTriL, multivariateNormalTriL } from './multivariate-normal-tril.js';
export { Normal, normal } from './normal.js';
export { OneHotCategorical, oneHotCategorical } from './one-hot-categorical.js';
export { Poisson, poisson } from './poisson.js';
export {
  LogitRelaxedBernoulli,
  RelaxedBernoulli,
  relaxedBernoulli,
  type RelaxedBernoulliParams,
} from './relaxed-bernoulli.js';
export {
  ExpRelaxedCategorical,
  RelaxedOneHotCategorical,
  relaxedOneHotCategorical,
  type RelaxedCategoricalParams,
} from './relaxed-one-hot-categorical.js';
export { StudentT, studentT } from './student-t.js';
export { TransformedDistribution, transformedDistribution } from './transformed.js';
export { Uniform, uniform } from './uniform.js';
export { Wishart, wishart } from './wishart.js';
