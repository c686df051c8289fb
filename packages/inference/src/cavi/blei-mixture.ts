import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, DomainError, ShapeError, toSeed, type Seed, type TensorInput } from '@elbo/core';
import { checkOptionKeys, readNumber, toDataTensor } from './arguments.js';
import { CAVI_OPTION_KEYS, CoordinateAscent, type CaviModel, type CaviOptions } from './coordinate-ascent.js';
import { kmeansPlusPlus } from './kmeans.js';

/** Options of {@link bleiMixtureCavi} (besides {@link CaviOptions}). */
export interface BleiMixtureOptions extends CaviOptions {
  /** K, the number of components (1 ≤ K ≤ N). */
  readonly components: number;
  /** σ², the prior variance of every component mean, μₖ ~ N(0, σ²) (> 0). */
  readonly sigma2: number;
  /** The starting factors q(μₖ) = N(mₖ, s²ₖ); when absent, `seed` picks them. */
  readonly init?: { readonly m: readonly number[]; readonly s2: readonly number[] };
  /** Without `init`: mₖ are K data points chosen by k-means++ from this seed, s²ₖ = 1 (default seed 0). */
  readonly seed?: Seed | number;
}

/** The factors of {@link bleiMixtureCavi}: q(μₖ) = N(mₖ, s²ₖ) and q(cᵢ) = Cat(φᵢ). */
export interface BleiMixturePosterior {
  readonly m: number[];
  readonly s2: number[];
  /** φ, [N, K] (rows sum to 1), a tensor the caller owns. */
  readonly phi: tf.Tensor2D;
}

const KEYS = [...CAVI_OPTION_KEYS, 'components', 'sigma2', 'init', 'seed'];
const LOG_2PI = Math.log(2 * Math.PI);

class BleiMixtureModel implements CaviModel<BleiMixturePosterior> {
  readonly name = 'bleiMixtureCavi';
  private phi: tf.Tensor2D | null = null;
  /** Σᵢ φᵢₖ, Σᵢ φᵢₖ xᵢ, Σᵢ φᵢₖ xᵢ² of the last E-step, and Σᵢₖ φ log φ. */
  private stats: { n: Float64Array; sx: Float64Array; sxx: Float64Array; phiLogPhi: number } | null = null;

  constructor(
    private readonly x: tf.Tensor2D,
    private readonly sigma2: number,
    private m: number[],
    private s2: number[],
  ) {}

  private logits(): tf.Tensor2D {
    const m = tf.tensor2d(this.m, [1, this.m.length]);
    const half = tf.tensor2d(
      this.m.map((mk, k) => -0.5 * ((this.s2[k] as number) + mk * mk)),
      [1, this.m.length],
    );
    return tf.add(tf.matMul(this.x, m), half);
  }

  sweep(): void {
    const k = this.m.length;
    const [phi, sums] = tf.tidy(() => {
      const logits = this.logits();
      const logPhi = tf.logSoftmax(logits);
      const p = tf.exp(logPhi) as tf.Tensor2D;
      const stacked = tf.concat([
        tf.sum(p, 0),
        tf.sum(tf.mul(p, this.x), 0),
        tf.sum(tf.mul(p, tf.square(this.x)), 0),
        tf.reshape(tf.sum(tf.mul(p, logPhi)), [1]),
      ]);
      return [p, stacked] as const;
    });
    const values = Float64Array.from(sums.dataSync());
    sums.dispose();
    this.phi?.dispose();
    this.phi = phi;
    const n = values.subarray(0, k);
    const sx = values.subarray(k, 2 * k);
    this.stats = { n, sx, sxx: values.subarray(2 * k, 3 * k), phiLogPhi: values[3 * k] as number };
    for (let j = 0; j < k; j++) {
      const precision = 1 / this.sigma2 + (n[j] as number);
      this.m[j] = (sx[j] as number) / precision;
      this.s2[j] = 1 / precision;
    }
  }

  elbo(): number {
    if (this.stats === null) return Number.NaN;
    const { n, sx, sxx, phiLogPhi } = this.stats;
    const k = this.m.length;
    const total = this.x.shape[0];
    let value = -total * Math.log(k) - phiLogPhi;
    for (let j = 0; j < k; j++) {
      const mk = this.m[j] as number;
      const second = (this.s2[j] as number) + mk * mk;
      value += -0.5 * Math.log(2 * Math.PI * this.sigma2) - second / (2 * this.sigma2);
      value +=
        -0.5 * LOG_2PI * (n[j] as number) -
        0.5 * ((sxx[j] as number) - 2 * mk * (sx[j] as number) + (n[j] as number) * second);
      value += 0.5 * Math.log(2 * Math.PI * Math.E * (this.s2[j] as number));
    }
    return value;
  }

  posterior(): BleiMixturePosterior {
    const phi =
      this.phi === null ? tf.tidy(() => tf.softmax(this.logits()) as tf.Tensor2D) : tf.clone(this.phi);
    return { m: [...this.m], s2: [...this.s2], phi };
  }

  dispose(): void {
    this.phi?.dispose();
    this.phi = null;
    this.x.dispose();
  }
}

function readStart(init: unknown, k: number, fn: string): { m: number[]; s2: number[] } {
  const record = checkOptionKeys(init, ['m', 's2'], fn, 'init');
  const read = (key: 'm' | 's2'): number[] => {
    const value = record[key];
    if (!Array.isArray(value) || value.length !== k) {
      throw new ShapeError(
        `${fn}: init.${key} is ${Array.isArray(value) ? `an array of length ${value.length}` : typeof value}, expected an array of K = ${k} numbers`,
      );
    }
    value.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || (key === 's2' && v <= 0)) {
        throw new DomainError(
          `${fn}: init.${key}[${i}] is ${String(v)}, expected a finite number${key === 's2' ? ' > 0' : ''}`,
        );
      }
    });
    return [...(value as number[])];
  };
  return { m: read('m'), s2: read('s2') };
}

/**
 * CAVI for the Bayesian mixture of unit-variance Gaussians of Blei, Kucukelbir & McAuliffe (2017,
 * "Variational inference: a review for statisticians", Algorithm 2): μₖ ~ N(0, σ²), cᵢ ~ Cat(1/K),
 * xᵢ | cᵢ, μ ~ N(μ_{cᵢ}, 1), with q(μₖ) = N(mₖ, s²ₖ) and q(cᵢ) = Cat(φᵢ). Each sweep updates every φᵢ,
 *
 *   φᵢₖ ∝ exp(E[μₖ] xᵢ − E[μₖ²]/2) = exp(mₖ xᵢ − (s²ₖ + mₖ²)/2),
 *
 * then every component, mₖ = Σᵢ φᵢₖ xᵢ / (1/σ² + Σᵢ φᵢₖ), s²ₖ = 1 / (1/σ² + Σᵢ φᵢₖ). The ELBO, every
 * constant kept, is Σₖ E[log p(μₖ)] − N log K + Σᵢₖ φᵢₖ E[log N(xᵢ | μₖ, 1)] − Σᵢₖ φᵢₖ log φᵢₖ + Σₖ H[q(μₖ)].
 * The [N, K] algebra runs in tensors; the K-sized updates in float64.
 *
 * @param data - the observations, [N] (finite, N ≥ K).
 * @param options - {@link BleiMixtureOptions}: `components`, `sigma2`, then `init` or `seed`, and the
 *   {@link CaviOptions}.
 * @returns a {@link CoordinateAscent} run whose posterior is `{ m, s2, phi }` (`phi` a tensor the caller
 *   owns).
 * @throws {ShapeError} bad `data` or `init` lengths. `DomainError` non-finite data, K outside
 *   [1, N], σ² ≤ 0. `ArgumentError` unknown options.
 * @example
 * const run = bleiMixtureCavi([-4.1, -3.8, 0.2, 3.9, 4.3], { components: 3, sigma2: 25, seed: 1 });
 * const { posterior, elbo } = run.fit();
 * posterior.phi.dispose();
 */
export function bleiMixtureCavi(
  data: TensorInput,
  options: BleiMixtureOptions,
): CoordinateAscent<BleiMixturePosterior> {
  const fn = 'bleiMixtureCavi';
  const record = checkOptionKeys(options, KEYS, fn);
  if (options === undefined)
    throw new ArgumentError(`${fn}: argument 'options' is missing, expected { components, sigma2, ... }`);
  const k = readNumber(record, 'components', 'positiveInteger', fn);
  const sigma2 = readNumber(record, 'sigma2', 'positive', fn);
  const caviOptions: Record<string, unknown> = {};
  for (const key of CAVI_OPTION_KEYS) if (record[key] !== undefined) caviOptions[key] = record[key];
  const start = record['init'] === undefined ? null : readStart(record['init'], k, fn);
  const s = toSeed((record['seed'] as Seed | number | undefined) ?? 0, 'seed', fn);
  const x = tf.tidy(() => tf.reshape(toDataTensor(data, 1, fn), [-1, 1]) as tf.Tensor2D);
  const n = x.shape[0];
  if (k > n) {
    x.dispose();
    throw new DomainError(
      `${fn}: option 'components' is ${k}, expected at most the number of observations N = ${n}`,
    );
  }
  let init = start;
  if (init === null) {
    const rows = kmeansPlusPlus(x, k, s);
    const values = x.dataSync();
    init = { m: rows.map((r) => values[r] as number), s2: new Array<number>(k).fill(1) };
  }
  return new CoordinateAscent(new BleiMixtureModel(x, sigma2, init.m, init.s2), caviOptions as CaviOptions);
}
