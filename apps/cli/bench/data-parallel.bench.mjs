// Data-parallel training (`elbo train --workers N`) against one thread, side by side in one run: the
// MLP VAE 784-512-256-32 (Bernoulli, batch 128, Adam 1e-3) through @elbo/models' fit on wasm, with the
// CLI's worker pool of 1 extra thread, and PyTorch CPU (2 threads) as the yardstick.
//
// Run after `pnpm build`:  node apps/cli/bench/data-parallel.bench.mjs [--steps=N] [--backend=wasm]
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@elbo/backends';
import { random, seed } from '@elbo/core';
import { createModel, fit } from '@elbo/models';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerGradientPool } from '../dist/run/gradient-workers.js';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const backend = args.backend ?? 'wasm';
const steps = Number(args.steps ?? 40);
const BATCH = 128;
await useBackend(backend);
const config = {
  kind: 'vae',
  arch: 'mlp',
  hidden: [512, 256],
  latent: 32,
  likelihood: 'bernoulli',
  inputShape: [28, 28, 1],
  seed: 0,
};
const x = tf.tidy(() => tf.cast(tf.greater(random.uniform([BATCH, 28, 28, 1], seed(1)), 0.8), 'float32'));
const data = Array.from({ length: steps }, () => x);

async function imagesPerSecond(workers) {
  const model = createModel(config);
  const pool = workers > 1 ? await WorkerGradientPool.start(workers - 1, backend, model.config) : undefined;
  try {
    // One warm-up epoch of 3 steps, then the timed epoch.
    await fit({ model, data: data.slice(0, 3), epochs: 1, seed: 0, ...(pool ? { pool } : {}) });
    const r = await fit({ model, data, epochs: 1, seed: 0, ...(pool ? { pool } : {}) });
    return r.imagesPerSecond;
  } finally {
    await pool?.close();
    model.dispose();
  }
}

const rows = [];
for (const workers of [1, 2, 1, 2]) rows.push({ workers, ips: await imagesPerSecond(workers) });
const best = (w) => Math.max(...rows.filter((r) => r.workers === w).map((r) => r.ips));

const here = path.dirname(fileURLToPath(import.meta.url));
const openblas = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
const torchRun = spawnSync(
  '/usr/bin/python3',
  [path.join(here, '..', '..', '..', 'packages', 'models', 'bench', 'pytorch_step.py'), '--threads', '2'],
  {
    encoding: 'utf8',
    env: { ...process.env, ...(existsSync(openblas) ? { LD_LIBRARY_PATH: openblas } : {}) },
  },
);
const torch = torchRun.status === 0 ? JSON.parse(torchRun.stdout.trim().split('\n').pop()) : null;

console.log(`MLP VAE training step, batch ${BATCH}, ${steps} steps, on ${backend} (best of two runs each):`);
console.log(`  1 thread:   ${best(1).toFixed(0)} images/s`);
console.log(`  2 threads:  ${best(2).toFixed(0)} images/s  (×${(best(2) / best(1)).toFixed(2)} one thread)`);
if (torch !== null) {
  console.log(
    `  PyTorch ${torch.torch}, ${torch.threads} threads: ${torch.mlp.toFixed(0)} images/s; ` +
      `elbo ×PyTorch: 1 thread ${(best(1) / torch.mlp).toFixed(3)}, 2 threads ${(best(2) / torch.mlp).toFixed(3)}`,
  );
} else {
  console.log(
    `  PyTorch not run (${(torchRun.stderr || String(torchRun.error)).trim().split('\n').pop()}): no ratio`,
  );
}
x.dispose();
