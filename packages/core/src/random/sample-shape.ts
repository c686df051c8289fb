// Shape and parameter checks shared by the samplers of random/ (internal; not re-exported).
import { formatShape } from '../args/shapes.js';
import { DomainError, ShapeError } from '../errors/errors.js';

/** The most elements one draw may have (typed arrays and tfjs tensors stop well before 2^32). */
const MAX_ELEMENTS = 2 ** 31 - 1;

function describeShape(shape: unknown): string {
  if (Array.isArray(shape))
    return `[${shape.map((d) => (typeof d === 'number' ? String(d) : typeof d)).join(',')}]`;
  if (shape === null) return 'null';
  return typeof shape === 'number' ? `the number ${shape}` : `a ${typeof shape}`;
}

/**
 * Checks a shape argument: an array of non-negative integers with fewer than 2^31 elements in all.
 * Returns a copy.
 */
export function checkShape(shape: unknown, fn: string, arg: string): number[] {
  const ok =
    Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
  if (!ok) {
    throw new ShapeError(
      `${fn}: argument '${arg}' is ${describeShape(shape)}, expected an array of non-negative integers such as [128, 32]`,
    );
  }
  const dims = (shape as number[]).slice();
  if (sizeOf(dims) > MAX_ELEMENTS) {
    throw new ShapeError(`${fn}: argument '${arg}' ${formatShape(dims)} has more than 2^31 − 1 elements`);
  }
  return dims;
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Checks that a parameter of shape `from` broadcasts to the sample shape `to` (NumPy rules, without
 * growing `to`) and returns its values repeated to `to`'s size, in float64, row-major.
 */
export function broadcastValues(
  values: ArrayLike<number>,
  from: readonly number[],
  to: readonly number[],
  fn: string,
  arg: string,
  toArg: string,
): Float64Array {
  const rank = to.length;
  const fits = from.length <= rank && from.every((d, i) => d === 1 || d === to[rank - from.length + i]);
  if (!fits) {
    throw new ShapeError(
      `${fn}: argument '${arg}' has shape ${formatShape(from)}, which does not broadcast to '${toArg}' ${formatShape(to)}; give '${arg}' a shape that is a suffix of ${formatShape(to)} (axes of size 1 allowed)`,
    );
  }
  const n = sizeOf(to);
  const out = new Float64Array(n);
  if (values.length === n) {
    for (let i = 0; i < n; i++) out[i] = values[i] as number;
    return out;
  }
  if (values.length === 1) {
    out.fill(values[0] as number);
    return out;
  }
  // General case: the source stride of each output axis (0 where the source is broadcast).
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = from.length - 1; i >= 0; i--) {
    const axis = rank - from.length + i;
    strides[axis] = from[i] === 1 ? 0 : stride;
    stride *= from[i] as number;
  }
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let t = 0; t < n; t++) {
    out[t] = values[source] as number;
    // Advance the multi-index like an odometer, keeping the source offset in step.
    for (let axis = rank - 1; axis >= 0; axis--) {
      const next = (index[axis] as number) + 1;
      if (next < (to[axis] as number)) {
        index[axis] = next;
        source += strides[axis] as number;
        break;
      }
      source -= (strides[axis] as number) * (index[axis] as number);
      index[axis] = 0;
    }
  }
  return out;
}

/**
 * Throws a DomainError naming the first element of `values` that fails `ok`, e.g.
 * `gamma: argument 'concentration' must be finite and > 0, got -1 at index [3]`.
 */
export function checkValues(
  values: ArrayLike<number>,
  ok: (v: number) => boolean,
  fn: string,
  arg: string,
  expected: string,
): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!ok(v)) {
      throw new DomainError(`${fn}: argument '${arg}' must be ${expected}, got ${v} at flat index ${i}`);
    }
  }
}
