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
import { ACTIVATIONS, applyActivation, type Activation } from './activations.js';
import { initializeWeights, type Initializer } from './init.js';

/** The parameters of a dense (fully connected) layer: kernel W [in, out] and optional bias b [out]. */
export interface DenseParams {
  readonly kernel: tf.Tensor;
  readonly bias?: tf.Tensor;
}

/** Options of {@link initDense}. */
export interface InitDenseOptions {
  /** How W is drawn (default `'he-normal'`); the bias starts at 0. */
  readonly initializer?: Initializer;
  /** Whether the layer has a bias (default true). */
  readonly bias?: boolean;
}

/**
 * Fresh parameters of a dense layer from `inputs` to `units`: W [inputs, units] drawn by the
 * initialiser from `seed`, b = 0 [units].
 *
 * @returns new tensors owned by the caller (wrap them with `toVariables` to train them).
 * @throws ArgumentError for non-positive sizes or a bad seed.
 * @example const p = initDense(784, 512, seed(0)); // { kernel: [784, 512], bias: [512] }
 */
export function initDense(
  inputs: number,
  units: number,
  s: Seed | number,
  options: InitDenseOptions = {},
): { kernel: tf.Tensor; bias?: tf.Tensor } {
  const fn = 'initDense';
  checkSize(inputs, 'inputs', fn);
  checkSize(units, 'units', fn);
  const kernel = initializeWeights(
    [inputs, units],
    inputs,
    units,
    toSeed(s, 'seed', fn),
    options.initializer ?? 'he-normal',
  );
  return options.bias === false ? { kernel } : { kernel, bias: tf.zeros([units]) };
}

/** Throws unless n is a positive integer. Internal to nn. */
export function checkSize(n: unknown, arg: string, fn: string): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ArgumentError(`${fn}: argument '${arg}' is ${String(n)}, expected a positive integer`);
  }
}

/** Throws unless `activation` is a known name. Internal to nn. */
export function checkActivation(activation: unknown, fn: string): Activation {
  if (!ACTIVATIONS.includes(activation as Activation)) {
    throw new ArgumentError(
      `${fn}: argument 'options.activation' is ${JSON.stringify(activation)}, expected one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`,
    );
  }
  return activation as Activation;
}

/** Options of {@link dense}. */
export interface DenseOptions {
  /** Applied after the affine map (default `'linear'`); `'relu'` is fused into the matmul. */
  readonly activation?: Activation;
  /**
   * Whether the gradient with respect to x is computed (default true). Pass false only when x is data
   * (the first layer of an encoder): the backward pass then skips dX = dY·Wᵀ and returns zeros for x.
   */
  readonly inputGradient?: boolean;
}

type Saved = readonly tf.Tensor[];

/**
 * The affine map with a fused ReLU and, on wasm, the backward pass written with explicitly transposed
 * operands: tfjs's stock MatMul gradient calls matMul(a, b, transposeA, transposeB), which wasm runs 8–25×
 * slower than a plain matmul of a transposed copy. On wasm each product is also ordered so that the
 * operand XNNPACK repacks is the smaller one (see `forward` and `inputGradientOf`). Other backends
 * transpose inside their matmul kernels for free and get the stock products.
 */
function denseOp(relu: boolean, inputGradient: boolean, hasBias: boolean) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor2D;
    const w = args[1] as tf.Tensor2D;
    const b = hasBias ? (args[2] as tf.Tensor1D) : undefined;
    const save = args[hasBias ? 3 : 2] as tf.GradSaveFunc;
    const y = forward(x, w, b, relu);
    save(relu ? [x, w, y] : [x, w]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: Saved) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D?];
        const g = (sy === undefined ? dy : tf.mul(dy, tf.step(sy))) as tf.Tensor2D;
        if (tf.getBackend() !== 'wasm') {
          // A transposed operand is free inside these backends' matmul kernels.
          const dx = inputGradient ? tf.matMul(g, sw, false, true) : tf.zerosLike(sx);
          const dw = tf.matMul(sx, g, true, false);
          return hasBias ? [dx, dw, tf.sum(g, 0)] : [dx, dw];
        }
        // gᵀ once, for dX and db: wasm transposes at a fraction of a nanosecond an element (elbo's
        // Transpose kernel) but repacks a product's right operand at 2–4 ns an element.
        const gt = transpose2d(g);
        const dx = inputGradient ? inputGradientOf(g, gt, sw) : tf.zerosLike(sx);
        const dw = tf.matMul(transpose2d(sx), g);
        return hasBias ? [dx, dw, columnSums(gt)] : [dx, dw];
      },
    };
  });
}

/**
 * y = act(x·W + b). tfjs-backend-wasm repacks a matmul's right operand for XNNPACK on every call, on one
 * thread, at about 4 ns an element: 1.7 ms for a 784×512 kernel, half the product itself on one thread
 * and all of it on two. So on wasm, when W is the larger operand by far, y is computed as (Wᵀ·xᵀ)ᵀ + b
 * with the ReLU after, which packs xᵀ instead; elsewhere, and for small kernels, by the fused matmul.
 */
function forward(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | undefined, relu: boolean): tf.Tensor2D {
  const [rows, inputs] = x.shape;
  const units = w.shape[1];
  if (tf.getBackend() !== 'wasm' || inputs * units < Math.max(65_536, 2 * rows * inputs)) {
    return tf.fused.matMul({
      a: x,
      b: w,
      ...(b === undefined ? {} : { bias: b }),
      activation: relu ? 'relu' : 'linear',
    }) as tf.Tensor2D;
  }
  const linear = transpose2d(tf.matMul(transpose2d(w), transpose2d(x)));
  const affine = b === undefined ? linear : tf.add(linear, b);
  return (relu ? tf.relu(affine) : affine) as tf.Tensor2D;
}

/**
 * xᵀ for x [rows, cols]. tfjs-backend-wasm's 2-D transpose takes 5–8 ns an element when `rows` is a
 * multiple of 256 (2.2 ms for a 512×784 kernel, against 0.2 ms for 784×512), while its 3-D transpose of the
 * same numbers seen as [2, rows/2, cols] takes about 1 ns: that is used on wasm for rows a multiple of 128.
 * (Where @elbo/backends started wasm, its own Transpose kernel runs both views at 0.1–0.3 ns an element.)
 * Internal to nn (exported for its test).
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [rows, cols] = x.shape;
  if (rows % 128 !== 0 || tf.getBackend() !== 'wasm') return tf.transpose(x);
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, [2, rows / 2, cols]), [2, 0, 1]), [cols, rows]));
}

/**
 * dX = dY·Wᵀ [rows, in] for dY [rows, out] (and dYᵀ) and W [in, out], on wasm: (W·dYᵀ)ᵀ when that
 * transposes fewer elements than Wᵀ (rows·in against in·out), else dY·Wᵀ. For a batch of 128 through
 * 512 → 784 the first moves 100k elements instead of 401k, and wasm's matmul packs a 512×128 operand
 * instead of a 512×784 one.
 */
function inputGradientOf(dy: tf.Tensor2D, dyt: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [inputs, units] = w.shape;
  const rows = dy.shape[0];
  if (rows * inputs < inputs * units) return transpose2d(tf.matMul(w, dyt));
  return tf.matMul(dy, transpose2d(w));
}

/**
 * Σ over the rows of g [rows, n], on wasm from gᵀ [n, rows] as gᵀ·1: tfjs-backend-wasm reduces an outer
 * axis by transposing the whole tensor first, and a product with g on the right would repack all of g.
 */
function columnSums(gt: tf.Tensor2D): tf.Tensor1D {
  const rows = gt.shape[1];
  return tf.reshape(tf.matMul(gt, tf.ones([rows, 1])), [gt.shape[0]]) as tf.Tensor1D;
}

const OPS = new Map<string, ReturnType<typeof denseOp>>();

function opFor(relu: boolean, inputGradient: boolean, hasBias: boolean): ReturnType<typeof denseOp> {
  const key = `${relu}/${inputGradient}/${hasBias}`;
  let op = OPS.get(key);
  if (op === undefined) {
    op = denseOp(relu, inputGradient, hasBias);
    OPS.set(key, op);
  }
  return op;
}

/**
 * A dense layer y = act(x·W + b) for x of shape [..., in] (leading axes flattened and restored), W [in,
 * out], b [out]. Its gradient is custom and equals tfjs's stock one:
 *
 *   dX = dY·Wᵀ,   dW = Xᵀ·dY,   db = Σ_rows dY   (dY masked by 1[y > 0] for the fused ReLU),
 *
 * with Wᵀ and Xᵀ materialised by `tf.transpose` before a plain `tf.matMul`: on wasm that is 6× faster
 * than the transposed-operand matmuls of the stock gradient.
 *
 * @param params - `{ kernel, bias? }` tensors or variables.
 * @param x - the input, [..., in].
 * @returns a new tensor [..., out], owned by the caller.
 * @throws ShapeError when x's last axis differs from the kernel's rows; ArgumentError for bad options.
 * @example
 * const p = initDense(4, 3, seed(0));
 * const y = dense(p, tf.ones([2, 4]), { activation: 'relu' }); // [2, 3]
 */
export function dense(params: DenseParams, x: TensorInput, options: DenseOptions = {}): tf.Tensor {
  const fn = 'dense';
  const activation = checkActivation(options.activation ?? 'linear', fn);
  return tf.tidy(() => {
    const xt = toFloatTensor(x, 'x', fn);
    const { kernel, bias } = params;
    if (kernel.rank !== 2) {
      throw new ShapeError(
        `${fn}: argument 'params.kernel' has shape ${formatShape(kernel.shape)}, expected [in, out]`,
      );
    }
    const [inputs, units] = kernel.shape as [number, number];
    if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== units)) {
      throw new ShapeError(
        `${fn}: argument 'params.bias' has shape ${formatShape(bias.shape)}, expected [${units}]`,
      );
    }
    if (xt.rank < 1 || xt.shape[xt.rank - 1] !== inputs) {
      throw new ShapeError(
        `${fn}: argument 'x' has shape ${formatShape(xt.shape)}, expected [..., ${inputs}] (the kernel is ${formatShape(kernel.shape)})`,
      );
    }
    const lead = xt.shape.slice(0, -1);
    const x2 = xt.rank === 2 ? xt : tf.reshape(xt, [-1, inputs]);
    const op = opFor(activation === 'relu', options.inputGradient ?? true, bias !== undefined);
    const y2 = bias === undefined ? op(x2, kernel) : op(x2, kernel, bias);
    const y = xt.rank === 2 ? y2 : tf.reshape(y2, [...lead, units]);
    return activation === 'relu' ? y : applyActivation(y, activation);
  });
}
