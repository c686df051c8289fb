// The backend every demo on a page shares: the one named in the URL query `?backend=` (webgl by default),
// started through @elbo/backends' useBackend, with the backend that really runs (tf.getBackend()) and
// the reason useBackend gave. A backend that cannot start is reported, never silently replaced.
import { reactive, readonly } from 'vue';
import type { BackendName } from '@elbo/backends';

/** The backends a reader can pick on the site. */
export const DEMO_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type DemoBackendName = (typeof DEMO_BACKENDS)[number];
export const DEFAULT_BACKEND: DemoBackendName = 'webgl';

export interface DemoBackendState {
  /** The backend asked for (from `?backend=`, or the default). */
  requested: DemoBackendName;
  /** The backend TensorFlow.js really runs (`tf.getBackend()`), null until one started. */
  running: string | null;
  /** Why that backend: useBackend's reason, or why the requested one could not start. */
  reason: string;
  /** Set when the requested backend is missing or failed to start. */
  error: string | null;
  status: 'idle' | 'starting' | 'ready' | 'error';
  /** Incremented each time a backend has started: demos watch it to restart on the new backend. */
  generation: number;
}

const state = reactive<DemoBackendState>({
  requested: DEFAULT_BACKEND,
  running: null,
  reason: '',
  error: null,
  status: 'idle',
  generation: 0,
});

let pending: Promise<string | null> | null = null;
const beforeSwitch = new Set<() => void>();

/**
 * Registers a callback run just before the backend changes (a demo stops its loop and frees its tensors
 * there); returns the function that unregisters it.
 */
export function onBeforeBackendSwitch(callback: () => void): () => void {
  beforeSwitch.add(callback);
  return () => beforeSwitch.delete(callback);
}

function isDemoBackend(name: unknown): name is DemoBackendName {
  return typeof name === 'string' && (DEMO_BACKENDS as readonly string[]).includes(name);
}

/** The backend named in the page's URL query, or the default. */
export function backendFromUrl(): DemoBackendName {
  if (typeof window === 'undefined') return DEFAULT_BACKEND;
  const name = new URLSearchParams(window.location.search).get('backend');
  return isDemoBackend(name) ? name : DEFAULT_BACKEND;
}

function writeUrl(name: DemoBackendName): void {
  const url = new URL(window.location.href);
  if (name === DEFAULT_BACKEND) url.searchParams.delete('backend');
  else url.searchParams.set('backend', name);
  window.history.replaceState(window.history.state, '', url.href);
}

async function start(name: DemoBackendName): Promise<string | null> {
  state.requested = name;
  state.status = 'starting';
  state.error = null;
  try {
    const [{ useBackend }, tf] = await Promise.all([
      import('@elbo/backends'),
      import('@tensorflow/tfjs-core'),
    ]);
    const choice = await useBackend(name as BackendName);
    state.running = tf.getBackend();
    state.reason = choice.reason;
    state.status = 'ready';
    state.generation += 1;
    return state.running;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    state.error = `The ${name} backend is not available here: ${message}`;
    state.reason = message;
    state.status = 'error';
    return null;
  }
}

/**
 * Starts the backend named in the URL once per page load and resolves to the backend really running,
 * or null when it could not start (then `state.error` says why). Client-side only.
 */
export function ensureBackend(): Promise<string | null> {
  const wanted = backendFromUrl();
  if (pending === null || (state.requested !== wanted && state.status !== 'starting')) {
    pending = start(wanted);
  }
  return pending;
}

/** Switches every demo on the page to `name`, writes it to `?backend=`, and resolves when it runs. */
export function switchBackend(name: DemoBackendName): Promise<string | null> {
  writeUrl(name);
  for (const callback of beforeSwitch) callback();
  const previous = pending ?? Promise.resolve(null);
  pending = previous.then(() => start(name));
  return pending;
}

/**
 * The composable the demos use: the shared backend state (read-only), `ensure()` to start the one in
 * the URL, and `switchTo(name)`.
 */
export function useDemoBackend() {
  return {
    state: readonly(state) as Readonly<DemoBackendState>,
    ensure: ensureBackend,
    switchTo: switchBackend,
    onBeforeSwitch: onBeforeBackendSwitch,
  };
}
