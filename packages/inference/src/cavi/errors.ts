import { ElboError } from '@elbo/core';

/**
 * Coordinate ascent raised the objective it must never lower: the ELBO after a sweep is below the one
 * before by more than the float tolerance. Each CAVI update maximises the ELBO in one factor with the
 * others fixed, so a decrease means an update (or the ELBO itself) is wrong. Code `E_ELBO_DECREASED`.
 *
 * @example
 * try { run.step() } catch (e) { if (e instanceof ElboDecreasedError) console.log(e.previous, e.current) }
 */
export class ElboDecreasedError extends ElboError {
  /** The 1-based iteration whose sweep lowered the ELBO. */
  readonly iteration: number;
  /** The ELBO before that sweep. */
  readonly previous: number;
  /** The ELBO after it. */
  readonly current: number;

  constructor(
    message: string,
    details: { iteration: number; previous: number; current: number },
    options?: { cause?: unknown },
  ) {
    super('E_ELBO_DECREASED', message, options);
    this.iteration = details.iteration;
    this.previous = details.previous;
    this.current = details.current;
  }
}
