import { NonFiniteError } from '@elbo/core';

/** What a {@link NonFiniteLossError} diagnoses. */
export interface NonFiniteDiagnosis {
  /** The function that stopped (`svi.step`, `fitSurrogatePosterior`). */
  readonly fn: string;
  /** The step that produced it, counted from 1. */
  readonly step: number;
  /** The term that became non-finite (`expectedLogLikelihood`, `kl`, ...), `loss`, or `gradient`. */
  readonly term: string;
  /** Its value (NaN or ±Infinity). */
  readonly value: number;
  /** For a gradient: the variable whose gradient is non-finite. */
  readonly variable?: string;
  /** The last finite loss and its step, if any step succeeded. */
  readonly lastGood?: { readonly loss: number; readonly step: number };
}

/**
 * A non-finite loss or gradient in training (a `NonFiniteError`, code `E_NONFINITE`), naming the step,
 * the term and the last good loss. The parameters were not updated by the failing step, so they hold the
 * values after the last good one.
 *
 * @example
 * try { svi.step(batch) } catch (e) { if (e instanceof NonFiniteLossError) console.log(e.step, e.term, e.lastGoodLoss) }
 */
export class NonFiniteLossError extends NonFiniteError {
  /** The step that produced it, counted from 1. */
  readonly step: number;
  /** The non-finite term (`expectedLogLikelihood`, `kl`, `loss`, `gradient`, ...). */
  readonly term: string;
  /** The non-finite value. */
  readonly value: number;
  /** The variable, for a non-finite gradient. */
  readonly variable: string | undefined;
  /** The last finite loss, or undefined when the first step failed. */
  readonly lastGoodLoss: number | undefined;
  /** The step of the last finite loss. */
  readonly lastGoodStep: number | undefined;

  constructor(diagnosis: NonFiniteDiagnosis) {
    const { fn, step, term, value, variable, lastGood } = diagnosis;
    const what =
      term === 'gradient'
        ? `the gradient of variable '${variable ?? '?'}' is not finite (a NaN or ±Infinity entry)`
        : term === 'loss'
          ? `the loss is ${String(value)}`
          : `the loss is non-finite: term '${term}' is ${String(value)}`;
    const last =
      lastGood === undefined
        ? 'no step had succeeded yet'
        : `the last good loss was ${lastGood.loss} at step ${lastGood.step}`;
    super(
      `${fn}: at step ${step} ${what}; ${last}. The parameters were not updated by this step. ` +
        `Check the model's log densities at the guide's draws (a scale that reaches 0, a log of 0), lower the learning rate, or clamp the parameters.`,
    );
    this.step = step;
    this.term = term;
    this.value = value;
    this.variable = variable;
    this.lastGoodLoss = lastGood?.loss;
    this.lastGoodStep = lastGood?.step;
  }
}
