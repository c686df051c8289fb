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
import { checkSize } from './dense.js';
import { initializeWeights } from './init.js';

/** The parameters of a depthwise convolution: filter [k, k, channels, 1] and optional bias [channels]. */
export interface DepthwiseConv2dParams {
  readonly filter: tf.Tensor;
  readonly bias?: tf.Tensor;
}

/**
 * Fresh parameters of a depthwise convolution with an odd `kernelSize`: filter [k, k, channels, 1]
 * drawn He-normal with fanIn = k² (each output sees k² inputs of its own channel), bias 0.
 *
 * @returns new tensors owned by the caller.
 * @throws ArgumentError for an even or non-positive kernel size.
 * @example const p = initDepthwiseConv2d(96, 5, seed(0)); // filter [5, 5, 96, 1]
 */
export function initDepthwiseConv2d(
  channels: number,
  kernelSize: number,
  s: Seed | number,
  options: { readonly bias?: boolean } = {},
): { filter: tf.Tensor; bias?: tf.Tensor } {
  const fn = 'initDepthwiseConv2d';
  checkSize(channels, 'channels', fn);
  checkOddKernel(kernelSize, fn);
  const k2 = kernelSize * kernelSize;
  const filter = initializeWeights(
    [kernelSize, kernelSize, channels, 1],
    k2,
    k2,
    toSeed(s, 'seed', fn),
    'he-normal',
  );
  return options.bias === false ? { filter } : { filter, bias: tf.zeros([channels]) };
}

function checkOddKernel(k: unknown, fn: string): void {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k % 2 === 0) {
    throw new ArgumentError(
      `${fn}: kernel size is ${String(k)}, expected an odd positive integer (3, 5, ...)`,
    );
  }
}

/**
 * The filter gradient dW[i,j,c] = Σ_{b,o,p} xpad[b, o+i, p+j, c]·dY[b,o,p,c] of a stride-1 'same'
 * depthwise convolution, as ONE depthwise convolution: batch and channels are folded into the channel
 * axis, ([1, H', W', B·C] with the filter dY [H, W, B·C, 1]), then the batch is summed out. tfjs has no
 * DepthwiseConv2dNativeBackpropFilter kernel on wasm; this uses the forward kernel only. Call in tidy.
 */
function depthwiseFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, k: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const p = (k - 1) / 2;
  const xp = tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  const input = tf.reshape(tf.transpose(xp, [1, 2, 0, 3]), [1, h + 2 * p, w + 2 * p, b * c]) as tf.Tensor4D;
  const filter = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [h, w, b * c, 1]);
  const g = tf.depthwiseConv2d(input, filter as tf.Tensor4D, 1, 'valid'); // [1, k, k, B·C]
  return tf.reshape(tf.sum(tf.reshape(g, [k, k, b, c]), 2), [k, k, c, 1]);
}

/**
 * A depthwise 2-D convolution (NHWC, stride 1, 'same' padding, odd kernel k): each channel is convolved
 * with its own k×k filter,
 *
 *   y[b,o,p,c] = Σ_{i,j} xpad[b, o+i, p+j, c]·W[i,j,c,0] + bias[c],   pad (k−1)/2 on every side,
 *
 * as in MobileNetV2 and NVAE's decoder cell. Custom gradient, equal to the stock one: dX is the same
 * depthwise convolution of dY with the spatially flipped filter, dW the correlation of the padded input
 * with dY (one depthwise convolution, see above), db = Σ dY. It therefore trains on wasm, where tfjs
 * registers no depthwise backprop kernels.
 *
 * @param params - `{ filter [k, k, C, 1], bias? [C] }`.
 * @param x - [batch, height, width, C].
 * @returns a new tensor shaped like x, owned by the caller.
 * @throws ShapeError for mismatched shapes; ArgumentError for an even kernel.
 * @example
 * const p = initDepthwiseConv2d(96, 5, seed(0));
 * depthwiseConv2d(p, tf.zeros([8, 8, 8, 96])).shape; // [8, 8, 8, 96]
 */
export function depthwiseConv2d(params: DepthwiseConv2dParams, x: TensorInput): tf.Tensor4D {
  const fn = 'depthwiseConv2d';
  return tf.tidy(() => {
    const xt = toFloatTensor(x, 'x', fn);
    const { filter, bias } = params;
    const [k, k2, c, m] = filter.shape;
    if (filter.rank !== 4 || k !== k2 || m !== 1) {
      throw new ShapeError(
        `${fn}: argument 'params.filter' has shape ${formatShape(filter.shape)}, expected [k, k, channels, 1]`,
      );
    }
    checkOddKernel(k, fn);
    if (xt.rank !== 4 || xt.shape[3] !== c) {
      throw new ShapeError(
        `${fn}: argument 'x' has shape ${formatShape(xt.shape)}, expected [batch, height, width, ${c}] (NHWC; the filter is ${formatShape(filter.shape)})`,
      );
    }
    if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== c)) {
      throw new ShapeError(
        `${fn}: argument 'params.bias' has shape ${formatShape(bias.shape)}, expected [${c}]`,
      );
    }
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const xi = args[0] as tf.Tensor4D;
      const wi = args[1] as tf.Tensor4D;
      (args[2] as tf.GradSaveFunc)([xi, wi]);
      return {
        value: tf.depthwiseConv2d(xi, wi, 1, 'same'),
        gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
          const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
          const dx = tf.depthwiseConv2d(dy, tf.reverse(sw, [0, 1]) as tf.Tensor4D, 1, 'same');
          return [dx, depthwiseFilterGradient(sx, dy, k as number)];
        },
      };
    });
    const y = op(xt as tf.Tensor4D, filter as tf.Tensor4D);
    return (bias === undefined ? y : tf.add(y, bias)) as tf.Tensor4D;
  });
}
