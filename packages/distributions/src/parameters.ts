import * as tf from '@tensorflow/tfjs-core';
import { DomainError, toFloatTensor, type TensorInput } from '@elbo/core';

/**
 * Converts a constructor argument to a float32 tensor, recording it in `owned` when it was created here
 * (so the distribution frees it in `dispose`).
 */
export function parameter(x: TensorInput, arg: string, family: string, owned: tf.Tensor[]): tf.Tensor {
  const t = toFloatTensor(x, arg, family);
  if (t !== x) owned.push(t);
  return t;
}

/** Whether every argument is a plain number or array (then values are checked by default). */
export function allPlain(...xs: readonly unknown[]): boolean {
  return xs.every((x) => !(x instanceof tf.Tensor));
}

/**
 * A float32 value as the shortest decimal that rounds back to it (−0.1, not −0.10000000149011612), for
 * error messages that quote a parameter the way the user wrote it. Internal to this package.
 */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v) || Math.fround(v) !== v) return String(v);
  for (let digits = 1; digits < 9; digits++) {
    const short = Number(v.toPrecision(digits));
    if (Math.fround(short) === v) return String(short);
  }
  return String(v);
}

type Check = (v: number) => boolean;

function checkValues(t: tf.Tensor, ok: Check, arg: string, family: string, expected: string): void {
  const values = t.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!ok(v)) {
      throw new DomainError(
        `${family}: argument '${arg}' has ${formatFloat32(v)} at flat index ${i}, expected ${expected}`,
      );
    }
  }
}

/** Throws a DomainError naming the argument unless every entry is finite. */
export function checkFinite(t: tf.Tensor, arg: string, family: string): void {
  checkValues(t, Number.isFinite, arg, family, 'a finite number');
}

/** Throws a DomainError naming the argument unless every entry is finite and > 0. */
export function checkPositive(t: tf.Tensor, arg: string, family: string): void {
  checkValues(t, (v) => Number.isFinite(v) && v > 0, arg, family, 'a finite number > 0');
}

/** Throws a DomainError naming the argument unless every entry lies in [0, 1]. */
export function checkProbability(t: tf.Tensor, arg: string, family: string): void {
  checkValues(t, (v) => v >= 0 && v <= 1, arg, family, 'a probability in [0, 1]');
}

/** Throws a DomainError naming the argument unless every entry is finite and > `bound`. */
export function checkGreaterThan(t: tf.Tensor, bound: number, arg: string, family: string): void {
  checkValues(t, (v) => Number.isFinite(v) && v > bound, arg, family, `a finite number > ${bound}`);
}
