// elbo's own kernels on tfjs-backend-wasm, registered when wasm starts (see backends.ts):
// - FUSED_ADAM_KERNEL: one Adam step in one pass (WebAssembly SIMD, elbo-kernels.wat), where tfjs-core's
//   optimizer runs 14 kernels per variable. The same bits as tfjs's AdamOptimizer.
// - Identity without a copy: tfjs-backend-wasm's Identity copies its input, and tfjs-core clones every
//   tensor a custom gradient saves, so each dense layer copied its input, weights and output once per step.
//   Tensors are immutable, so the clone can share the input's memory as Reshape does (cpu's and webgl's
//   Identity do the same).
// - SOFTPLUS_KERNEL: log(1 + eˣ) in one SIMD pass with its own exp and log1p, where the stock composition
//   runs 11 kernels, tfjs-backend-wasm's Exp and Log among them at 5–8 ns an element.
// - Transpose: every permutation that is a 2-D transpose once adjacent axes are merged (perm [1, 0],
//   [2, 0, 1], ...), or a batch of them ([0, 2, 1], ...), by 4×4 SIMD blocks; tfjs-backend-wasm's own kernel
//   takes 1–8 ns an element there (8 when the row count is a multiple of 256). Other permutations, and
//   dtypes of other than 4 bytes, go to tfjs's kernel.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ADAM_KERNEL, SOFTPLUS_KERNEL } from '@elbo/core';
import { PLAIN_MEMORY_KERNELS, SHARED_MEMORY_KERNELS } from './elbo-kernels.wasm.js';

/** What these kernels use of tfjs-backend-wasm's BackendWasm (tfjs 4.22). */
interface WasmBackend {
  readonly wasm: {
    readonly wasmMemory?: WebAssembly.Memory;
    readonly asm?: { readonly memory?: WebAssembly.Memory };
  };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: readonly number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
}

interface ElboKernels {
  adam(
    x: number,
    g: number,
    m: number,
    v: number,
    xo: number,
    mo: number,
    vo: number,
    n: number,
    b1: number,
    a1: number,
    b2: number,
    a2: number,
    c1: number,
    c2: number,
    eps: number,
    nlr: number,
  ): void;
  transpose(x: number, y: number, rows: number, cols: number): void;
  softplus(x: number, y: number, n: number): void;
}

/** One instance per wasm module (a backend's memory), made on first use. */
const instances = new WeakMap<object, ElboKernels>();

function kernelsOf(backend: WasmBackend, kernel: string): ElboKernels {
  const known = instances.get(backend.wasm);
  if (known !== undefined) return known;
  // The threaded build creates its memory in JavaScript (shared); the others export theirs.
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error(`${kernel}: tfjs-backend-wasm's memory was not found (not tfjs 4.22's module?)`);
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const base64 = shared ? SHARED_MEMORY_KERNELS : PLAIN_MEMORY_KERNELS;
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const kernels = instance.exports as unknown as ElboKernels;
  instances.set(backend.wasm, kernels);
  return kernels;
}

function offsetOf(backend: WasmBackend, info: tf.TensorInfo, kernel: string): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error(`${kernel}: a tensor's data is not on this backend`);
  return data.memoryOffset;
}

const fusedAdam: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as unknown as WasmBackend;
  const { x, g, m, v, c1, c2 } = inputs as Record<string, tf.TensorInfo>;
  const main = { x, g, m, v };
  for (const [name, t] of Object.entries(main)) {
    if (t === undefined) throw new Error(`${FUSED_ADAM_KERNEL}: input '${name}' is missing`);
    if (t.dtype !== 'float32')
      throw new Error(`${FUSED_ADAM_KERNEL}: input '${name}' is ${t.dtype}, expected float32`);
    if (!tf.util.arraysEqual(t.shape, (x as tf.TensorInfo).shape))
      throw new Error(
        `${FUSED_ADAM_KERNEL}: input '${name}' has shape [${t.shape}], expected x's [${(x as tf.TensorInfo).shape}]`,
      );
  }
  for (const [name, t] of Object.entries({ c1, c2 })) {
    if (t === undefined || t.dtype !== 'float32' || tf.util.sizeFromShape(t.shape) !== 1)
      throw new Error(`${FUSED_ADAM_KERNEL}: input '${name}' must be a float32 scalar`);
  }
  const { learningRate, beta1, beta2, epsilon } = attrs as Record<string, number>;
  const xi = x as tf.TensorInfo;
  const n = tf.util.sizeFromShape(xi.shape);
  const outs = [
    b.makeOutput(xi.shape, 'float32'),
    b.makeOutput(xi.shape, 'float32'),
    b.makeOutput(xi.shape, 'float32'),
  ];
  const kernels = kernelsOf(b, FUSED_ADAM_KERNEL);
  const f = Math.fround;
  const at = (t: tf.TensorInfo | undefined) => offsetOf(b, t as tf.TensorInfo, FUSED_ADAM_KERNEL);
  kernels.adam(
    at(xi),
    at(g),
    at(m),
    at(v),
    at(outs[0]),
    at(outs[1]),
    at(outs[2]),
    n,
    // The scalars tfjs's optimizer makes: float32 values of these doubles.
    f(beta1 as number),
    f(1 - (beta1 as number)),
    f(beta2 as number),
    f(1 - (beta2 as number)),
    b.typedArrayFromHeap(c1 as tf.TensorInfo)[0] as number,
    b.typedArrayFromHeap(c2 as tf.TensorInfo)[0] as number,
    f(epsilon as number),
    f(-(learningRate as number)),
  );
  return outs;
};

const softplus: tf.KernelFunc = ({ inputs, backend }) => {
  const b = backend as unknown as WasmBackend;
  const x = inputs['x'] as tf.TensorInfo;
  if (x.dtype !== 'float32') throw new Error(`${SOFTPLUS_KERNEL}: input 'x' is ${x.dtype}, expected float32`);
  const out = b.makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  if (n > 0) {
    kernelsOf(b, SOFTPLUS_KERNEL).softplus(
      offsetOf(b, x, SOFTPLUS_KERNEL),
      offsetOf(b, out, SOFTPLUS_KERNEL),
      n,
    );
  }
  return out;
};

const sharedIdentity: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs['x'] as tf.TensorInfo;
  (backend as unknown as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * The same transpose on fewer axes: size-1 axes dropped, and input axes that stay next to each other in the
 * output merged into one. E.g. [2, 64, 784] with perm [2, 0, 1] is [128, 784] with perm [1, 0]. Exported
 * for the test.
 */
export function collapsePermutation(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a] !== 1);
  const inputOrder = [...kept].sort((a, b) => a - b);
  const dims = inputOrder.map((a) => shape[a] as number);
  const q = kept.map((a) => inputOrder.indexOf(a));
  const groups: number[][] = [];
  for (const a of q) {
    const g = groups[groups.length - 1];
    if (g !== undefined && (g[g.length - 1] as number) + 1 === a) g.push(a);
    else groups.push([a]);
  }
  const byInput = [...groups].sort((g, h) => (g[0] as number) - (h[0] as number));
  return {
    shape: byInput.map((g) => g.reduce((n, a) => n * (dims[a] as number), 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

let stockTranspose: tf.KernelFunc | undefined;

const transpose: tf.KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs['x'] as tf.TensorInfo;
  const perm = (attrs as { perm: number[] }).perm;
  const { shape, perm: p } = collapsePermutation(x.shape, perm);
  const twoD = p.length === 2 && p[0] === 1;
  const batched = p.length === 3 && p[0] === 0 && p[1] === 2;
  const empty = tf.util.sizeFromShape(x.shape) === 0;
  if ((!twoD && !batched) || empty || (x.dtype !== 'float32' && x.dtype !== 'int32')) {
    return (stockTranspose as tf.KernelFunc)(args);
  }
  const b = backend as unknown as WasmBackend;
  const outShape = perm.map((a) => x.shape[a] as number);
  const out = b.makeOutput(outShape, x.dtype);
  const [batch, rows, cols] = twoD
    ? [1, shape[0] as number, shape[1] as number]
    : (shape as [number, number, number]);
  const kernels = kernelsOf(b, 'Transpose');
  const from = offsetOf(b, x, 'Transpose');
  const to = offsetOf(b, out, 'Transpose');
  const bytes = rows * cols * 4;
  for (let i = 0; i < batch; i++) kernels.transpose(from + i * bytes, to + i * bytes, rows, cols);
  return out;
};

let registered = false;

/**
 * Registers elbo's wasm kernels (once per process): the fused Adam and the softplus, and Identity without a
 * copy and the SIMD Transpose in place of tfjs-backend-wasm's. Called when wasm starts.
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel(FUSED_ADAM_KERNEL, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: FUSED_ADAM_KERNEL, backendName: 'wasm', kernelFunc: fusedAdam });
  }
  if (tf.getKernel(SOFTPLUS_KERNEL, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: SOFTPLUS_KERNEL, backendName: 'wasm', kernelFunc: softplus });
  }
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({ kernelName: tf.Identity, backendName: 'wasm', kernelFunc: sharedIdentity });
  const stock = tf.getKernel(tf.Transpose, 'wasm');
  if (stock !== undefined) {
    stockTranspose = stock.kernelFunc;
    tf.unregisterKernel(tf.Transpose, 'wasm');
    // Its setup (run when the backend starts) binds the wasm function the stock kernel calls.
    tf.registerKernel({
      kernelName: tf.Transpose,
      backendName: 'wasm',
      kernelFunc: transpose,
      ...(stock.setupFunc === undefined ? {} : { setupFunc: stock.setupFunc }),
    });
  }
}
