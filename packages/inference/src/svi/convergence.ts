import { ArgumentError, checkOptions } from '@elbo/core';
import { checkInteger, checkPositiveNumber } from '../elbo/options.js';

/** Options of {@link relativeChangeConvergence}. */
export interface ConvergenceOptions {
  /** Converged when the relative change of the windowed mean loss is below this (default 1e-3). */
  readonly tolerance?: number;
  /** How many steps each window averages over (default 50): Monte Carlo noise falls as 1/√window. */
  readonly window?: number;
  /** How many consecutive windows must pass the test (default 3). */
  readonly patience?: number;
}

/** A stateful convergence test: feed it each step's loss; it says when to stop. */
export interface ConvergenceTest {
  /** Records one loss; returns true once converged (and from then on). */
  update(loss: number): boolean;
  /** Whether it has converged. */
  readonly converged: boolean;
  /** Forgets every loss seen. */
  reset(): void;
}

/**
 * A convergence test on the relative change of the ELBO, robust to Monte Carlo noise: the losses are
 * averaged over consecutive, non-overlapping windows of `window` steps, m₀, m₁, …, and the test passes
 * for window j when
 *
 *   |m_j − m_{j−1}| / max(|m_{j−1}|, 10⁻⁸) < tolerance;
 *
 * it has converged after `patience` consecutive passes (a failing window resets the count). So it needs
 * at least (patience + 1)·window steps, and a single noisy step cannot stop training.
 *
 * @throws {ArgumentError} unknown options, a window or patience that is not an integer ≥ 1.
 * @throws {DomainError} a tolerance ≤ 0.
 * @example
 * const test = relativeChangeConvergence({ tolerance: 1e-4, window: 20, patience: 2 });
 * for (let i = 0; i < 1000 && !test.update(engine.step(batch)); i++);
 */
export function relativeChangeConvergence(options: ConvergenceOptions = {}): ConvergenceTest {
  const fn = 'relativeChangeConvergence';
  const o = checkOptions(options, ['tolerance', 'window', 'patience'], fn);
  const tolerance = checkPositiveNumber(o['tolerance'], 'options.tolerance', fn, 1e-3);
  const window = checkInteger(o['window'], 'options.window', fn, 50);
  const patience = checkInteger(o['patience'], 'options.patience', fn, 3);
  let sum = 0;
  let count = 0;
  let previous: number | undefined;
  let passes = 0;
  let converged = false;
  return {
    update(loss: number): boolean {
      if (typeof loss !== 'number') {
        throw new ArgumentError(`${fn}: update's argument 'loss' is a ${typeof loss}, expected a number`);
      }
      if (converged) return true;
      sum += loss;
      count += 1;
      if (count < window) return false;
      const mean = sum / count;
      sum = 0;
      count = 0;
      if (previous !== undefined) {
        const change = Math.abs(mean - previous) / Math.max(Math.abs(previous), 1e-8);
        passes = change < tolerance ? passes + 1 : 0;
        converged = passes >= patience;
      }
      previous = mean;
      return converged;
    },
    get converged() {
      return converged;
    },
    reset() {
      sum = 0;
      count = 0;
      previous = undefined;
      passes = 0;
      converged = false;
    },
  };
}
