import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '@elbo/core';
import { fileUrlToPath } from './wasm-assets.js';

/** The pthread workers tfjs-backend-wasm's threaded build starts up front; XNNPACK can use no more. */
export const MAX_WASM_THREADS = 8;

/**
 * Checks a requested XNNPACK thread count.
 *
 * @throws {ArgumentError} unless `threads` is a whole number from 1 to {@link MAX_WASM_THREADS}.
 */
export function checkThreads(threads: unknown): asserts threads is number | undefined {
  if (threads === undefined) return;
  if (
    typeof threads !== 'number' ||
    !Number.isInteger(threads) ||
    threads < 1 ||
    threads > MAX_WASM_THREADS
  ) {
    throw new ArgumentError(
      `useBackend: option 'threads' is ${JSON.stringify(threads)}, expected a whole number from 1 to ` +
        `${MAX_WASM_THREADS} (the pthread workers tfjs-backend-wasm starts)`,
    );
  }
}

interface NodeOs {
  cpus(): unknown[];
  availableParallelism?: () => number;
}

/** `node:os`, loaded without a specifier bundlers would try to resolve for a browser. */
async function nodeOs(): Promise<NodeOs> {
  const specifier = ['node', 'os'].join(':');
  return ((await import(/* @vite-ignore */ specifier)) as { default: NodeOs }).default;
}

/** The cores Node may use: what `elbo` and `useBackend` take by default, at most {@link MAX_WASM_THREADS}. */
export async function nodeCores(): Promise<number> {
  const os = await nodeOs();
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
}

/** Whether this Node can run WebAssembly threads: shared memory that can be posted to a worker. */
function nodeHasWasmThreads(): boolean {
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return memory.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

function workerPath(): string {
  // Joined at run time so that bundlers do not emit this Node-only file with a browser build.
  const relative = ['..', 'assets', 'wasm-pthread-worker.cjs'].join('/');
  return fileUrlToPath(new URL(relative, import.meta.url).href);
}

/**
 * Prepares tfjs-backend-wasm 4.22 to start its threaded SIMD build in Node with `threads` XNNPACK threads,
 * and returns the function that undoes the temporary patches once `tf.setBackend('wasm')` has finished.
 *
 * tfjs turns threads off in Node (tensorflow/tfjs#3830) because emscripten's pthread worker and main script
 * are blob: URLs there, which Node cannot start. Three things make it work, each confined to the start:
 * - the WASM_HAS_MULTITHREAD_SUPPORT flag is set, so tfjs picks the threaded build;
 * - `URL.createObjectURL`, for tfjs's worker Blob, returns the path of `assets/wasm-pthread-worker.cjs`,
 *   which runs tfjs's own worker code with the main script resolved from disk;
 * - tfjs's C++ caps the pool at half the logical cores it is told (it assumes two hyper-threads per
 *   core), so `os.cpus()` reports twice `threads` entries while the module initialises.
 *
 * @returns `null` when this Node has no WebAssembly threads (the single-threaded build then starts).
 */
export async function prepareNodeWasmThreads(
  wasm: typeof import('@tensorflow/tfjs-backend-wasm'),
  threads: number,
): Promise<(() => void) | null> {
  wasm.setThreadsCount(threads);
  if (threads === 1 || !nodeHasWasmThreads()) return null;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const os = await nodeOs();
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus.call(os);
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  };
  const createObjectURL = URL.createObjectURL;
  const worker = workerPath();
  URL.createObjectURL = (blob: Blob | MediaSource) =>
    blob instanceof Blob && blob.type === 'application/javascript' ? worker : createObjectURL(blob);
  return () => {
    os.cpus = cpus;
    URL.createObjectURL = createObjectURL;
  };
}

interface EmscriptenWorker {
  unref(): void;
}

/**
 * Lets Node exit while XNNPACK's threads wait for work. Emscripten keeps each worker that runs a pthread
 * referenced in Node, so the pool threads, which live as long as the module, would hold the process open
 * after the program's last line.
 */
export function unrefNodeWasmThreads(): void {
  const module = (tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers?: EmscriptenWorker[] } } })
    .wasm;
  for (const worker of module?.PThread?.runningWorkers ?? []) worker.unref();
}

/** The XNNPACK threads the started wasm backend runs (1 for the single-threaded builds). */
export function wasmThreadsCount(wasm: typeof import('@tensorflow/tfjs-backend-wasm')): number {
  try {
    return Math.max(1, wasm.getThreadsCount());
  } catch {
    return 1;
  }
}
