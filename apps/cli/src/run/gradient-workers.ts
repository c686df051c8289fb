import type { BackendName } from '@elbo/backends';
import { ArgumentError } from '@elbo/core';
import type { GradientPool, GradientShare, ShareGradients } from '@elbo/models';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

interface Pending {
  resolve(r: ShareGradients[]): void;
  reject(e: Error): void;
}

/**
 * A {@link GradientPool} on Node's worker_threads for `elbo train --workers N`: N − 1 workers, each
 * with its own copy of the model (rebuilt from its config) on its own backend, compute one share of
 * each step's batch while the main thread computes the first. Weights go out and gradients come back
 * as transferred Float32Arrays. `close()` ends the workers.
 */
export class WorkerGradientPool implements GradientPool {
  readonly shares: number;
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending[]>();
  private nextId = 0;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    this.shares = workers.length + 1;
  }

  /**
   * Starts `count` workers on `backend` (on wasm with `threads` XNNPACK threads each, default 1) and waits
   * until each has built its model.
   */
  static async start(
    count: number,
    backend: BackendName,
    config: unknown,
    threads = 1,
  ): Promise<WorkerGradientPool> {
    // Built, the worker script sits beside this module; run from the TypeScript sources (the tests),
    // it is the built one in dist/ (workers cannot load .ts). execArgv: [] keeps a test runner's
    // resolution conditions (which point the packages at their sources) out of the workers.
    const url = import.meta.url.endsWith('.ts')
      ? new URL('../../dist/run/gradient-worker.js', import.meta.url)
      : new URL('./gradient-worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) {
      throw new ArgumentError(
        `train: --workers needs the built worker script ${fileURLToPath(url)}: run pnpm build first`,
      );
    }
    const workers = Array.from(
      { length: count },
      () => new Worker(url, { workerData: { backend, config, threads }, execArgv: [] }),
    );
    try {
      await Promise.all(
        workers.map(
          (w, i) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', (m: { ready?: string; failed?: string }) => {
                if (m.ready === backend) resolve();
                else
                  reject(
                    new ArgumentError(
                      `train: worker ${i + 1} could not start ${backend}: ${m.failed ?? `it runs ${m.ready}`}`,
                    ),
                  );
              });
              w.once('error', reject);
            }),
        ),
      );
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    const pool = new WorkerGradientPool(workers);
    workers.forEach((w, i) => {
      w.on('message', (m: { id: number; results?: ShareGradients[]; error?: string }) => pool.answer(i, m));
      w.on('error', (e) => pool.failAll(new Error(`train: worker ${i + 1} failed: ${e.message}`)));
    });
    return pool;
  }

  private answer(i: number, m: { id: number; results?: ShareGradients[]; error?: string }): void {
    const waiting = this.pending.get(m.id);
    const p = waiting?.[i];
    if (p === undefined) return;
    if (m.error !== undefined) p.reject(new Error(`train: worker ${i + 1}: ${m.error}`));
    else p.resolve(m.results ?? []);
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) for (const p of waiting) p.reject(error);
    this.pending.clear();
  }

  compute(
    weights: readonly Float32Array[],
    shares: readonly GradientShare[],
    klWeight: number,
  ): Promise<ShareGradients[]> {
    const id = this.nextId++;
    // Share j goes to worker j mod (N − 1), in order.
    const perWorker = this.workers.map((_, i) => shares.filter((_, j) => j % this.workers.length === i));
    const waiting: Pending[] = [];
    const answers = this.workers.map(
      (w, i) =>
        new Promise<ShareGradients[]>((resolve, reject) => {
          waiting[i] = { resolve, reject };
          if (perWorker[i]!.length === 0) resolve([]);
          else w.postMessage({ id, weights, shares: perWorker[i], klWeight });
        }),
    );
    this.pending.set(id, waiting);
    return Promise.all(answers).then(
      (parts) => {
        this.pending.delete(id);
        return shares.map((_, j) => parts[j % this.workers.length]![Math.floor(j / this.workers.length)]!);
      },
      (error: unknown) => {
        this.pending.delete(id);
        throw error;
      },
    );
  }

  /** Ends the workers. */
  async close(): Promise<void> {
    this.failAll(new Error('train: the worker pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
