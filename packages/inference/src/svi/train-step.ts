import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '@elbo/core';
import { NonFiniteLossError } from './non-finite-loss-error.js';

/** What one step computes: a scalar loss and named scalar terms, all owned by the step. */
export interface StepComputation {
  readonly loss: tf.Scalar;
  readonly terms: Readonly<Record<string, tf.Scalar>>;
}

/** The loss and terms of a successful step, as numbers. */
export interface StepResult {
  readonly loss: number;
  readonly terms: Readonly<Record<string, number>>;
}

/** Throws an ArgumentError unless `optimizer` looks like a tf.Optimizer. */
export function checkOptimizer(optimizer: unknown, fn: string): tf.Optimizer {
  if (
    optimizer === null ||
    typeof optimizer !== 'object' ||
    typeof (optimizer as { applyGradients?: unknown }).applyGradients !== 'function'
  ) {
    throw new ArgumentError(
      `${fn}: argument 'options.optimizer' is ${describeValue(optimizer)}, expected a tf.Optimizer (e.g. tf.train.adam(0.05))`,
    );
  }
  return optimizer as tf.Optimizer;
}

/**
 * One gradient step: computes the loss and its gradient with respect to `variables` (tf.variableGrads),
 * reads the loss, the terms and the finiteness of every gradient back in one download, and applies the
 * gradients with `optimizer` only if all are finite; otherwise throws a {@link NonFiniteLossError} naming
 * `step`, the first non-finite term and `lastGood`. Leaks no tensor either way.
 */
export function trainStep(
  compute: () => StepComputation,
  variables: readonly tf.Variable[],
  optimizer: tf.Optimizer,
  step: number,
  fn: string,
  lastGood: { loss: number; step: number } | undefined,
): StepResult {
  const kept: Record<string, tf.Tensor> = {};
  let value: tf.Scalar;
  let grads: tf.NamedTensorMap;
  try {
    const result = tf.variableGrads(() => {
      const r = compute();
      for (const [name, t] of Object.entries(r.terms)) kept[name] = tf.keep(t);
      return r.loss;
    }, [...variables]);
    value = result.value;
    grads = result.grads;
  } catch (error) {
    tf.dispose(Object.values(kept));
    throw error;
  }
  const names = Object.keys(kept);
  const gradNames = Object.keys(grads).filter((n) => grads[n] != null);
  const numbers = tf.tidy(() => {
    const parts: tf.Tensor[] = [tf.reshape(value, [1])];
    for (const n of names) parts.push(tf.reshape(kept[n]!, [1]));
    for (const n of gradNames) {
      // 1 when every entry is finite, else the first non-finite entry's kind (NaN or ±∞) via a sum.
      const g = grads[n]!;
      parts.push(tf.reshape(tf.sum(tf.mul(g, 0)), [1]));
    }
    return tf.concat(parts).dataSync();
  });
  tf.dispose([value, ...Object.values(kept)]);
  const loss = numbers[0]!;
  const terms: Record<string, number> = {};
  names.forEach((n, i) => (terms[n] = numbers[1 + i]!));
  const badTerm = names.find((n) => !Number.isFinite(terms[n]!));
  if (!Number.isFinite(loss) || badTerm !== undefined) {
    tf.dispose(Object.values(grads));
    throw new NonFiniteLossError({
      fn,
      step,
      term: badTerm ?? 'loss',
      value: badTerm === undefined ? loss : terms[badTerm]!,
      ...(lastGood === undefined ? {} : { lastGood }),
    });
  }
  const badGrad = gradNames.findIndex((_, i) => !Number.isFinite(numbers[1 + names.length + i]!));
  if (badGrad >= 0) {
    const variable = gradNames[badGrad]!;
    const v = numbers[1 + names.length + badGrad]!;
    tf.dispose(Object.values(grads));
    throw new NonFiniteLossError({
      fn,
      step,
      term: 'gradient',
      value: Number.isNaN(v) ? NaN : v,
      variable,
      ...(lastGood === undefined ? {} : { lastGood }),
    });
  }
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  return { loss, terms };
}
