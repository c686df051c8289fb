// The lifecycle the training demos share (fit-gaussian, autoencoder, vae): start the page's backend,
// load the libraries once, build a fit, train it a few steps per animation frame (about 12 ms of work,
// so that the page stays responsive) up to a fixed number of steps, with play / pause / reset; free
// everything before a backend switch and on unmount, and rebuild on the new backend. The demo supplies
// what is its own (what to load, build, step, draw and free) and keeps its fit in its own variables.
import { ref } from 'vue';
import { useDemoLifecycle } from './use-demo-lifecycle';

/** A demo's data-status. */
export type DemoStatus = 'loading' | 'ready' | 'training' | 'done' | 'error';

export interface TrainingLoopOptions<L> {
  /** Steps of a run; the demo reaches `done` after them. */
  readonly totalSteps: number;
  /** Milliseconds of steps per animation frame (12 by default). */
  readonly frameBudgetMs?: number;
  /** Loads the libraries and data, once per page, after the backend has started. */
  load(): Promise<L>;
  /** Builds a fresh fit at step 0 (the previous one is already freed) and draws it. */
  build(libs: L): void;
  /** Frees the fit (a no-op when there is none). */
  dispose(): void;
  /** Whether a fit exists (play needs one). */
  hasFit(): boolean;
  /** Training step number `index` (0-based); throws to stop the run with an error. */
  step(libs: L, index: number): void;
  /** After each frame's steps (and a run's last step): record and draw. */
  afterFrame(libs: L): void;
  /** Once mounted, before anything starts (read the URL's knobs there). */
  mounted?(): void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a demo's training loop; returns its reactive status, message, step count and playing flag, the
 * shared backend state, and the controls. Call it in `<script setup>` (it registers lifecycle hooks).
 */
export function useTrainingLoop<L>(options: TrainingLoopOptions<L>) {
  const status = ref<DemoStatus>('loading');
  const message = ref('');
  const step = ref(0);
  const playing = ref(true);
  const budget = options.frameBudgetMs ?? 12;
  let libs: L | null = null;
  let timer: number | null = null;

  function fail(error: unknown): void {
    status.value = 'error';
    message.value = messageOf(error);
  }

  function stopLoop(): void {
    if (timer !== null) cancelAnimationFrame(timer);
    timer = null;
  }

  /** Frees the fit and builds a fresh one at step 0 (status `ready`). */
  function reset(): void {
    stopLoop();
    options.dispose();
    if (libs === null || backend.running === null) return;
    step.value = 0;
    try {
      options.build(libs);
    } catch (error) {
      fail(error);
      return;
    }
    status.value = 'ready';
  }

  /** Runs steps for about `budget` ms, records and draws, and schedules the next frame while playing. */
  function frame(): void {
    timer = null;
    if (!options.hasFit() || libs === null || isUnmounted()) return;
    const l = libs;
    try {
      const started = performance.now();
      while (step.value < options.totalSteps && performance.now() - started < budget) {
        options.step(l, step.value);
        step.value += 1;
      }
      options.afterFrame(l);
    } catch (error) {
      fail(error);
      return;
    }
    if (step.value >= options.totalSteps) {
      status.value = 'done';
      playing.value = false;
    } else if (playing.value) {
      status.value = 'training';
      timer = requestAnimationFrame(frame);
    } else {
      status.value = 'ready';
    }
  }

  function play(): void {
    if (!options.hasFit()) return;
    if (step.value >= options.totalSteps) reset();
    if (status.value === 'error') return;
    playing.value = true;
    status.value = 'training';
    if (timer === null) timer = requestAnimationFrame(frame);
  }

  function pause(): void {
    playing.value = false;
    stopLoop();
    if (status.value === 'training') status.value = 'ready';
  }

  function restart(): void {
    reset();
    if (status.value !== 'error') play();
  }

  async function start(): Promise<void> {
    status.value = 'loading';
    const running = await ensure();
    if (isUnmounted()) return;
    if (running === null) {
      status.value = 'error';
      message.value = backend.error ?? 'no backend';
      return;
    }
    try {
      libs ??= await options.load();
    } catch (error) {
      fail(error);
      return;
    }
    if (isUnmounted()) return;
    message.value = '';
    restart();
  }

  /** After a knob changed (the demo has written it to the URL): retrain from scratch. */
  function retrain(): void {
    if (libs !== null && backend.running !== null) restart();
  }

  const { backend, ensure, isUnmounted } = useDemoLifecycle({
    start,
    ...(options.mounted === undefined ? {} : { mounted: options.mounted }),
    onBackendError(error) {
      status.value = 'error';
      message.value = error;
    },
    // Before the backend changes: stop and free this fit's tensors; the new backend's start rebuilds it.
    beforeSwitch() {
      stopLoop();
      options.dispose();
      status.value = 'loading';
    },
    unmount() {
      stopLoop();
      options.dispose();
    },
  });

  return { backend, status, message, step, playing, play, pause, reset, restart, retrain };
}
