import { ShapeError } from '../errors/errors.js';

/**
 * Formats a shape for messages, as numpy and tfjs print it without spaces.
 *
 * @example formatShape([3, 2]) // '[3,2]'
 */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * The NumPy broadcast of two shapes, or a {@link ShapeError} naming the function and both arguments.
 *
 * @example broadcastShapes([3, 1], [4], 'normal', 'loc', 'scale') // [3, 4]
 */
export function broadcastShapes(
  a: readonly number[],
  b: readonly number[],
  fn: string,
  argA: string,
  argB: string,
): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${fn}: arguments '${argA}' ${formatShape(a)} and '${argB}' ${formatShape(b)} do not broadcast (axis ${i}: ${da} vs ${db})`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * Whether two shapes are equal, axis by axis.
 *
 * @example shapesEqual([2, 3], [2, 3]) // true
 */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
