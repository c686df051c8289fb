import { ArgumentError, NonFiniteError } from '@elbo/core';
import { checkOptionKeys, readNumber } from './arguments.js';
import { ElboDecreasedError } from './errors.js';

/**
 * A model that coordinate ascent can fit: a mean-field family q(z) = ∏ⱼ qⱼ(zⱼ) of exponential-family
 * factors whose optimal update, qⱼ*(zⱼ) ∝ exp E₋ⱼ[log p(x, z)], is known in closed form.
 *
 * `sweep()` applies every coordinate update once, in a fixed order; `elbo()` evaluates the full bound
 * L(q) = E_q[log p(x, z)] − E_q[log q(z)] (every constant kept) at the current factors. Write your own
 * to run it under {@link CoordinateAscent}.
 *
 * @example
 * const model: CaviModel<number> = {
 *   name: 'toy', sweep() {}, elbo: () => -1, posterior: () => 0, dispose() {},
 * };
 */
export interface CaviModel<Posterior> {
  /** Named in error messages. */
  readonly name: string;
  /** One round of coordinate updates of every factor. */
  sweep(): void;
  /** The full ELBO at the current factors, a number. */
  elbo(): number;
  /** A snapshot of the factors; tensors in it belong to the caller. */
  posterior(): Posterior;
  /** Frees the tensors the model holds. */
  dispose(): void;
}

/** What the per-sweep hook receives. */
export interface CaviSweepRecord {
  /** 1-based iteration (sweep) number. */
  readonly iteration: number;
  /** The ELBO after this sweep. */
  readonly elbo: number;
  /** The ELBO change since the previous sweep (NaN on the first). */
  readonly change: number;
  /** Whether the relative change |ΔL| / |L| fell to `tolerance` or below. */
  readonly converged: boolean;
}

/** Options of a coordinate-ascent run. */
export interface CaviOptions {
  /** The most sweeps {@link CoordinateAscent.fit} runs (default 1000). */
  readonly maxIterations?: number;
  /** Convergence when |L_t − L_{t−1}| ≤ tolerance · |L_t| (default 1e-6; 0 runs all `maxIterations`). */
  readonly tolerance?: number;
  /**
   * How far the ELBO may drop in one sweep before it counts as a decrease, relative to max(1, |L|):
   * float32 round-off, default 1e-5 (raise it on WebGL, whose transcendental functions are approximate).
   */
  readonly decreaseTolerance?: number;
  /** Called after every sweep; returning `false` stops {@link CoordinateAscent.fit}. */
  readonly onSweep?: (record: CaviSweepRecord) => void | boolean;
}

/** What {@link CoordinateAscent.fit} returns. */
export interface CaviResult<Posterior> {
  /** The fitted factors; tensors in it belong to the caller. */
  readonly posterior: Posterior;
  /** The ELBO after each sweep. */
  readonly elbo: number[];
  /** Whether the relative ELBO change reached the tolerance. */
  readonly converged: boolean;
  /** The number of sweeps run. */
  readonly iterations: number;
}

/** The option names every CAVI model function accepts besides its own. */
export const CAVI_OPTION_KEYS: readonly string[] = [
  'maxIterations',
  'tolerance',
  'decreaseTolerance',
  'onSweep',
];

interface ResolvedOptions {
  maxIterations: number;
  tolerance: number;
  decreaseTolerance: number;
  onSweep: ((record: CaviSweepRecord) => void | boolean) | undefined;
}

function resolveOptions(record: Record<string, unknown>, fn: string): ResolvedOptions {
  const onSweep = record['onSweep'];
  if (onSweep !== undefined && typeof onSweep !== 'function') {
    throw new ArgumentError(
      `${fn}: option 'onSweep' is a ${typeof onSweep}, expected a function (record) => void | boolean`,
    );
  }
  return {
    maxIterations: readNumber(record, 'maxIterations', 'positiveInteger', fn, 1000),
    tolerance: readNumber(record, 'tolerance', 'nonNegative', fn, 1e-6),
    decreaseTolerance: readNumber(record, 'decreaseTolerance', 'nonNegative', fn, 1e-5),
    onSweep: onSweep as ResolvedOptions['onSweep'],
  };
}

/**
 * Coordinate-ascent variational inference (CAVI; Bishop PRML §10.1, Blei et al. 2017 Algorithm 1) over a
 * {@link CaviModel}: each {@link step} runs one sweep of coordinate updates and returns the full ELBO
 * L(q) = E_q[log p(x, z)] − E_q[log q(z)]. Because every update maximises L in one factor, L never
 * decreases: a drop beyond `decreaseTolerance · max(1, |L|)` throws {@link ElboDecreasedError}, a NaN or
 * infinite L a `NonFiniteError`, both naming the model, the iteration and the values. Convergence is a
 * relative change |L_t − L_{t−1}| ≤ tolerance · |L_t|.
 *
 * The caller owns the loop (`step()` returns L) or calls {@link fit}. The run owns the model's tensors:
 * {@link dispose} (or `fit`, which disposes when it returns or throws) frees them.
 *
 * @example
 * const run = normalGammaCavi([1.2, 0.8, 1.1], { mu0: 0, lambda0: 1, a0: 1, b0: 1 });
 * const first = run.step();            // the caller owns the loop...
 * const { posterior, elbo } = run.fit(); // ...or lets fit() run it to convergence
 */
export class CoordinateAscent<Posterior> {
  private readonly trace: number[] = [];
  private readonly options: ResolvedOptions;
  private isConverged = false;
  private stopRequested = false;
  private disposed = false;

  constructor(
    private readonly model: CaviModel<Posterior>,
    options: CaviOptions = {},
  ) {
    this.options = resolveOptions(checkOptionKeys(options, CAVI_OPTION_KEYS, model.name), model.name);
  }

  /** The ELBO after each sweep so far (a copy). */
  get elboTrace(): number[] {
    return [...this.trace];
  }

  /** Sweeps run so far. */
  get iterations(): number {
    return this.trace.length;
  }

  /** Whether the last sweep met the convergence test. */
  get converged(): boolean {
    return this.isConverged;
  }

  /**
   * One sweep of coordinate updates; returns the ELBO after it.
   *
   * @throws {ElboDecreasedError} the ELBO fell beyond round-off.
   * @throws {NonFiniteError} the ELBO is NaN or ±∞.
   */
  step(): number {
    if (this.disposed)
      throw new ArgumentError(`${this.model.name}.step: the run was disposed (fit() disposes it)`);
    const iteration = this.trace.length + 1;
    this.model.sweep();
    const value = this.model.elbo();
    const previous = this.trace[this.trace.length - 1];
    if (!Number.isFinite(value)) {
      throw new NonFiniteError(
        `${this.model.name}: the ELBO is ${value} after iteration ${iteration} (last finite values ${this.lastValues()}); check the data and the prior for extreme values`,
      );
    }
    if (previous !== undefined) {
      const slack = this.options.decreaseTolerance * Math.max(1, Math.abs(previous));
      if (value < previous - slack) {
        throw new ElboDecreasedError(
          `${this.model.name}: the ELBO decreased at iteration ${iteration}, from ${previous} to ${value} (by ${previous - value}, beyond the float tolerance ${slack}); a coordinate update or the ELBO is wrong`,
          { iteration, previous, current: value },
        );
      }
    }
    this.trace.push(value);
    const change = previous === undefined ? Number.NaN : value - previous;
    this.isConverged = previous !== undefined && Math.abs(change) <= this.options.tolerance * Math.abs(value);
    const keepGoing = this.options.onSweep?.({ iteration, elbo: value, change, converged: this.isConverged });
    if (keepGoing === false) this.stopRequested = true;
    return value;
  }

  private lastValues(): string {
    const last = this.trace.slice(-3);
    return last.length === 0 ? 'none' : last.join(', ');
  }

  /** The current factors (see the model's posterior type); tensors in it belong to the caller. */
  posterior(): Posterior {
    return this.model.posterior();
  }

  /**
   * Sweeps until converged, `maxIterations` sweeps in all, or `onSweep` returns false; then returns the
   * posterior and frees the model's tensors (also when a sweep throws).
   */
  fit(): CaviResult<Posterior> {
    try {
      this.stopRequested = false;
      while (this.trace.length < this.options.maxIterations && !this.stopRequested) {
        this.step();
        if (this.isConverged) break;
      }
      return {
        posterior: this.model.posterior(),
        elbo: [...this.trace],
        converged: this.isConverged,
        iterations: this.trace.length,
      };
    } finally {
      this.dispose();
    }
  }

  /** Frees the model's tensors; idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}

/**
 * Wraps a {@link CaviModel} in a {@link CoordinateAscent} run.
 *
 * @example
 * const run = coordinateAscent(myModel, { maxIterations: 200, tolerance: 1e-8 });
 * const { elbo, converged } = run.fit();
 */
export function coordinateAscent<Posterior>(
  model: CaviModel<Posterior>,
  options: CaviOptions = {},
): CoordinateAscent<Posterior> {
  return new CoordinateAscent(model, options);
}
