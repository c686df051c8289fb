import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  formatShape,
  ShapeError,
  toFloatTensor,
  toSeed,
  type Seed,
  type TensorInput,
} from '@elbo/core';
import { applyActivation, type Activation } from './activations.js';
import { checkActivation, checkSize } from './dense.js';
import { initializeWeights, type Initializer } from './init.js';

/** Padding of a convolution, as in tfjs and TensorFlow: `'same'` keeps ⌈size/stride⌉, `'valid'` pads nothing. */
export type Padding = 'same' | 'valid';

/** The parameters of a conv2d layer: filter [kh, kw, cin, cout] and optional bias [cout]. */
export interface Conv2dParams {
  readonly filter: tf.Tensor;
  readonly bias?: tf.Tensor;
}

/** The parameters of a conv2dTranspose layer: filter [kh, kw, cout, cin] (tfjs's layout) and bias [cout]. */
export interface Conv2dTransposeParams {
  readonly filter: tf.Tensor;
  readonly bias?: tf.Tensor;
}

/** Options of {@link initConv2d} and {@link initConv2dTranspose}. */
export interface InitConvOptions {
  /** How the filter is drawn (default `'he-normal'`); the bias starts at 0. */
  readonly initializer?: Initializer;
  /** Whether the layer has a bias (default true). */
  readonly bias?: boolean;
}

/**
 * Fresh parameters of a conv2d layer: filter [kernelSize, kernelSize, inChannels, outChannels] drawn with
 * fanIn = k²·cin, fanOut = k²·cout; bias 0 [outChannels].
 *
 * @returns new tensors owned by the caller.
 * @example const p = initConv2d(1, 32, 4, seed(0)); // filter [4, 4, 1, 32]
 */
export function initConv2d(
  inChannels: number,
  outChannels: number,
  kernelSize: number,
  s: Seed | number,
  options: InitConvOptions = {},
): { filter: tf.Tensor; bias?: tf.Tensor } {
  const fn = 'initConv2d';
  checkSize(inChannels, 'inChannels', fn);
  checkSize(outChannels, 'outChannels', fn);
  checkSize(kernelSize, 'kernelSize', fn);
  const k2 = kernelSize * kernelSize;
  const filter = initializeWeights(
    [kernelSize, kernelSize, inChannels, outChannels],
    k2 * inChannels,
    k2 * outChannels,
    toSeed(s, 'seed', fn),
    options.initializer ?? 'he-normal',
  );
  return options.bias === false ? { filter } : { filter, bias: tf.zeros([outChannels]) };
}

/**
 * Fresh parameters of a conv2dTranspose layer: filter [kernelSize, kernelSize, outChannels, inChannels]
 * with fanIn = k²·cin, fanOut = k²·cout; bias 0 [outChannels].
 *
 * @returns new tensors owned by the caller.
 * @example const p = initConv2dTranspose(64, 32, 4, seed(0)); // filter [4, 4, 32, 64]
 */
export function initConv2dTranspose(
  inChannels: number,
  outChannels: number,
  kernelSize: number,
  s: Seed | number,
  options: InitConvOptions = {},
): { filter: tf.Tensor; bias?: tf.Tensor } {
  const fn = 'initConv2dTranspose';
  checkSize(inChannels, 'inChannels', fn);
  checkSize(outChannels, 'outChannels', fn);
  checkSize(kernelSize, 'kernelSize', fn);
  const k2 = kernelSize * kernelSize;
  const filter = initializeWeights(
    [kernelSize, kernelSize, outChannels, inChannels],
    k2 * inChannels,
    k2 * outChannels,
    toSeed(s, 'seed', fn),
    options.initializer ?? 'he-normal',
  );
  return options.bias === false ? { filter } : { filter, bias: tf.zeros([outChannels]) };
}

/** Options of {@link conv2d} and {@link conv2dTranspose}. */
export interface ConvOptions {
  /** The stride along both spatial axes (default 1). */
  readonly strides?: number;
  /** `'same'` (default) or `'valid'`. */
  readonly padding?: Padding;
  /** Applied after the bias (default `'linear'`). */
  readonly activation?: Activation;
  /** Whether the gradient with respect to x is computed (default true); false only when x is data. */
  readonly inputGradient?: boolean;
}

/** Padding before and after along one axis, and the output size, as tfjs computes them. */
interface AxisGeometry {
  readonly before: number;
  readonly after: number;
  readonly out: number;
}

function axisGeometry(size: number, k: number, s: number, padding: Padding): AxisGeometry {
  if (padding === 'valid') return { before: 0, after: 0, out: Math.ceil((size - k + 1) / s) };
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const before = Math.floor(total / 2);
  return { before, after: total - before, out };
}

/** Pads (or crops, for negative amounts) axes 1 and 2 of an NHWC tensor. */
function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let t = x;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    t = tf.pad(t, [
      [0, 0],
      [Math.max(top, 0), Math.max(bottom, 0)],
      [Math.max(left, 0), Math.max(right, 0)],
      [0, 0],
    ]);
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = t.shape;
    const t0 = Math.max(-top, 0);
    const l0 = Math.max(-left, 0);
    t = tf.slice(t, [0, t0, l0, 0], [n, h - t0 - Math.max(-bottom, 0), w - l0 - Math.max(-right, 0), c]);
  }
  return t;
}

/**
 * The filter gradient of y = conv2d(x, w) (stride s, padding `g`), dW[i,j,ci,co] =
 * Σ_{b,o,p} xpad[b, o·s+i, p·s+j, ci]·dY[b,o,p,co], computed as ONE stride-1 conv2d of the input with
 * dY as a filter dilated by s, after transposes (channels ↔ batch). Conv2DBackpropFilter is not
 * registered on wasm; this uses Conv2D only. Call inside tf.tidy.
 */
function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  k: readonly [number, number],
  s: number,
  gh: AxisGeometry,
  gw: AxisGeometry,
): tf.Tensor4D {
  const [, oh, ow] = dy.shape;
  const [, h, w] = x.shape;
  const needH = k[0] + (oh - 1) * s;
  const needW = k[1] + (ow - 1) * s;
  const xp = padOrCrop(x, gh.before, needH - h - gh.before, gw.before, needW - w - gw.before);
  const xt = tf.transpose(xp, [3, 1, 2, 0]); // [ci, H', W', B]
  const ft = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, B, co]
  const g =
    oh === 1 && ow === 1 ? tf.conv2d(xt, ft, 1, 'valid') : tf.conv2d(xt, ft, 1, 'valid', 'NHWC', [s, s]); // [ci, kh, kw, co]
  return tf.transpose(g, [1, 2, 0, 3]);
}

/**
 * The adjoint of y = conv2d(·, w) (stride s, geometry gh/gw) applied to u [B, oh, ow, co], giving
 * [B, h, w, ci]: a stride-1 conv2d of u zero-stuffed by s with the spatially flipped, channel-swapped
 * filter. On wasm this runs through XNNPACK's Conv2D rather than the slow Conv2DBackpropInput loop.
 * Call inside tf.tidy.
 */
function transposedConvolution(
  u: tf.Tensor4D,
  w: tf.Tensor4D,
  h: number,
  wd: number,
  s: number,
  gh: AxisGeometry,
  gw: AxisGeometry,
): tf.Tensor4D {
  const [b, oh, ow, co] = u.shape;
  const [kh, kw] = w.shape;
  let stuffed: tf.Tensor4D = u;
  if (s > 1) {
    // Zero-stuffing with rank-4 pads only (WebGL's pad shader has no rank-5/6 form): first along the
    // width, [B·oh, ow, 1, co] → [B·oh, ow, s, co], then along the height, [B, oh, 1, ·] → [B, oh, s, ·].
    const alongWidth = tf.pad(tf.reshape(u, [b * oh, ow, 1, co]), [
      [0, 0],
      [0, 0],
      [0, s - 1],
      [0, 0],
    ]);
    const alongHeight = tf.pad(tf.reshape(alongWidth, [b, oh, 1, ow * s * co]), [
      [0, 0],
      [0, 0],
      [0, s - 1],
      [0, 0],
    ]);
    stuffed = tf.reshape(alongHeight, [b, oh * s, ow * s, co]);
  }
  // Output row m (of the padded input's frame, m = gh.before + row) reads stuffed rows m − (kh−1) … m.
  const top = kh - 1 - gh.before;
  const bottom = gh.before + h - 1 - (oh * s - 1);
  const left = kw - 1 - gw.before;
  const right = gw.before + wd - 1 - (ow * s - 1);
  const input = padOrCrop(stuffed, top, bottom, left, right);
  const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]); // [kh, kw, co, ci]
  return tf.conv2d(input, flipped, 1, 'valid');
}

interface ConvSetting {
  readonly strides: number;
  readonly padding: Padding;
  readonly activation: Activation;
  readonly inputGradient: boolean;
}

function readConvOptions(options: ConvOptions, fn: string): ConvSetting {
  const strides = options.strides ?? 1;
  checkSize(strides, 'options.strides', fn);
  const padding = options.padding ?? 'same';
  if (padding !== 'same' && padding !== 'valid') {
    throw new ArgumentError(
      `${fn}: argument 'options.padding' is ${JSON.stringify(padding)}, expected 'same' or 'valid'`,
    );
  }
  const activation = checkActivation(options.activation ?? 'linear', fn);
  return { strides, padding, activation, inputGradient: options.inputGradient ?? true };
}

function checkConvShapes(
  x: tf.Tensor,
  filter: tf.Tensor,
  bias: tf.Tensor | undefined,
  channelsIn: number,
  channelsOut: number,
  fn: string,
  layout: string,
): void {
  if (filter.rank !== 4) {
    throw new ShapeError(
      `${fn}: argument 'params.filter' has shape ${formatShape(filter.shape)}, expected ${layout}`,
    );
  }
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== channelsOut)) {
    throw new ShapeError(
      `${fn}: argument 'params.bias' has shape ${formatShape(bias.shape)}, expected [${channelsOut}]`,
    );
  }
  if (x.rank !== 4 || x.shape[3] !== channelsIn) {
    throw new ShapeError(
      `${fn}: argument 'x' has shape ${formatShape(x.shape)}, expected [batch, height, width, ${channelsIn}] (NHWC; the filter is ${formatShape(filter.shape)})`,
    );
  }
}

/**
 * A 2-D convolution layer (NHWC) y = act(conv2d(x, W, stride, padding) + b), with W [kh, kw, cin, cout]:
 *
 *   y[b,o,p,co] = Σ_{i,j,ci} xpad[b, o·s+i, p·s+j, ci]·W[i,j,ci,co] + b[co].
 *
 * The gradient is custom and equals tfjs's stock one: dX is the transposed convolution of dY (computed
 * as a conv2d of zero-stuffed dY with the flipped filter), dW[i,j,ci,co] = Σ xpad[b, o·s+i, p·s+j, ci]
 * dY[b,o,p,co] (a conv2d of the input with dY as a dilated filter), db = Σ dY. It therefore trains on
 * wasm, where tfjs has no Conv2DBackpropFilter kernel.
 *
 * @param params - `{ filter, bias? }`.
 * @param x - [batch, height, width, cin].
 * @returns a new tensor [batch, ⌈h/s⌉, ⌈w/s⌉, cout] for `'same'`, owned by the caller.
 * @throws ShapeError for mismatched shapes; ArgumentError for bad options.
 * @example
 * const p = initConv2d(1, 32, 4, seed(0));
 * conv2d(p, tf.zeros([8, 28, 28, 1]), { strides: 2, activation: 'relu' }).shape; // [8, 14, 14, 32]
 */
export function conv2d(params: Conv2dParams, x: TensorInput, options: ConvOptions = {}): tf.Tensor4D {
  const fn = 'conv2d';
  const o = readConvOptions(options, fn);
  return tf.tidy(() => {
    const xt = toFloatTensor(x, 'x', fn);
    const { filter, bias } = params;
    checkConvShapes(
      xt,
      filter,
      bias,
      filter.shape[2] ?? -1,
      filter.shape[3] ?? -1,
      fn,
      '[kh, kw, cin, cout]',
    );
    const x4 = xt as tf.Tensor4D;
    const [, h, w] = x4.shape;
    const [kh, kw] = filter.shape as [number, number, number, number];
    const gh = axisGeometry(h, kh, o.strides, o.padding);
    const gw = axisGeometry(w, kw, o.strides, o.padding);
    if (gh.out < 1 || gw.out < 1) {
      throw new ShapeError(
        `${fn}: argument 'x' has shape ${formatShape(xt.shape)}, smaller than the ${kh}×${kw} filter with 'valid' padding`,
      );
    }
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const xi = args[0] as tf.Tensor4D;
      const wi = args[1] as tf.Tensor4D;
      const save = args[2] as tf.GradSaveFunc;
      save([xi, wi]);
      return {
        value: tf.conv2d(xi, wi, o.strides, o.padding),
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
          const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
          const dx = o.inputGradient
            ? transposedConvolution(dy, sw, h, w, o.strides, gh, gw)
            : tf.zerosLike(sx);
          return [dx, filterGradient(sx, dy, [kh, kw], o.strides, gh, gw)];
        },
      };
    });
    const y = op(x4, filter as tf.Tensor4D);
    const withBias = bias === undefined ? y : tf.add(y, bias);
    return applyActivation(withBias, o.activation) as tf.Tensor4D;
  });
}

/**
 * A transposed 2-D convolution layer (NHWC), the adjoint of conv2d in x: with W [kh, kw, cout, cin],
 *
 *   ypad[b, o·s+i, p·s+j, co] += x[b,o,p,ci]·W[i,j,co,ci],  y = act(crop(ypad) + b),
 *
 * output [batch, h·s, w·s, cout] for `'same'` and [batch, (h−1)·s + k, (w−1)·s + k, cout] for `'valid'`
 * (tfjs's `conv2dTranspose` with that output shape). Computed as a stride-1 conv2d of the zero-stuffed
 * input with the flipped filter, which on wasm is several times faster than tfjs's Conv2DBackpropInput.
 * Custom gradient: dX = conv2d(dY, W, stride, padding), dW = the conv2d filter gradient of (dY, x).
 *
 * @param params - `{ filter, bias? }`.
 * @param x - [batch, height, width, cin].
 * @returns a new tensor, owned by the caller.
 * @throws ShapeError for mismatched shapes; ArgumentError for bad options.
 * @example
 * const p = initConv2dTranspose(64, 32, 4, seed(0));
 * conv2dTranspose(p, tf.zeros([8, 7, 7, 64]), { strides: 2 }).shape; // [8, 14, 14, 32]
 */
export function conv2dTranspose(
  params: Conv2dTransposeParams,
  x: TensorInput,
  options: ConvOptions = {},
): tf.Tensor4D {
  const fn = 'conv2dTranspose';
  const o = readConvOptions(options, fn);
  return tf.tidy(() => {
    const xt = toFloatTensor(x, 'x', fn);
    const { filter, bias } = params;
    checkConvShapes(
      xt,
      filter,
      bias,
      filter.shape[3] ?? -1,
      filter.shape[2] ?? -1,
      fn,
      '[kh, kw, cout, cin]',
    );
    const x4 = xt as tf.Tensor4D;
    const [, h, w] = x4.shape;
    const [kh, kw] = filter.shape as [number, number, number, number];
    const s = o.strides;
    const outH = o.padding === 'same' ? h * s : (h - 1) * s + kh;
    const outW = o.padding === 'same' ? w * s : (w - 1) * s + kw;
    const gh = axisGeometry(outH, kh, s, o.padding);
    const gw = axisGeometry(outW, kw, s, o.padding);
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const xi = args[0] as tf.Tensor4D;
      const wi = args[1] as tf.Tensor4D;
      const save = args[2] as tf.GradSaveFunc;
      save([xi, wi]);
      return {
        value: transposedConvolution(xi, wi, outH, outW, s, gh, gw),
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
          const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
          const dx = o.inputGradient ? tf.conv2d(dy, sw, s, o.padding) : tf.zerosLike(sx);
          return [dx, filterGradient(dy, sx, [kh, kw], s, gh, gw)];
        },
      };
    });
    const y = op(x4, filter as tf.Tensor4D);
    const withBias = bias === undefined ? y : tf.add(y, bias);
    return applyActivation(withBias, o.activation) as tf.Tensor4D;
  });
}
