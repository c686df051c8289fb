// The lifecycle every demo shares with the page's backend (use-backend.ts): start once mounted, start
// again when a new backend runs, report a backend that failed, and clean up when the page leaves.
import { onBeforeUnmount, onMounted, watch } from 'vue';
import { useDemoBackend } from './use-backend';

export interface DemoLifecycleOptions {
  /** (Re)starts the demo on the backend now running. */
  readonly start: () => Promise<void> | void;
  /** Runs once mounted, before the first start (read the URL's knobs here). */
  readonly mounted?: () => void;
  /** The backend reported an error (the demo shows it and goes to `error`). */
  readonly onBackendError: (message: string) => void;
  /** A backend is starting (the demo goes back to `loading`). */
  readonly onBackendStarting?: () => void;
  /** Just before the backend switches: stop and free this demo's tensors. */
  readonly beforeSwitch?: () => void;
  /** The component unmounts: stop and free everything. */
  readonly unmount?: () => void;
}

/**
 * Wires a demo to the page's backend; returns the backend state and `isUnmounted()`, which an async
 * start checks after each await.
 */
export function useDemoLifecycle(options: DemoLifecycleOptions) {
  const { state: backend, ensure, onBeforeSwitch } = useDemoBackend();
  let unmounted = false;
  let unregister: (() => void) | null = null;
  onMounted(() => {
    options.mounted?.();
    if (options.beforeSwitch !== undefined) unregister = onBeforeSwitch(options.beforeSwitch);
    void options.start();
  });
  watch(
    () => backend.generation,
    (now, before) => {
      if (before !== 0 && now !== before) void options.start();
    },
  );
  watch(
    () => backend.status,
    (now) => {
      if (now === 'error') options.onBackendError(backend.error ?? '');
      else if (now === 'starting') options.onBackendStarting?.();
    },
  );
  onBeforeUnmount(() => {
    unmounted = true;
    unregister?.();
    options.unmount?.();
  });
  return { backend, ensure, isUnmounted: () => unmounted };
}
