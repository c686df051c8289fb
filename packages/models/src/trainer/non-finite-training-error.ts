import { NonFiniteError } from '@elbo/core';

/** The last step that succeeded before a {@link NonFiniteTrainingError}. */
export interface LastGoodStep {
  /** The step, counted from 1. */
  readonly step: number;
  /** Its loss. */
  readonly loss: number;
  /** Its terms. */
  readonly terms: Readonly<Record<string, number>>;
}

/** What a {@link NonFiniteTrainingError} diagnoses. */
export interface NonFiniteTrainingDiagnosis {
  /** The step that failed, counted from 1. */
  readonly step: number;
  /** The epoch it belonged to, counted from 1. */
  readonly epoch: number;
  /**
   * What became non-finite: a term of the model's loss (`kl`, `reconstruction`, ...), `loss` (the loss
   * while every term was finite), `gradient` (see `variable`) or `weights` (a variable after an update).
   */
  readonly term: string;
  /** Its value (NaN or ±Infinity). */
  readonly value: number;
  /** For `gradient` and `weights`: the model's name of the variable. */
  readonly variable?: string;
  /** The last good step, if one succeeded in this run. */
  readonly lastGood?: LastGoodStep;
  /** The last checkpoint written (or resumed from), which was left in place. */
  readonly checkpoint?: { readonly epoch: number; readonly step: number; readonly source: string };
}

/**
 * Training stopped because a loss term, the loss, a gradient or a weight became NaN or ±Infinity (a
 * `NonFiniteError`, code `E_NONFINITE`). The failing step updated nothing, so the model holds the values
 * after the last good step, and the last checkpoint was not overwritten.
 *
 * @example
 * try { await fit({ model, data, epochs: 10, seed: 0 }) }
 * catch (e) { if (e instanceof NonFiniteTrainingError) console.log(e.term, e.step, e.epoch, e.lastGood) }
 */
export class NonFiniteTrainingError extends NonFiniteError {
  /** The step that failed, counted from 1. */
  readonly step: number;
  /** The epoch of that step, counted from 1. */
  readonly epoch: number;
  /** The term that became non-finite (`kl`, ...), or `loss`, `gradient`, `weights`. */
  readonly term: string;
  /** The non-finite value. */
  readonly value: number;
  /** The variable, for `gradient` and `weights`. */
  readonly variable: string | undefined;
  /** The last good step, or undefined when the run's first step failed. */
  readonly lastGood: LastGoodStep | undefined;
  /** The checkpoint left in place, or undefined when none was written. */
  readonly checkpoint: NonFiniteTrainingDiagnosis['checkpoint'];

  constructor(diagnosis: NonFiniteTrainingDiagnosis) {
    const { step, epoch, term, value, variable, lastGood, checkpoint } = diagnosis;
    const what =
      term === 'gradient'
        ? `the gradient of variable '${variable ?? '?'}' is not finite`
        : term === 'weights'
          ? `variable '${variable ?? '?'}' became non-finite after the update`
          : term === 'loss'
            ? `the loss is ${String(value)} (every term finite)`
            : `term '${term}' of the loss is ${String(value)}`;
    const last =
      lastGood === undefined
        ? 'no step of this run had succeeded'
        : `the last good step was ${lastGood.step} with loss ${lastGood.loss}` +
          (Object.keys(lastGood.terms).length > 0
            ? ` (${Object.entries(lastGood.terms)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')})`
            : '');
    const kept =
      checkpoint === undefined
        ? 'no checkpoint was written'
        : `the checkpoint of epoch ${checkpoint.epoch} (step ${checkpoint.step}) in ${checkpoint.source} was left in place`;
    super(
      `fit: at step ${step} (epoch ${epoch}) ${what}; ${last}; ${kept}. ` +
        `Lower the learning rate, set 'clipNorm', lengthen 'klWarmup', or check the model's log densities.`,
    );
    this.step = step;
    this.epoch = epoch;
    this.term = term;
    this.value = value;
    this.variable = variable;
    this.lastGood = lastGood;
    this.checkpoint = checkpoint;
  }
}
