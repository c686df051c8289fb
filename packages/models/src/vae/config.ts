import { ArgumentError } from '@elbo/core';

/** The kinds of model {@link createModel} builds. */
export const MODEL_KINDS = ['vae', 'ae'] as const;
/** The encoder/decoder architectures. */
export const ARCHITECTURES = ['mlp', 'conv'] as const;
/** The observation models p(x | z). */
export const LIKELIHOODS = ['bernoulli', 'continuous-bernoulli', 'gaussian'] as const;

/** An observation model p(x | z) of a decoder. */
export type Likelihood = (typeof LIKELIHOODS)[number];

/**
 * The JSON config of an auto-encoder or a VAE, as stored in `model.config` (every default filled in).
 *
 * - `kind`: `'vae'` (stochastic encoder q(z|x) = N(μ(x), diag σ(x)²), prior N(0, I)) or `'ae'`
 *   (deterministic encoder z = f(x)).
 * - `arch`: `'mlp'` (dense layers with ReLU on the flattened image) or `'conv'` (stride-2 4×4 convs,
 *   mirrored with conv2dTranspose; height and width divisible by 2^hidden.length).
 * - `hidden`: the hidden widths (mlp, default [512, 256]) or channels (conv, default [32, 64]) of the
 *   encoder, mirrored in the decoder; may be empty for mlp (a linear encoder and decoder).
 * - `latent`: the size of z.
 * - `likelihood`: `'bernoulli'` (logits), `'continuous-bernoulli'` (logits, Loaiza-Ganem & Cunningham
 *   2019) or `'gaussian'` (mean; σ fixed at `gaussianScale` if given, else learned per pixel as
 *   exp(logScale) with logScale clamped to [−6, 2], starting at σ = 1).
 * - `beta`: the weight of the KL term (β-VAE, default 1); `iw`: importance samples k of the training
 *   bound (1 = the ELBO with analytic KL, the default; k > 1 = the IWAE bound).
 * - `inputShape`: [height, width, channels]; `seed`: the seed of the initial weights.
 */
export type ModelConfig = {
  readonly kind: (typeof MODEL_KINDS)[number];
  readonly arch: (typeof ARCHITECTURES)[number];
  readonly hidden: number[];
  readonly latent: number;
  readonly likelihood: Likelihood;
  readonly beta: number;
  readonly iw: number;
  readonly inputShape: [number, number, number];
  readonly seed: number;
  readonly gaussianScale?: number;
};

/** What {@link createModel} accepts: a {@link ModelConfig} whose defaulted fields may be left out. */
export type ModelConfigInput = {
  readonly kind: 'vae' | 'ae';
  readonly arch: 'mlp' | 'conv';
  readonly hidden?: readonly number[];
  readonly latent: number;
  readonly likelihood: Likelihood;
  readonly beta?: number;
  readonly iw?: number;
  readonly inputShape: readonly [number, number, number] | readonly number[];
  readonly seed: number;
  readonly gaussianScale?: number;
};

const FIELDS = [
  'kind',
  'arch',
  'hidden',
  'latent',
  'likelihood',
  'beta',
  'iw',
  'inputShape',
  'seed',
  'gaussianScale',
];

/** A config value as an error message quotes it. Internal to the model configs. */
export function show(x: unknown): string {
  if (x === undefined) return 'missing';
  if (typeof x === 'string') return `${JSON.stringify(x)}`;
  if (Array.isArray(x)) return `[${x.map((v) => show(v)).join(', ')}]`;
  if (x === null) return 'null';
  return typeof x === 'number' || typeof x === 'boolean' ? String(x) : `a ${typeof x}`;
}

/** config.inputShape checked: [height, width, channels] of positive integers. Internal to the model configs. */
export function readInputShape(shape: unknown, fn: string): [number, number, number] {
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((d) => Number.isInteger(d) && (d as number) > 0)
  ) {
    throw new ArgumentError(
      `${fn}: config.inputShape is ${show(shape)}, expected [height, width, channels] of positive integers, e.g. [28, 28, 1]`,
    );
  }
  return [...shape] as [number, number, number];
}

/** config.seed checked: a non-negative safe integer. Internal to the model configs. */
export function readSeed(s: unknown, fn: string): number {
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) {
    throw new ArgumentError(`${fn}: config.seed is ${show(s)}, expected a non-negative integer`);
  }
  return s;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, fn: string): T {
  if (!allowed.includes(value as T)) {
    throw new ArgumentError(
      `${fn}: config.${field} is ${show(value)}, expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
  }
  return value as T;
}

function positiveInteger(value: unknown, field: string, fn: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ArgumentError(`${fn}: config.${field} is ${show(value)}, expected a positive integer`);
  }
  return value;
}

/**
 * Checks a config and fills in its defaults. Every error names the field, what came and what is allowed.
 *
 * @throws ArgumentError for a missing or malformed field, or an unknown one.
 * @example readModelConfig({ kind: 'vae', arch: 'mlp', latent: 32, likelihood: 'bernoulli', inputShape: [28, 28, 1], seed: 0 })
 */
export function readModelConfig(config: unknown, fn = 'createModel'): ModelConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ArgumentError(
      `${fn}: argument 'config' is ${show(config)}, expected an object { kind, arch, latent, likelihood, inputShape, seed, ... }`,
    );
  }
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!FIELDS.includes(key)) {
      throw new ArgumentError(
        `${fn}: config has the unknown field '${key}', expected only ${FIELDS.map((f) => `'${f}'`).join(', ')}`,
      );
    }
  }
  const kind = oneOf(c['kind'], MODEL_KINDS, 'kind', fn);
  const arch = oneOf(c['arch'], ARCHITECTURES, 'arch', fn);
  const likelihood = oneOf(c['likelihood'], LIKELIHOODS, 'likelihood', fn);
  const latent = positiveInteger(c['latent'], 'latent', fn);
  const inputShape = readInputShape(c['inputShape'], fn);
  const hiddenRaw = c['hidden'] ?? (arch === 'mlp' ? [512, 256] : [32, 64]);
  if (!Array.isArray(hiddenRaw) || !hiddenRaw.every((d) => Number.isInteger(d) && (d as number) > 0)) {
    throw new ArgumentError(
      `${fn}: config.hidden is ${show(hiddenRaw)}, expected an array of positive integers, e.g. [512, 256]`,
    );
  }
  const hidden = [...(hiddenRaw as number[])];
  if (arch === 'conv') {
    const f = 2 ** hidden.length;
    if (hidden.length === 0 || inputShape[0] % f !== 0 || inputShape[1] % f !== 0) {
      throw new ArgumentError(
        `${fn}: config.inputShape is ${show(inputShape)} with config.hidden ${show(hidden)}, expected at least one conv layer and height and width divisible by 2^${hidden.length} = ${f} for arch 'conv'`,
      );
    }
  }
  const beta = c['beta'] ?? 1;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) {
    throw new ArgumentError(`${fn}: config.beta is ${show(beta)}, expected a finite number ≥ 0`);
  }
  const iw = positiveInteger(c['iw'] ?? 1, 'iw', fn);
  if (kind === 'ae' && iw !== 1) {
    throw new ArgumentError(
      `${fn}: config.iw is ${iw} for kind 'ae', expected 1 (importance weighting needs a stochastic encoder: use kind 'vae')`,
    );
  }
  const s = readSeed(c['seed'], fn);
  const gs = c['gaussianScale'];
  if (
    gs !== undefined &&
    (typeof gs !== 'number' || !Number.isFinite(gs) || gs <= 0 || likelihood !== 'gaussian')
  ) {
    throw new ArgumentError(
      `${fn}: config.gaussianScale is ${show(gs)} with likelihood ${show(likelihood)}, expected a finite number > 0 and likelihood 'gaussian'`,
    );
  }
  const base = { kind, arch, hidden, latent, likelihood, beta, iw, inputShape, seed: s };
  return Object.freeze(gs === undefined ? base : { ...base, gaussianScale: gs as number });
}
