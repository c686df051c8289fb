import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';
import {
  Bernoulli,
  Beta,
  Categorical,
  ContinuousBernoulli,
  Dirichlet,
  Exponential,
  Gamma,
  HalfNormal,
  Laplace,
  LogNormal,
  MultivariateNormalDiag,
  MultivariateNormalTriL,
  Normal,
  OneHotCategorical,
  Poisson,
  StudentT,
  Uniform,
  Wishart,
  type Distribution,
} from '@elbo/distributions';
import type { Nested } from './reference-file.js';

type Params = Record<string, Nested>;
type Getter = (name: string) => tf.Tensor;
type Builder = (p: Getter, has: (name: string) => boolean) => Distribution;

/** `{ logits }` when the case gives logits (torch's default), else `{ probs }`. */
const probabilities = (p: Getter, has: (name: string) => boolean) =>
  has('logits') ? { logits: p('logits') } : { probs: p('probs') };

/**
 * Every family a reference file may name, built from torch.distributions parameter names. Parameters are
 * handed over as tensors, so values are not re-validated: the file's own cases are the check.
 */
const FAMILIES: Readonly<Record<string, Builder>> = {
  Normal: (p) => new Normal(p('loc'), p('scale')),
  LogNormal: (p) => new LogNormal(p('loc'), p('scale')),
  Laplace: (p) => new Laplace(p('loc'), p('scale')),
  Uniform: (p) => new Uniform(p('low'), p('high')),
  Exponential: (p) => new Exponential(p('rate')),
  HalfNormal: (p) => new HalfNormal(p('scale')),
  Gamma: (p) => new Gamma(p('concentration'), p('rate')),
  Beta: (p) => new Beta(p('concentration1'), p('concentration0')),
  Bernoulli: (p, has) => new Bernoulli(probabilities(p, has)),
  ContinuousBernoulli: (p, has) => new ContinuousBernoulli(probabilities(p, has)),
  Categorical: (p, has) => new Categorical(probabilities(p, has)),
  OneHotCategorical: (p, has) => new OneHotCategorical(probabilities(p, has)),
  Dirichlet: (p) => new Dirichlet(p('concentration')),
  Poisson: (p) => new Poisson(p('rate')),
  StudentT: (p) => new StudentT(p('df'), p('loc'), p('scale')),
  MultivariateNormalDiag: (p) => new MultivariateNormalDiag(p('loc'), p('scale_diag')),
  MultivariateNormalTriL: (p) => new MultivariateNormalTriL(p('loc'), p('scale_tril')),
  Wishart: (p) => new Wishart(p('df'), p('scale_tril')),
};

/** The families `elbo conformance` understands. */
export const CONFORMANCE_FAMILIES: readonly string[] = Object.keys(FAMILIES);

/** A distribution built from a reference case, and `release()` to free it with its parameter tensors. */
export interface BuiltDistribution {
  readonly distribution: Distribution;
  release(): void;
}

/**
 * Builds a distribution from a family name and torch-named parameters (nested arrays).
 *
 * @throws {ArgumentError} for an unknown family or a missing parameter.
 */
export function buildDistribution(family: string, params: Params): BuiltDistribution {
  const builder = FAMILIES[family];
  if (builder === undefined) {
    throw new ArgumentError(
      `conformance: unknown family '${family}', expected one of ${CONFORMANCE_FAMILIES.join(', ')}`,
    );
  }
  const created: tf.Tensor[] = [];
  const get = (name: string): tf.Tensor => {
    const value = params[name];
    if (value === undefined) {
      throw new ArgumentError(
        `conformance: family '${family}' needs parameter '${name}', got ${Object.keys(params).join(', ')}`,
      );
    }
    const t = tf.tensor(value as number[]);
    created.push(t);
    return t;
  };
  try {
    const distribution = builder(get, (name) => params[name] !== undefined);
    return {
      distribution,
      release: () => {
        distribution.dispose();
        tf.dispose(created);
      },
    };
  } catch (error) {
    tf.dispose(created);
    throw error;
  }
}
