import {
  Bernoulli,
  Beta,
  Categorical,
  ContinuousBernoulli,
  Dirichlet,
  Exponential,
  Gamma,
  HalfNormal,
  Independent,
  Laplace,
  LogNormal,
  MultivariateNormalDiag,
  MultivariateNormalTriL,
  Normal,
  OneHotCategorical,
  Poisson,
  Uniform,
  Wishart,
} from '@elbo/distributions';
import { klPair, type DistributionClass, type KlEntry, type KlTable } from './kl-table.js';
import { klBetaBeta, klDirichletDirichlet } from './kl/beta-dirichlet.js';
import { klContinuousBernoulliContinuousBernoulli } from './kl/continuous-bernoulli.js';
import { klBernoulliBernoulli, klCategoricalCategorical, klPoissonPoisson } from './kl/discrete.js';
import { klSupportMismatch } from './kl/disjoint-support.js';
import {
  klExponentialExponential,
  klExponentialGamma,
  klGammaExponential,
  klGammaGamma,
} from './kl/gamma.js';
import { klIndependentIndependent } from './kl/independent.js';
import { klHalfNormalHalfNormal, klLaplaceLaplace, klNormalNormal } from './kl/location-scale.js';
import {
  klMultivariateNormalDiag,
  klMultivariateNormalDiagTriL,
  klMultivariateNormalTriL,
  klMultivariateNormalTriLDiag,
} from './kl/multivariate-normal.js';
import { klUniformNormal, klUniformUniform } from './kl/uniform.js';
import { klWishartWishart } from './kl/wishart.js';

/** Rows of +∞ for every p-family in `ps` against every q-family in `qs` (supports that q cannot cover). */
function disjoint(ps: readonly DistributionClass[], qs: readonly DistributionClass[]): KlEntry[] {
  return ps.flatMap((p) => qs.map((q) => klPair(p, q, klSupportMismatch)));
}

/**
 * The built-in closed forms of KL(p‖q), one row `[PClass, QClass, klFunction]` per pair, read top to
 * bottom:
 *
 * | p | q | closed form |
 * | --- | --- | --- |
 * | Normal, LogNormal, Laplace, HalfNormal | the same family | {@link klNormalNormal}, {@link klLaplaceLaplace}, {@link klHalfNormalHalfNormal} |
 * | Exponential, Gamma | Exponential or Gamma | {@link klExponentialExponential}, {@link klExponentialGamma}, {@link klGammaExponential}, {@link klGammaGamma} |
 * | Beta, Dirichlet | the same family | {@link klBetaBeta}, {@link klDirichletDirichlet} |
 * | Uniform | Uniform, Normal | {@link klUniformUniform} (+∞ unless p's interval lies in q's), {@link klUniformNormal} |
 * | Bernoulli, ContinuousBernoulli, Categorical, OneHotCategorical, Poisson | the same family | {@link klBernoulliBernoulli}, {@link klContinuousBernoulliContinuousBernoulli}, {@link klCategoricalCategorical}, {@link klPoissonPoisson} |
 * | MultivariateNormalDiag, MultivariateNormalTriL | either | {@link klMultivariateNormalDiag}, {@link klMultivariateNormalTriL} and the mixed pairs |
 * | Wishart | Wishart | {@link klWishartWishart} |
 * | Independent | Independent | {@link klIndependentIndependent}: the base pair by the same table, summed over the reinterpreted axes |
 * | Normal, Laplace (on ℝ) | Exponential, Gamma, HalfNormal, LogNormal, Beta, Uniform | +∞ ({@link klSupportMismatch}) |
 * | Exponential, Gamma, HalfNormal, LogNormal (on (0, ∞)) | Beta, Uniform | +∞ |
 *
 * Extend it by passing your own rows after these (`klDivergence(p, q, { table: [...KL_TABLE, row] })`);
 * it is frozen, never mutated at import.
 */
export const KL_TABLE: KlTable = Object.freeze([
  klPair(Normal, Normal, klNormalNormal),
  // KL is invariant under the common bijection exp, so two log-normals have their normals' KL.
  klPair(LogNormal, LogNormal, klNormalNormal),
  klPair(Laplace, Laplace, klLaplaceLaplace),
  klPair(HalfNormal, HalfNormal, klHalfNormalHalfNormal),
  klPair(Exponential, Exponential, klExponentialExponential),
  klPair(Exponential, Gamma, klExponentialGamma),
  klPair(Gamma, Exponential, klGammaExponential),
  klPair(Gamma, Gamma, klGammaGamma),
  klPair(Beta, Beta, klBetaBeta),
  klPair(Dirichlet, Dirichlet, klDirichletDirichlet),
  klPair(Uniform, Uniform, klUniformUniform),
  klPair(Uniform, Normal, klUniformNormal),
  klPair(Bernoulli, Bernoulli, klBernoulliBernoulli),
  klPair(ContinuousBernoulli, ContinuousBernoulli, klContinuousBernoulliContinuousBernoulli),
  klPair(Categorical, Categorical, klCategoricalCategorical),
  klPair(OneHotCategorical, OneHotCategorical, klCategoricalCategorical),
  klPair(Poisson, Poisson, klPoissonPoisson),
  klPair(MultivariateNormalDiag, MultivariateNormalDiag, klMultivariateNormalDiag),
  klPair(MultivariateNormalTriL, MultivariateNormalTriL, klMultivariateNormalTriL),
  klPair(MultivariateNormalDiag, MultivariateNormalTriL, klMultivariateNormalDiagTriL),
  klPair(MultivariateNormalTriL, MultivariateNormalDiag, klMultivariateNormalTriLDiag),
  klPair(Wishart, Wishart, klWishartWishart),
  klPair(Independent, Independent, klIndependentIndependent),
  ...disjoint([Normal, Laplace], [Exponential, Gamma, HalfNormal, LogNormal, Beta, Uniform]),
  ...disjoint([Exponential, Gamma, HalfNormal, LogNormal], [Beta, Uniform]),
]);
