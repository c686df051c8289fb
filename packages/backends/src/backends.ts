import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, BackendUnavailableError } from '@elbo/core';
import { registerWasmKernels } from './kernels/wasm-kernels.js';
import { detectPlatform, type Platform } from './platform.js';
import { fileUrlToPath, wasmAssetUrls } from './wasm-assets.js';
import {
  checkThreads,
  nodeCores,
  prepareNodeWasmThreads,
  unrefNodeWasmThreads,
  wasmThreadsCount,
} from './wasm-threads.js';

/** The TensorFlow.js backends elbo knows, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'webgl' | 'cpu';

/** Every backend name, in the order `listBackends()` reports them. */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'webgl', 'cpu'];

/** Whether a backend can start here, and if not, why and what would fix it. */
export interface BackendInfo {
  readonly name: BackendName;
  readonly available: boolean;
  readonly reason?: string;
}

/** The backend `useBackend` switched to, and why that one. */
export interface BackendChoice {
  readonly name: BackendName;
  readonly reason: string;
  /** On wasm, the threads XNNPACK computes on (1 for the single-threaded builds). */
  readonly threads?: number;
}

/** How `useBackend` starts a backend. */
export interface BackendOptions {
  /**
   * wasm only: the threads XNNPACK computes on, 1 to 8. In Node the default is every core Node may use
   * (`os.availableParallelism()`, at most 8), through tfjs-backend-wasm's threaded build, which tfjs itself
   * leaves off in Node; in a browser it is tfjs's own choice (threads only on a cross-origin isolated
   * page). The count is fixed when wasm first starts in a process: asked for another afterwards, wasm
   * keeps its count and the choice's `reason` says so.
   */
  readonly threads?: number;
}

type StartResult =
  { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly reason: string };

/** The order `auto` tries backends in on each platform. */
export function autoOrder(platform: Platform = detectPlatform()): readonly BackendName[] {
  return platform === 'node' ? ['tensorflow', 'wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() ?? text;
}

/**
 * Runs `tf.setBackend(name)`, which reports a failed start only as a console warning, and returns that
 * warning as the reason instead of printing it.
 */
async function setBackendQuietly(name: string): Promise<StartResult> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((a) => errorMessage(a)).join(' '));
  };
  try {
    const ok = await tf.setBackend(name);
    if (ok && tf.getBackend() === name) return { ok: true, detail: '' };
    return { ok: false, reason: warnings.join('; ') || `tf.setBackend('${name}') returned false` };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  } finally {
    console.warn = warn;
  }
}

const NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

function isMissingPackage(error: unknown, pkg: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = errorMessage(error);
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`))
  );
}

async function startTensorflow(platform: Platform): Promise<StartResult> {
  if (platform !== 'node') {
    return {
      ok: false,
      reason: 'the native TensorFlow binding (@tensorflow/tfjs-node) runs only in Node.js',
    };
  }
  if (tf.findBackend('tensorflow') !== null) {
    const started = await setBackendQuietly('tensorflow');
    return started.ok ? { ok: true, detail: 'native TensorFlow already loaded' } : started;
  }
  const failures: string[] = [];
  for (const pkg of NODE_PACKAGES) {
    try {
      await import(/* @vite-ignore */ pkg);
    } catch (error) {
      if (isMissingPackage(error, pkg)) continue;
      failures.push(
        `${pkg} is installed but its native binding does not load (${errorMessage(error)}); ` +
          `libtensorflow is downloaded when the package installs, so reinstall it where that download works ` +
          `(with pnpm: \`pnpm approve-builds\` then \`pnpm rebuild ${pkg}\`)`,
      );
      continue;
    }
    const started = await setBackendQuietly('tensorflow');
    if (started.ok) return { ok: true, detail: `native TensorFlow through ${pkg}` };
    failures.push(`${pkg} loaded but the tensorflow backend did not start: ${started.reason}`);
  }
  if (failures.length > 0) return { ok: false, reason: failures.join('; ') };
  return {
    ok: false,
    reason:
      'neither @tensorflow/tfjs-node nor @tensorflow/tfjs-node-gpu is installed ' +
      '(install one beside @elbo/backends for native speed: `npm i @tensorflow/tfjs-node@4.22.0`)',
  };
}

async function startWasm(platform: Platform, threads: number | undefined): Promise<StartResult> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm did not load: ${errorMessage(error)}` };
  }
  // After tfjs-backend-wasm's own kernels (registered when it loads): elbo's replace its Identity.
  registerWasmKernels();
  if (wasmStartedThreads !== null) {
    const started = await setBackendQuietly('wasm');
    if (!started.ok) return { ok: false, reason: `the WebAssembly backend did not start: ${started.reason}` };
    const fixed =
      threads !== undefined && threads !== wasmStartedThreads
        ? ` (not the ${threads} asked for: the count is fixed when wasm first starts in a process)`
        : '';
    return { ok: true, detail: wasmDetail(wasmStartedThreads) + fixed };
  }
  if (!wasmPathsSet) {
    const urls = wasmAssetUrls();
    const paths =
      platform === 'node'
        ? Object.fromEntries(Object.entries(urls).map(([file, href]) => [file, fileUrlToPath(href)]))
        : urls;
    wasm.setWasmPaths(paths);
    wasmPathsSet = true;
  }
  let restore: (() => void) | null = null;
  if (platform === 'node') {
    restore = await prepareNodeWasmThreads(wasm, threads ?? (await nodeCores()));
  } else if (threads !== undefined) {
    wasm.setThreadsCount(threads);
  }
  let started: StartResult;
  try {
    started = await setBackendQuietly('wasm');
  } finally {
    restore?.();
  }
  if (!started.ok) return { ok: false, reason: `the WebAssembly backend did not start: ${started.reason}` };
  wasmStartedThreads = wasmThreadsCount(wasm);
  if (restore !== null) unrefNodeWasmThreads();
  return { ok: true, detail: wasmDetail(wasmStartedThreads) };
}

function wasmDetail(threads: number): string {
  const on = threads === 1 ? 'one thread' : `${threads} threads`;
  return `WebAssembly on ${on}, binaries loaded from this package`;
}

/** The XNNPACK threads of the wasm backend once it has started in this process. */
let wasmStartedThreads: number | null = null;
let wasmPathsSet = false;

async function startWebgl(platform: Platform): Promise<StartResult> {
  if (platform === 'node') {
    return { ok: false, reason: 'WebGL needs a browser; Node.js has no WebGL context' };
  }
  await import('@tensorflow/tfjs-backend-webgl');
  const started = await setBackendQuietly('webgl');
  if (!started.ok) {
    return { ok: false, reason: `this browser gave no usable WebGL context: ${started.reason}` };
  }
  return { ok: true, detail: 'WebGL on the GPU' };
}

async function startCpu(): Promise<StartResult> {
  await import('@tensorflow/tfjs-backend-cpu');
  const started = await setBackendQuietly('cpu');
  if (!started.ok) return started;
  // The cpu backend prints an advertisement for tfjs-node on first use in Node; useBackend reports the
  // choice and its reason itself, so that message is switched off.
  const backend = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (backend !== null) backend.firstUse = false;
  return { ok: true, detail: 'plain JavaScript' };
}

function start(name: BackendName, platform: Platform, options: BackendOptions = {}): Promise<StartResult> {
  switch (name) {
    case 'tensorflow':
      return startTensorflow(platform);
    case 'wasm':
      return startWasm(platform, options.threads);
    case 'webgl':
      return startWebgl(platform);
    case 'cpu':
      return startCpu();
  }
}

function checkName(name: unknown): asserts name is BackendName | 'auto' {
  if (name === 'auto' || BACKEND_NAMES.includes(name as BackendName)) return;
  throw new ArgumentError(
    `useBackend: argument 'name' is ${JSON.stringify(name)}, expected one of auto, ${BACKEND_NAMES.join(', ')}`,
  );
}

/**
 * Switches TensorFlow.js to a backend and says which one runs and why. `'auto'` picks the fastest that
 * starts here: tensorflow > wasm > cpu in Node.js, webgl > wasm > cpu in a browser, and its reason names
 * every faster backend that did not start and why.
 *
 * On wasm, `options.threads` sets how many threads XNNPACK computes on (see {@link BackendOptions}).
 *
 * @throws {BackendUnavailableError} when a named backend cannot start here (the message says why and how to fix it).
 * @throws {ArgumentError} for a name that is not a backend or a thread count outside 1..8.
 * @example
 * const { name, reason } = await useBackend('auto');
 * console.log(`backend: ${name} (${reason})`); // backend: wasm (tensorflow unavailable: ...)
 * @example
 * await useBackend('wasm', { threads: 1 }); // one thread, e.g. beside other work on the same cores
 */
export async function useBackend(
  name: BackendName | 'auto' = 'auto',
  options: BackendOptions = {},
): Promise<BackendChoice> {
  checkName(name);
  checkThreads(options.threads);
  const platform = detectPlatform();
  if (name !== 'auto') {
    const started = await start(name, platform, options);
    if (!started.ok) {
      throw new BackendUnavailableError(`useBackend: backend '${name}' cannot start here: ${started.reason}`);
    }
    await tf.ready();
    return withThreads({ name, reason: `asked for by name (${started.detail})` });
  }
  const skipped: string[] = [];
  for (const candidate of autoOrder(platform)) {
    const started = await start(candidate, platform, options);
    if (started.ok) {
      await tf.ready();
      const why =
        skipped.length === 0
          ? `the fastest backend in ${platform === 'node' ? 'Node.js' : 'a browser'} (${started.detail})`
          : `the fastest that started (${started.detail}); ${skipped.join('; ')}`;
      return withThreads({ name: candidate, reason: why });
    }
    skipped.push(`${candidate} unavailable: ${started.reason}`);
  }
  throw new BackendUnavailableError(`useBackend: no backend could start: ${skipped.join('; ')}`);
}

function withThreads(choice: BackendChoice): BackendChoice {
  return choice.name === 'wasm' && wasmStartedThreads !== null
    ? { ...choice, threads: wasmStartedThreads }
    : choice;
}

/**
 * Tries every backend once and reports which can run here, leaving the active backend as it was.
 *
 * @example
 * for (const b of await listBackends()) console.log(b.name, b.available, b.reason ?? '');
 */
export async function listBackends(): Promise<BackendInfo[]> {
  const platform = detectPlatform();
  const previous = activeBackendOrNull();
  const infos: BackendInfo[] = [];
  for (const name of BACKEND_NAMES) {
    const started = await start(name, platform);
    infos.push(started.ok ? { name, available: true } : { name, available: false, reason: started.reason });
  }
  if (previous !== null) await tf.setBackend(previous);
  return infos;
}

function activeBackendOrNull(): string | null {
  // tf.getBackend() would start a default backend as a side effect; the engine's field does not.
  return tf.engine().backendName ?? null;
}

/**
 * The backend that really runs now, as TensorFlow.js reports it (`null` before any backend started).
 *
 * @example await useBackend('cpu'); activeBackend() // 'cpu'
 */
export function activeBackend(): string | null {
  return activeBackendOrNull();
}
