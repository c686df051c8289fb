// Internal: NVAE's parameters and its bottom-up and top-down passes (Vahdat & Kautz 2020, Fig. 2, 3).
import * as tf from '@tensorflow/tfjs-core';
import { foldIn, random, toSeed, type Seed } from '@elbo/core';
import { batchNorm } from '../nn/batch-norm.js';
import { conv2d } from '../nn/conv2d.js';
import { dense } from '../nn/dense.js';
import { depthwiseConv2d } from '../nn/depthwise-conv2d.js';
import { initializeWeights } from '../nn/init.js';
import { swish } from '../nn/activations.js';
import { paddedSide, type NvaeConfig } from './config.js';
import { residualKl, softClamp, type NormalParams } from './residual-normal.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Residual branches are scaled by this before they are added (keeps a deep stack near identity at first). */
export const RESIDUAL_SCALE = 0.1;

/** A convolution (k×k, or a 1×1 "pointwise" one stored as a dense kernel [cin, cout]) and its power-iteration vector. */
export interface ConvLayer {
  readonly name: string;
  readonly filter: tf.Variable;
  readonly bias: tf.Variable;
  /** The right singular vector estimate of the spectral regularisation (state). */
  readonly v: tf.Variable;
  readonly kernel: number;
  readonly strides: number;
}
export interface BnLayer {
  readonly name: string;
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
}
interface SeLayer {
  readonly w1: { kernel: tf.Variable; bias: tf.Variable };
  readonly w2: { kernel: tf.Variable; bias: tf.Variable };
}
interface EncoderCell {
  readonly bn1: BnLayer;
  readonly conv1: ConvLayer;
  readonly bn2: BnLayer;
  readonly conv2: ConvLayer;
  readonly se: SeLayer;
}
interface DecoderCell {
  readonly bn1: BnLayer;
  readonly expand: ConvLayer;
  readonly bn2: BnLayer;
  readonly depthwise: { filter: tf.Variable; bias: tf.Variable };
  readonly bn3: BnLayer;
  readonly project: ConvLayer;
  readonly bn4: BnLayer;
  readonly se: SeLayer;
}
/** One latent group of the top-down path, in top-down order. */
export interface GroupSpec {
  readonly index: number;
  readonly scale: number;
  readonly group: number;
  /** Spatial side h = w of the group's latent tensor. */
  readonly side: number;
  /** Latent variables h·w·c. */
  readonly size: number;
  /** Offset of the group in the flat latent vector. */
  readonly offset: number;
}
interface GroupLayers {
  readonly cells: DecoderCell[];
  readonly prior?: ConvLayer;
  readonly combineEncoder?: ConvLayer;
  readonly posterior: ConvLayer;
  readonly combine: ConvLayer;
}

/** NVAE's parameters, state and layout. */
export interface NvaeNetwork {
  readonly variables: Record<string, tf.Variable>;
  readonly state: Record<string, tf.Variable>;
  readonly convs: ConvLayer[];
  readonly bns: BnLayer[];
  readonly decoderBns: BnLayer[];
  readonly groups: GroupSpec[];
  readonly latentSize: number;
  readonly padded: number;
  readonly stem: ConvLayer;
  readonly pre: EncoderCell[];
  readonly down: ConvLayer[];
  readonly encoderCells: EncoderCell[][];
  readonly h0: tf.Variable;
  readonly layers: GroupLayers[];
  readonly up: ConvLayer[];
  readonly postUp: ConvLayer;
  readonly post: DecoderCell[];
  readonly out: ConvLayer;
  readonly outChannels: number;
}

/** Builds every parameter from config.seed (each layer from its own foldIn of it). */
export function buildNetwork(config: NvaeConfig): NvaeNetwork {
  const key = toSeed(config.seed, 'config.seed', 'nvae');
  let counter = 0;
  const next = (): Seed => foldIn(key, counter++);
  const variables: Record<string, tf.Variable> = {};
  const state: Record<string, tf.Variable> = {};
  const convs: ConvLayer[] = [];
  const bns: BnLayer[] = [];
  const variable = (name: string, t: tf.Tensor, trainable = true): tf.Variable => {
    const v = tf.variable(t, trainable);
    t.dispose();
    (trainable ? variables : state)[name] = v;
    return v;
  };
  const C = config.channels;
  /** A k×k conv [k, k, cin, cout] (or, for k = 1, a dense kernel [cin, cout]); `gain` scales the init. */
  const conv = (name: string, cin: number, cout: number, k: number, strides = 1, gain = 1): ConvLayer => {
    const shape = k === 1 ? [cin, cout] : [k, k, cin, cout];
    const w = initializeWeights(shape, k * k * cin, k * k * cout, next(), 'he-normal');
    const filter = variable(`${name}/filter`, gain === 1 ? w : tf.tidy(() => tf.mul(w, gain)));
    if (gain !== 1) w.dispose();
    const bias = variable(`${name}/bias`, tf.zeros([cout]));
    const v0 = tf.tidy(() => {
      const r = random.normal([cout], next());
      return tf.div(r, tf.norm(r));
    });
    const layer = { name, filter, bias, v: variable(`${name}/sn_v`, v0, false), kernel: k, strides };
    convs.push(layer);
    return layer;
  };
  const bn = (name: string, c: number): BnLayer => {
    const layer = {
      name,
      gamma: variable(`${name}/gamma`, tf.ones([c])),
      beta: variable(`${name}/beta`, tf.zeros([c])),
      mean: variable(`${name}/mean`, tf.zeros([c]), false),
      variance: variable(`${name}/variance`, tf.ones([c]), false),
    };
    bns.push(layer);
    return layer;
  };
  const se = (name: string, c: number): SeLayer => {
    const hidden = Math.max(4, Math.floor(c / config.seReduction));
    const d = (n: string, i: number, o: number, init: 'he-normal' | 'glorot-uniform') => ({
      kernel: variable(`${name}/${n}/kernel`, initializeWeights([i, o], i, o, next(), init)),
      bias: variable(`${name}/${n}/bias`, tf.zeros([o])),
    });
    return { w1: d('squeeze', c, hidden, 'he-normal'), w2: d('excite', hidden, c, 'glorot-uniform') };
  };
  const encoderCell = (name: string): EncoderCell => ({
    bn1: bn(`${name}/bn1`, C),
    conv1: conv(`${name}/conv1`, C, C, 3),
    bn2: bn(`${name}/bn2`, C),
    conv2: conv(`${name}/conv2`, C, C, 3),
    se: se(`${name}/se`, C),
  });
  const startDecoderBn = (): number => bns.length;
  const decoderCell = (name: string): DecoderCell => {
    const e = config.expand * C;
    const k2 = 25;
    return {
      bn1: bn(`${name}/bn1`, C),
      expand: conv(`${name}/expand`, C, e, 1),
      bn2: bn(`${name}/bn2`, e),
      depthwise: {
        filter: variable(
          `${name}/depthwise/filter`,
          initializeWeights([5, 5, e, 1], k2, k2, next(), 'he-normal'),
        ),
        bias: variable(`${name}/depthwise/bias`, tf.zeros([e])),
      },
      bn3: bn(`${name}/bn3`, e),
      project: conv(`${name}/project`, e, C, 1),
      bn4: bn(`${name}/bn4`, C),
      se: se(`${name}/se`, C),
    };
  };

  const padded = paddedSide(config);
  const [, , ch] = config.inputShape;
  const cz = config.latentChannels;
  const S = config.scales;
  // Bottom-up.
  const stem = conv('encoder/stem', ch, C, 3, 2);
  const pre = Array.from({ length: config.preprocessCells }, (_, i) => encoderCell(`encoder/pre${i}`));
  const down: ConvLayer[] = [conv('encoder/down0', C, C, 3, 2)];
  const encoderCells: EncoderCell[][] = [];
  // Groups in bottom-up order: finest scale first, its groups from last to first.
  for (let s = S - 1; s >= 0; s--) {
    for (let g = (config.groupsPerScale[s] as number) - 1; g >= 0; g--) {
      encoderCells.push(
        Array.from({ length: config.encoderCells }, (_, i) => encoderCell(`encoder/s${s}g${g}/cell${i}`)),
      );
    }
    if (s > 0) down.push(conv(`encoder/down${S - s}`, C, C, 3, 2));
  }
  // Top-down.
  const top = padded / 2 ** (S + 1);
  const decoderBnStart = startDecoderBn();
  const h0 = variable('decoder/h0', tf.zeros([1, top, top, C]));
  const groups: GroupSpec[] = [];
  const layers: GroupLayers[] = [];
  const up: ConvLayer[] = [];
  let offset = 0;
  for (let s = 0; s < S; s++) {
    const side = top * 2 ** s;
    for (let g = 0; g < (config.groupsPerScale[s] as number); g++) {
      const l = groups.length;
      const size = side * side * cz;
      groups.push({ index: l, scale: s, group: g, side, size, offset });
      offset += size;
      const name = `decoder/s${s}g${g}`;
      const cells =
        l === 0 ? [] : Array.from({ length: config.decoderCells }, (_, i) => decoderCell(`${name}/cell${i}`));
      layers.push({
        cells,
        ...(l === 0 ? {} : { prior: conv(`${name}/prior`, C, 2 * cz, 3, 1, 0.1) }),
        ...(l === 0 ? {} : { combineEncoder: conv(`${name}/combine_encoder`, C, C, 1) }),
        posterior: conv(`${name}/posterior`, C, 2 * cz, 3, 1, 0.1),
        combine: conv(`${name}/combine`, C + cz, C, 1),
      });
    }
    if (s < S - 1) up.push(conv(`decoder/up${s}`, C, C, 1));
  }
  const postUp = conv('decoder/post_up', C, C, 1);
  const post = Array.from({ length: config.postprocessCells }, (_, i) => decoderCell(`decoder/post${i}`));
  const outChannels = config.likelihood === 'bernoulli' ? ch : config.mixtures * (1 + 2 * ch);
  // The output conv runs at P/2 with 4× the channels, rearranged to P×P (a pixel shuffle).
  const out = conv('decoder/out', C, 4 * outChannels, 3);
  return {
    variables,
    state,
    convs,
    bns,
    decoderBns: bns.slice(decoderBnStart),
    groups,
    latentSize: offset,
    padded,
    stem,
    pre,
    down,
    encoderCells,
    h0,
    layers,
    up,
    postUp,
    post,
    out,
    outChannels,
  };
}

/** How batch norms run: batch statistics (and a running-statistics update with `momentum`) or running ones. */
export interface PassContext {
  readonly training: boolean;
  readonly momentum: number;
}

function applyConv(layer: ConvLayer, x: tf.Tensor4D): tf.Tensor4D {
  if (layer.kernel === 1) {
    const [b, h, w, c] = x.shape;
    const y = dense({ kernel: layer.filter, bias: layer.bias }, tf.reshape(x, [b * h * w, c]));
    return tf.reshape(y, [b, h, w, layer.filter.shape[1] as number]);
  }
  return conv2d({ filter: layer.filter, bias: layer.bias }, x, { strides: layer.strides });
}

function norm(layer: BnLayer, x: tf.Tensor4D, ctx: PassContext): tf.Tensor4D {
  return batchNorm(layer, layer, x, { training: ctx.training, momentum: ctx.momentum }) as tf.Tensor4D;
}

function squeezeExcite(se: SeLayer, x: tf.Tensor4D): tf.Tensor4D {
  const [b, , , c] = x.shape;
  const m = tf.mean(x, [1, 2]);
  const hidden = dense(se.w1, m, { activation: 'relu' });
  const gate = tf.sigmoid(dense(se.w2, hidden));
  return tf.mul(x, tf.reshape(gate, [b, 1, 1, c]));
}

function encoderCell(cell: EncoderCell, x: tf.Tensor4D, ctx: PassContext): tf.Tensor4D {
  let h = applyConv(cell.conv1, swish(norm(cell.bn1, x, ctx)) as tf.Tensor4D);
  h = applyConv(cell.conv2, swish(norm(cell.bn2, h, ctx)) as tf.Tensor4D);
  return tf.add(x, tf.mul(squeezeExcite(cell.se, h), RESIDUAL_SCALE));
}

function decoderCell(cell: DecoderCell, x: tf.Tensor4D, ctx: PassContext): tf.Tensor4D {
  let h = applyConv(cell.expand, norm(cell.bn1, x, ctx));
  h = swish(norm(cell.bn2, h, ctx)) as tf.Tensor4D;
  h = depthwiseConv2d(cell.depthwise, h);
  h = swish(norm(cell.bn3, h, ctx)) as tf.Tensor4D;
  h = norm(cell.bn4, applyConv(cell.project, h), ctx);
  return tf.add(x, tf.mul(squeezeExcite(cell.se, h), RESIDUAL_SCALE));
}

function upsample(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]);
}

/**
 * Depth to space by 2 with rank-4 ops only (tfjs has no DepthToSpace gradient): [n, h, w, 4c] with
 * channel (dy·2 + dx)·c + k → [n, 2h, 2w, c] with out[n, 2i + dy, 2j + dx, k].
 */
export function pixelShuffle(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c4] = x.shape;
  const c = c4 / 4;
  const rows = tf.transpose(tf.reshape(x, [n * h, w, 2, 2 * c]), [0, 2, 1, 3]); // [(n, i), dy, j, (dx, k)]
  return tf.reshape(rows, [n, 2 * h, 2 * w, c]);
}

/** Splits a [n, h, w, 2c] output into a Normal's (loc, soft-clamped logScale). */
function normalOf(t: tf.Tensor4D): NormalParams {
  const c = (t.shape[3] as number) / 2;
  return {
    loc: tf.slice(t, [0, 0, 0, 0], [-1, -1, -1, c]),
    logScale: softClamp(tf.slice(t, [0, 0, 0, c], [-1, -1, -1, c])),
  };
}

/**
 * The bottom-up pass: images [B, H, W, ch] in [0, 1] → one feature [B, side, side, C] per latent group,
 * in top-down order. The image is mapped to 2x − 1 and padded with −1 (background) to P×P. Call in tidy.
 */
export function bottomUp(
  net: NvaeNetwork,
  config: NvaeConfig,
  x: tf.Tensor4D,
  ctx: PassContext,
): tf.Tensor4D[] {
  const [, h, w] = x.shape;
  const top = Math.floor((net.padded - h) / 2);
  const left = Math.floor((net.padded - w) / 2);
  const xi = tf.sub(
    tf.mul(
      tf.pad(x, [
        [0, 0],
        [top, net.padded - h - top],
        [left, net.padded - w - left],
        [0, 0],
      ]),
      2,
    ),
    1,
  ) as tf.Tensor4D;
  let f = conv2d({ filter: net.stem.filter, bias: net.stem.bias }, xi, { strides: 2, inputGradient: false });
  for (const cell of net.pre) f = encoderCell(cell, f, ctx);
  f = applyConv(net.down[0] as ConvLayer, f);
  const features: tf.Tensor4D[] = [];
  let i = 0;
  for (let s = config.scales - 1; s >= 0; s--) {
    for (let g = 0; g < (config.groupsPerScale[s] as number); g++) {
      for (const cell of net.encoderCells[i] as EncoderCell[]) f = encoderCell(cell, f, ctx);
      features.push(f);
      i++;
    }
    if (s > 0) f = applyConv(net.down[config.scales - s] as ConvLayer, f);
  }
  return features.reverse();
}

/** Where the top-down pass takes each group's z from. */
export type LatentSource =
  /** z ~ q(z | x, z<l) with standard-normal noise eps[l] [n, side, side, c], or its mean when eps is null. */
  | { readonly kind: 'posterior'; readonly features: tf.Tensor4D[]; readonly eps: tf.Tensor4D[] | null }
  /** z ~ p(z_l | z<l) at a temperature: μ + T·σ·eps[l]. */
  | { readonly kind: 'prior'; readonly eps: tf.Tensor4D[]; readonly temperature: number }
  /** z given. */
  | { readonly kind: 'given'; readonly z: tf.Tensor4D[] };

/** Per-group results of a top-down pass with the posterior: each [n]; `loc` is q's mean [n, side, side, c]. */
export interface GroupPass {
  readonly kl: tf.Tensor1D;
  /** The KL of each latent variable, [n, side, side, c]. */
  readonly klUnits: tf.Tensor4D;
  readonly logP: tf.Tensor1D;
  readonly logQ: tf.Tensor1D;
  readonly loc: tf.Tensor4D;
}

const sumPerRow = (t: tf.Tensor): tf.Tensor1D => tf.sum(t, [1, 2, 3]) as tf.Tensor1D;

function logNormal(z: tf.Tensor, p: NormalParams): tf.Tensor1D {
  const u = tf.mul(tf.sub(z, p.loc), tf.exp(tf.neg(p.logScale)));
  return sumPerRow(tf.sub(tf.sub(tf.mul(-0.5, tf.square(u)), p.logScale), HALF_LOG_TWO_PI));
}

/**
 * The top-down pass for n rows: the decoder's output [n, H, W, outChannels] (cropped to the image) and,
 * with the posterior, each group's KL, log p(z_l | z<l), log q(z_l | x, z<l) and q's mean. Call in tidy.
 */
export function topDown(
  net: NvaeNetwork,
  config: NvaeConfig,
  n: number,
  source: LatentSource,
  ctx: PassContext,
): { output: tf.Tensor4D; groups: GroupPass[] } {
  let h = tf.tile(net.h0, [n, 1, 1, 1]) as tf.Tensor4D;
  const passes: GroupPass[] = [];
  const cz = config.latentChannels;
  for (const spec of net.groups) {
    const l = spec.index;
    const layers = net.layers[l] as GroupLayers;
    for (const cell of layers.cells) h = decoderCell(cell, h, ctx);
    const prior: NormalParams =
      layers.prior === undefined
        ? { loc: tf.zeros([n, spec.side, spec.side, cz]), logScale: tf.zeros([n, spec.side, spec.side, cz]) }
        : normalOf(applyConv(layers.prior, swish(h) as tf.Tensor4D));
    let z: tf.Tensor4D;
    if (source.kind === 'posterior') {
      const feature = source.features[l] as tf.Tensor4D;
      const e =
        layers.combineEncoder === undefined ? feature : tf.add(feature, applyConv(layers.combineEncoder, h));
      const delta = normalOf(applyConv(layers.posterior, swish(e) as tf.Tensor4D));
      const q = { loc: tf.add(prior.loc, delta.loc), logScale: tf.add(prior.logScale, delta.logScale) };
      const eps = source.eps?.[l];
      z = (eps === undefined ? q.loc : tf.add(q.loc, tf.mul(tf.exp(q.logScale), eps))) as tf.Tensor4D;
      const klUnits = residualKl(prior.logScale, delta.loc, delta.logScale) as tf.Tensor4D;
      const kl = sumPerRow(klUnits);
      const logQ =
        eps === undefined
          ? sumPerRow(tf.sub(tf.neg(q.logScale), HALF_LOG_TWO_PI))
          : sumPerRow(tf.sub(tf.sub(tf.mul(-0.5, tf.square(eps)), q.logScale), HALF_LOG_TWO_PI));
      passes.push({ kl, klUnits, logP: logNormal(z, prior), logQ, loc: q.loc as tf.Tensor4D });
    } else if (source.kind === 'prior') {
      const eps = source.eps[l] as tf.Tensor4D;
      z = tf.add(prior.loc, tf.mul(tf.exp(prior.logScale), tf.mul(eps, source.temperature))) as tf.Tensor4D;
    } else {
      z = source.z[l] as tf.Tensor4D;
    }
    h = applyConv(layers.combine, tf.concat([h, z], 3));
    const last = spec.group === (config.groupsPerScale[spec.scale] as number) - 1;
    if (last && spec.scale < config.scales - 1) h = applyConv(net.up[spec.scale] as ConvLayer, upsample(h));
  }
  h = applyConv(net.postUp, upsample(h));
  for (const cell of net.post) h = decoderCell(cell, h, ctx);
  const full = pixelShuffle(applyConv(net.out, swish(h) as tf.Tensor4D));
  const [height, width] = config.inputShape;
  const top = Math.floor((net.padded - height) / 2);
  const left = Math.floor((net.padded - width) / 2);
  const output = tf.slice(full, [0, top, left, 0], [n, height, width, net.outChannels]);
  return { output, groups: passes };
}

/** Splits flat latents [n, latentSize] into each group's [n, side, side, c]. Call in tidy. */
export function splitLatents(net: NvaeNetwork, config: NvaeConfig, flat: tf.Tensor2D): tf.Tensor4D[] {
  const n = flat.shape[0];
  return net.groups.map((g) =>
    tf.reshape(tf.slice(flat, [0, g.offset], [n, g.size]), [n, g.side, g.side, config.latentChannels]),
  );
}

/** Joins per-group latents back into [n, latentSize]. Call in tidy. */
export function joinLatents(parts: tf.Tensor4D[]): tf.Tensor2D {
  const n = parts[0]?.shape[0] ?? 0;
  return tf.concat(
    parts.map((p) => tf.reshape(p, [n, -1])),
    1,
  ) as tf.Tensor2D;
}
