import type * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';
import type { Distribution } from '@elbo/distributions';

/**
 * A distribution class (or any constructor of distributions), as a KL table keys its rows:
 * `Normal`, `Gamma`, or a class of your own.
 */
export type DistributionClass<D extends Distribution = Distribution> = abstract new (...args: never[]) => D;

/** What a closed-form KL function receives besides p and q. */
export interface KlContext {
  /** The table in use (the default one, or the one passed to `klDivergence`). */
  readonly table: KlTable;
  /**
   * KL(p‖q) by the same table, for pairs built on other pairs (Independent sums the KL of its bases).
   * The caller owns the result.
   */
  kl(p: Distribution, q: Distribution): tf.Tensor;
}

/**
 * A closed-form KL(p‖q): returns a new tensor, owned by the caller, whose shape broadcasts to the
 * broadcast of p's and q's batch shapes.
 */
export type KlFunction<P = Distribution, Q = Distribution> = (p: P, q: Q, context: KlContext) => tf.Tensor;

/**
 * One row of a KL table: `[PClass, QClass, fn]`, where fn(p, q, context) is KL(p‖q) for p an instance of
 * PClass and q of QClass. (The function type is stored with `never` parameters so that rows of different
 * classes fit in one array; {@link klPair} builds a row and checks that fn takes the classes' instances.)
 */
export type KlEntry = readonly [
  DistributionClass,
  DistributionClass,
  (p: never, q: never, context: KlContext) => tf.Tensor,
];

/**
 * A KL table: rows `[PClass, QClass, fn]`. `klDivergence(p, q)` uses the row whose classes p and q are
 * instances of, the most specific one (fewest prototype steps from p's and q's own classes, summed) when
 * several match, and the LAST such row on a tie, so that a table extended at its end overrides:
 * `[...KL_TABLE, [Normal, Normal, myKl]]` replaces the built-in Normal row.
 */
export type KlTable = readonly KlEntry[];

/**
 * Builds a KL table row, checking at compile time that `fn` accepts instances of `pClass` and `qClass`.
 *
 * @example
 * const table = [...KL_TABLE, klPair(MyDist, Normal, (p, q) => myClosedForm(p, q))];
 * klDivergence(new MyDist(), new Normal(0, 1), { table });
 */
export function klPair<P extends Distribution, Q extends Distribution>(
  pClass: DistributionClass<P>,
  qClass: DistributionClass<Q>,
  fn: KlFunction<P, Q>,
): KlEntry {
  return [pClass, qClass, fn];
}

/** Prototype steps from `value`'s own class up to `cls` (0 for a direct instance), or −1 if not an instance. */
function distance(value: object, cls: DistributionClass): number {
  const target: unknown = cls.prototype;
  let proto: unknown = Object.getPrototypeOf(value);
  for (let steps = 0; proto !== null; steps++) {
    if (proto === target) return steps;
    proto = Object.getPrototypeOf(proto);
  }
  return -1;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'function') return `the function ${x.name || '(anonymous)'}`;
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

/**
 * Checks that `table` is an array of `[class, class, function]` rows, naming the first bad row.
 *
 * @throws {ArgumentError} `klDivergence: argument 'options.table' has a malformed row at index 3: …`.
 */
export function checkKlTable(table: unknown, fn: string, arg: string): KlTable {
  if (!Array.isArray(table)) {
    throw new ArgumentError(
      `${fn}: argument '${arg}' is ${describe(table)}, expected an array of [PClass, QClass, klFunction] rows such as [...KL_TABLE, [MyDist, Normal, myKl]]`,
    );
  }
  table.forEach((row: unknown, i) => {
    const ok =
      Array.isArray(row) &&
      row.length === 3 &&
      typeof row[0] === 'function' &&
      typeof row[1] === 'function' &&
      typeof row[2] === 'function';
    if (!ok) {
      throw new ArgumentError(
        `${fn}: argument '${arg}' has a malformed row at index ${i}: ${describe(row)}, expected [PClass, QClass, klFunction]`,
      );
    }
  });
  return table as KlTable;
}

/**
 * The row of `table` for the pair (p, q): among the rows whose classes p and q are instances of, the
 * most specific (smallest summed prototype distance), the last one on a tie; undefined if none matches.
 *
 * @example findKl(KL_TABLE, new Normal(0, 1), new Normal(1, 1))?.[2] === klNormalNormal // true
 */
export function findKl(table: KlTable, p: Distribution, q: Distribution): KlEntry | undefined {
  let best: KlEntry | undefined;
  let bestDistance = Infinity;
  for (const row of table) {
    const dp = distance(p, row[0]);
    if (dp < 0) continue;
    const dq = distance(q, row[1]);
    if (dq < 0) continue;
    if (dp + dq <= bestDistance) {
      best = row;
      bestDistance = dp + dq;
    }
  }
  return best;
}
