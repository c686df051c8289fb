import * as tf from '@tensorflow/tfjs-core';
import type { Tolerance } from './backends.js';

/** A value to compare: a tensor, a number, or nested arrays of numbers. */
export type Numeric = tf.Tensor | number | readonly Numeric[];

function flatten(value: Numeric): { values: number[]; shape: number[] } {
  if (value instanceof tf.Tensor) return { values: Array.from(value.dataSync()), shape: value.shape };
  if (typeof value === 'number') return { values: [value], shape: [] };
  const parts = value.map(flatten);
  const inner = parts[0]?.shape ?? [];
  return { values: parts.flatMap((p) => p.values), shape: [value.length, ...inner] };
}

/**
 * Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, with equal shapes; NaN matches NaN
 * and ±Infinity only itself. The message lists the worst elements with their index.
 *
 * @example expectClose(tf.exp(0), 1, { atol: 1e-6, rtol: 0 });
 */
export function expectClose(actual: Numeric, expected: Numeric, tolerance: Tolerance): void {
  const a = flatten(actual);
  const e = flatten(expected);
  if (
    a.values.length !== e.values.length ||
    (actual instanceof tf.Tensor && expected instanceof tf.Tensor && a.shape.join() !== e.shape.join())
  ) {
    throw new Error(`expectClose: shape [${a.shape.join(',')}] differs from expected [${e.shape.join(',')}]`);
  }
  const bad: string[] = [];
  for (let i = 0; i < e.values.length; i++) {
    const x = a.values[i] as number;
    const y = e.values[i] as number;
    if (
      Number.isNaN(y)
        ? Number.isNaN(x)
        : !Number.isFinite(y)
          ? x === y
          : Math.abs(x - y) <= tolerance.atol + tolerance.rtol * Math.abs(y)
    ) {
      continue;
    }
    bad.push(`[${i}] actual ${x}, expected ${y}, |diff| ${Math.abs(x - y).toExponential(2)}`);
  }
  if (bad.length > 0) {
    throw new Error(
      `expectClose: ${bad.length} of ${e.values.length} elements differ beyond atol ${tolerance.atol} + rtol ${tolerance.rtol}·|expected|:\n  ${bad.slice(0, 8).join('\n  ')}`,
    );
  }
}
