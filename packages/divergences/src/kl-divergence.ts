import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkOptions, formatShape, ShapeError } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';
import { klReverse } from './csiszar.js';
import { KL_TABLE } from './kl-table-default.js';
import { checkKlTable, findKl, type KlContext, type KlTable } from './kl-table.js';
import {
  checkPair,
  monteCarloEstimate,
  readMonteCarloOptions,
  type MonteCarloOptions,
} from './monte-carlo-divergence.js';

/** Options of {@link klDivergence}. */
export interface KlDivergenceOptions {
  /**
   * The table of closed forms to look the pair up in (default {@link KL_TABLE}). Extend it by passing
   * your own rows after the built-in ones: `[...KL_TABLE, [MyDist, Normal, myKl]]`; a later row
   * overrides an earlier one for the same classes.
   */
  readonly table?: KlTable;
  /**
   * Estimate KL(p‖q) = E_p[log p(X) − log q(X)] by Monte Carlo instead of the closed form, with this many
   * draws from p and this seed (and optionally the gradient estimator, see `monteCarloDivergence`).
   */
  readonly monteCarlo?: MonteCarloOptions;
}

const FN = 'klDivergence';

/** The closed form of the pair by `table`, broadcast to `batch`. */
function closedForm(p: Distribution, q: Distribution, table: KlTable, batch: readonly number[]): tf.Tensor {
  const row = findKl(table, p, q);
  if (row === undefined) {
    throw new ArgumentError(
      `${FN}: no closed form for KL(${p.name} ‖ ${q.name}) in the table (${table.length} rows; p is a ${p.constructor.name}, q a ${q.constructor.name}). ` +
        `For a Monte Carlo estimate pass { monteCarlo: { samples, seed } } (e.g. klDivergence(p, q, { monteCarlo: { samples: 1000, seed: 0 } })); ` +
        `to add a closed form, extend the table: klDivergence(p, q, { table: [...KL_TABLE, [${p.constructor.name}, ${q.constructor.name}, myKl]] }).`,
    );
  }
  const context: KlContext = { table, kl: (p2, q2) => klDivergence(p2, q2, { table }) };
  const fn = row[2] as (p: Distribution, q: Distribution, context: KlContext) => tf.Tensor;
  return tf.tidy(() => {
    const value = fn(p, q, context);
    if (!(value instanceof tf.Tensor)) {
      throw new ArgumentError(
        `${FN}: the table's function for KL(${p.name} ‖ ${q.name}) (${fn.name || 'anonymous'}) returned ${value === null ? 'null' : `a ${typeof value}`}, expected a tensor`,
      );
    }
    const broadcastable =
      value.rank <= batch.length &&
      value.shape.every((d, i) => d === 1 || d === batch[batch.length - value.rank + i]);
    if (!broadcastable) {
      throw new ShapeError(
        `${FN}: the table's function for KL(${p.name} ‖ ${q.name}) (${fn.name || 'anonymous'}) returned shape ${formatShape(value.shape)}, expected one that broadcasts to the batch shape ${formatShape(batch)}`,
      );
    }
    return tf.broadcastTo(value, [...batch]);
  });
}

/**
 * The Kullback-Leibler divergence KL(p‖q) = E_p[log p(X) − log q(X)] = ∫ p log(p/q), ≥ 0 and 0 only when
 * p = q; +∞ where p puts mass on a set q gives none. Note the order: the expectation is under p, the
 * first argument (torch's and TFP's `kl_divergence(p, q)`).
 *
 * By default it is the closed form of the pair in {@link KL_TABLE} (see its TSDoc for the rows), or in
 * `options.table`; a pair without a row is an ArgumentError (nothing is estimated behind your back). With
 * `options.monteCarlo` it is the Monte Carlo estimate mean_i[log p(xᵢ) − log q(xᵢ)], xᵢ ~ p, instead
 * (`monteCarloDivergence(p, q, klReverse, options.monteCarlo)`).
 *
 * Gradients flow to the parameters of both p and q through the closed forms (and through reparameterised
 * draws, or the score function, for the Monte Carlo estimate).
 *
 * @param p the distribution the expectation is under.
 * @param q the reference distribution, with the same event shape as p; batch shapes broadcast.
 * @returns a tensor of the broadcast batch shape, owned by the caller.
 * @throws {ArgumentError} no row for the pair (the message says how to get an estimate or extend the
 *   table), an argument is not a Distribution, or an option is unknown or malformed.
 * @throws {ShapeError} event shapes differ or batch shapes do not broadcast.
 * @example
 * klDivergence(new Normal(0, 1), new Normal(1, 2)).print(); // 0.4431
 * klDivergence(new Normal(0, 1), new Normal(1, 2), { monteCarlo: { samples: 10000, seed: 7 } }).print(); // ≈ 0.443
 * klDivergence(new MyDist(), new Normal(0, 1), { table: [...KL_TABLE, [MyDist, Normal, myKl]] });
 */
export function klDivergence(p: Distribution, q: Distribution, options: KlDivergenceOptions = {}): tf.Tensor {
  const o = checkOptions(options, ['table', 'monteCarlo'], FN);
  const batch = checkPair(p, q, FN);
  const table = o['table'] === undefined ? KL_TABLE : checkKlTable(o['table'], FN, 'options.table');
  if (o['monteCarlo'] !== undefined) {
    const settings = readMonteCarloOptions(o['monteCarlo'], p, FN, 'options.monteCarlo');
    return monteCarloEstimate(p, q, klReverse, batch, settings, FN);
  }
  return closedForm(p, q, table, batch);
}
