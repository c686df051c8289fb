import { ArgumentError } from '@elbo/core';
import { readInputShape, readSeed, show } from '../vae/config.js';

/** The observation models of an NVAE decoder. */
export const NVAE_LIKELIHOODS = ['bernoulli', 'logistic-mixture'] as const;
/** An NVAE observation model: Bernoulli logits for binary images, a discretised logistic mixture for 8-bit ones. */
export type NvaeLikelihood = (typeof NVAE_LIKELIHOODS)[number];

/**
 * The JSON config of an {@link Nvae} (every default filled in). The image is zero-padded to P×P, P the
 * smallest multiple of 2^(scales+1) ≥ its height and width; a stride-2 stem conv brings it to P/2
 * (`preprocessCells` encoder cells there), a stride-2 conv to P/4, the finest latent scale, and each
 * coarser scale halves again, down to P/2^(scales+1).
 *
 * - `channels`: the feature channels C of every cell.
 * - `scales`: latent scales; `groupsPerScale[s]`: latent groups at scale s, coarsest first (length
 *   `scales`); `latentChannels`: channels per group (a group at an h×w scale holds h·w·latentChannels
 *   latent variables).
 * - `encoderCells`, `decoderCells`: residual cells per group in the bottom-up and the top-down path;
 *   `preprocessCells`, `postprocessCells`: cells at P/2 before the first and after the last group.
 * - `expand`: the decoder cell's 1×1 expansion ratio (E·C channels in its depthwise 5×5 conv);
 *   `seReduction`: squeeze-and-excitation bottleneck C/r (at least 4).
 * - `likelihood`: `'bernoulli'` or `'logistic-mixture'` with `mixtures` components.
 * - `spectralRegularization`: λ of λ·(Σ σ̂(W) over the conv weights + Σ max|γ| over batch-norm scales).
 * - `klBalance`: whether KL balancing reweights the groups during KL warm-up.
 * - `bnMomentum`: the running-statistics update weight of the batch norms.
 * - `inputShape`: [height, width, channels]; `seed`: the seed of the initial weights.
 */
export type NvaeConfig = {
  readonly kind: 'nvae';
  readonly preset: string | null;
  readonly inputShape: [number, number, number];
  readonly channels: number;
  readonly scales: number;
  readonly groupsPerScale: number[];
  readonly latentChannels: number;
  readonly encoderCells: number;
  readonly decoderCells: number;
  readonly preprocessCells: number;
  readonly postprocessCells: number;
  readonly expand: number;
  readonly seReduction: number;
  readonly likelihood: NvaeLikelihood;
  readonly mixtures: number;
  readonly spectralRegularization: number;
  readonly klBalance: boolean;
  readonly bnMomentum: number;
  readonly seed: number;
};

/** What {@link nvae} and `createModel` accept: a `preset` and any field overriding it. */
export type NvaeConfigInput = { readonly kind: 'nvae' } & Partial<Omit<NvaeConfig, 'kind'>> & {
    readonly inputShape?: readonly number[];
    readonly groupsPerScale?: readonly number[];
  };

/** The architecture fields of an {@link NvaeConfig}: what a preset fixes. */
export type NvaeArchitecture = Omit<NvaeConfig, 'kind' | 'preset' | 'inputShape' | 'seed'>;

const SMALL: NvaeArchitecture = {
  channels: 32,
  scales: 2,
  groupsPerScale: [2, 2],
  latentChannels: 8,
  encoderCells: 1,
  decoderCells: 1,
  preprocessCells: 0,
  postprocessCells: 1,
  expand: 3,
  seReduction: 16,
  likelihood: 'bernoulli',
  mixtures: 10,
  spectralRegularization: 1e-2,
  klBalance: true,
  bnMomentum: 0.05,
};

/**
 * The presets. `mnist-small` trains 10 epochs of 8,000 binarised digits on one CPU core (wasm) in about
 * 17 minutes (77 images/s); `mnist` follows the paper's MNIST structure (2 scales of 5 groups of 20
 * latent channels, 2 pre- and post-processing cells) at reduced width: 32 channels per cell.
 */
export const NVAE_PRESETS: Readonly<Record<'mnist-small' | 'mnist', NvaeArchitecture>> = Object.freeze({
  'mnist-small': SMALL,
  // The paper's MNIST structure at mnist-small's width.
  mnist: {
    ...SMALL,
    groupsPerScale: [5, 5],
    latentChannels: 20,
    preprocessCells: 2,
    postprocessCells: 2,
  },
});

/** The preset names. */
export const NVAE_PRESET_NAMES = Object.keys(NVAE_PRESETS) as Array<keyof typeof NVAE_PRESETS>;

const FIELDS = ['kind', 'preset', 'inputShape', 'seed', ...Object.keys(NVAE_PRESETS['mnist-small'])];

/**
 * Checks an NVAE config, fills in the preset's values (default preset `mnist-small`) and the defaults
 * (inputShape [28, 28, 1], seed 0), and returns it frozen.
 *
 * @throws ArgumentError naming the bad field, what came and what is allowed.
 * @example readNvaeConfig({ kind: 'nvae', preset: 'mnist-small', latentChannels: 4 })
 */
export function readNvaeConfig(config: unknown, fn = 'nvae'): NvaeConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ArgumentError(
      `${fn}: argument 'config' is ${show(config)}, expected an object { kind: 'nvae', preset, ... }`,
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
  if (c['kind'] !== 'nvae')
    throw new ArgumentError(`${fn}: config.kind is ${show(c['kind'])}, expected 'nvae'`);
  const presetName = c['preset'] === undefined ? 'mnist-small' : c['preset'];
  if (presetName !== null && !(NVAE_PRESET_NAMES as unknown[]).includes(presetName)) {
    throw new ArgumentError(
      `${fn}: config.preset is ${show(presetName)}, expected one of ${NVAE_PRESET_NAMES.map((p) => `'${p}'`).join(', ')} (or null with every field given)`,
    );
  }
  const base: Partial<NvaeArchitecture> =
    presetName === null ? {} : NVAE_PRESETS[presetName as keyof typeof NVAE_PRESETS];
  const get = (k: keyof NvaeArchitecture): unknown => (c[k] !== undefined ? c[k] : base[k]);
  const int = (k: keyof NvaeArchitecture, min: number): number => {
    const v = get(k);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new ArgumentError(`${fn}: config.${k} is ${show(v)}, expected an integer ≥ ${min}`);
    }
    return v;
  };
  const channels = int('channels', 1);
  const scales = int('scales', 1);
  const gps = get('groupsPerScale');
  if (
    !Array.isArray(gps) ||
    gps.length !== scales ||
    !gps.every((g) => Number.isInteger(g) && (g as number) >= 1)
  ) {
    throw new ArgumentError(
      `${fn}: config.groupsPerScale is ${show(gps)}, expected ${scales} positive integers (one per scale, coarsest first)`,
    );
  }
  const likelihood = get('likelihood');
  if (!(NVAE_LIKELIHOODS as readonly unknown[]).includes(likelihood)) {
    throw new ArgumentError(
      `${fn}: config.likelihood is ${show(likelihood)}, expected one of ${NVAE_LIKELIHOODS.map((l) => `'${l}'`).join(', ')}`,
    );
  }
  const nonNegative = (k: keyof NvaeArchitecture, max = Infinity): number => {
    const v = get(k);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
      throw new ArgumentError(`${fn}: config.${k} is ${show(v)}, expected a number in [0, ${max}]`);
    }
    return v;
  };
  const klBalance = get('klBalance');
  if (typeof klBalance !== 'boolean') {
    throw new ArgumentError(`${fn}: config.klBalance is ${show(klBalance)}, expected true or false`);
  }
  const inputShape = readInputShape(c['inputShape'] ?? [28, 28, 1], fn);
  const s = readSeed(c['seed'] ?? 0, fn);
  const bnMomentum = nonNegative('bnMomentum', 1);
  if (bnMomentum === 0) throw new ArgumentError(`${fn}: config.bnMomentum is 0, expected a number in (0, 1]`);
  return Object.freeze({
    kind: 'nvae',
    preset: presetName as string | null,
    inputShape,
    channels,
    scales,
    groupsPerScale: [...(gps as number[])],
    latentChannels: int('latentChannels', 1),
    encoderCells: int('encoderCells', 0),
    decoderCells: int('decoderCells', 0),
    preprocessCells: int('preprocessCells', 0),
    postprocessCells: int('postprocessCells', 0),
    expand: int('expand', 1),
    seReduction: int('seReduction', 1),
    likelihood: likelihood as NvaeLikelihood,
    mixtures: int('mixtures', 1),
    spectralRegularization: nonNegative('spectralRegularization'),
    klBalance,
    bnMomentum,
    seed: s,
  });
}

/** The padded size P of an image side for a config: the smallest multiple of 2^(scales+1) ≥ the side. */
export function paddedSide(config: NvaeConfig): number {
  const f = 2 ** (config.scales + 1);
  return Math.ceil(Math.max(config.inputShape[0], config.inputShape[1]) / f) * f;
}
