import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors/errors.js';

/** What public functions accept where a tensor is expected. */
export type TensorInput = tf.Tensor | tf.TensorLike;

function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array containing a non-number';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x)}`;
  return typeof x === 'object' ? (x.constructor?.name ?? 'an object') : `a ${typeof x}`;
}

function isNumericNested(x: unknown): boolean {
  if (typeof x === 'number' || typeof x === 'boolean') return true;
  if (ArrayBuffer.isView(x)) return true;
  if (Array.isArray(x)) return x.every(isNumericNested);
  return false;
}

/**
 * Converts a public function's argument to a float32 tensor once, at the boundary, naming the function
 * and the argument when it cannot. A tensor is returned as is (the caller still owns it); anything else
 * becomes a new tensor, so call it inside `tf.tidy`.
 *
 * @throws {ArgumentError} `normal: argument 'loc' is a string "a", expected a number, an array of numbers or a tensor`.
 * @example tf.tidy(() => toFloatTensor([1, 2], 'loc', 'normal').shape) // [2]
 */
export function toFloatTensor(x: unknown, arg: string, fn: string): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.dtype === 'float32') return x;
    if (x.dtype === 'string' || x.dtype === 'complex64') {
      throw new ArgumentError(`${fn}: argument '${arg}' has dtype ${x.dtype}, expected a float32 tensor`);
    }
    return tf.cast(x, 'float32');
  }
  if (!isNumericNested(x)) {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${describeValue(x)}, expected a number, an array of numbers or a tensor`,
    );
  }
  const ragged = findRaggedness(x, []);
  if (ragged !== null) {
    throw new ArgumentError(`${fn}: argument '${arg}' is not a rectangular array of numbers (${ragged})`);
  }
  return tf.tensor(x as tf.TensorLike, undefined, 'float32');
}

/** Where a nested array stops being rectangular, or null if it is rectangular. */
function findRaggedness(x: unknown, path: number[]): string | null {
  if (!Array.isArray(x)) return null;
  let childLength: number | undefined;
  for (let i = 0; i < x.length; i++) {
    const child: unknown = x[i];
    const length = Array.isArray(child) ? child.length : -1;
    if (childLength === undefined) childLength = length;
    else if (length !== childLength) {
      return `element [${[...path, i].join('][')}] has ${length < 0 ? 'no axis' : `length ${length}`}, its first sibling ${childLength < 0 ? 'none' : `length ${childLength}`}`;
    }
    const inner = findRaggedness(child, [...path, i]);
    if (inner !== null) return inner;
  }
  return null;
}
