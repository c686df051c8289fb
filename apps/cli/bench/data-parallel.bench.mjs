// Data-parallel training (`elbo train --workers N`) against one thread, side by side in one run, through
// @elbo/models' fit on wasm with the CLI's worker pool of 1 extra thread: the MLP VAE 784-512-256-32 and
// the conv VAE 32/64 (Bernoulli, batch 128, Adam 1e-3), and NVAE mnist-small (batch 64); PyTorch CPU
// (2 threads) is the yardstick of the VAEs. wasm runs on one thread in each (useBackend's `threads: 1`),
// as `elbo train --workers` runs it; XNNPACK's own threads instead are timed by
// packages/models/bench/step.bench.mjs (its wasm×N rows).
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
await useBackend(backend, { threads: 1 });
const MODELS = {
  mlp: {
    batch: BATCH,
    steps,
    config: {
      kind: 'vae',
      arch: 'mlp',
      hidden: [512, 256],
      latent: 32,
      likelihood: 'bernoulli',
      inputShape: [28, 28, 1],
      seed: 0,
    },
  },
  conv: {
    batch: BATCH,
    steps: Math.ceil(steps / 4),
    config: {
      kind: 'vae',
      arch: 'conv',
      hidden: [32, 64],
      latent: 32,
      likelihood: 'bernoulli',
      inputShape: [28, 28, 1],
      seed: 0,
    },
  },
  nvae: { batch: 64, steps: Math.ceil(steps / 8), config: { kind: 'nvae', preset: 'mnist-small', seed: 0 } },
};

async function imagesPerSecond(name, workers) {
  const { batch, steps: n, config } = MODELS[name];
  const x = tf.tidy(() => tf.cast(tf.greater(random.uniform([batch, 28, 28, 1], seed(1)), 0.8), 'float32'));
  const data = Array.from({ length: n }, () => x);
  const model = createModel(config);
  const pool =
    workers > 1 ? await WorkerGradientPool.start(workers - 1, backend, model.config, 1) : undefined;
  try {
    // One warm-up epoch of 2 steps, then the timed epoch.
    await fit({ model, data: data.slice(0, 2), epochs: 1, seed: 0, ...(pool ? { pool } : {}) });
    const r = await fit({ model, data, epochs: 1, seed: 0, ...(pool ? { pool } : {}) });
    return r.imagesPerSecond;
  } finally {
    await pool?.close();
    model.dispose();
    x.dispose();
  }
}

const rows = [];
for (const name of Object.keys(MODELS)) {
  for (const workers of [1, 2, 1, 2]) rows.push({ name, workers, ips: await imagesPerSecond(name, workers) });
}
const best = (name, w) =>
  Math.max(...rows.filter((r) => r.name === name && r.workers === w).map((r) => r.ips));

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

console.log(`Training steps on ${backend} through fit, images/s (best of two runs each):`);
console.log(`${'model'.padEnd(34)} ${'1 thread'.padEnd(10)} ${'2 threads'.padEnd(10)} ratio`);
const labels = {
  mlp: 'MLP VAE 784-512-256-32, batch 128',
  conv: 'conv VAE 32/64, batch 128',
  nvae: 'NVAE mnist-small, batch 64',
};
for (const name of Object.keys(MODELS)) {
  const one = best(name, 1);
  const two = best(name, 2);
  console.log(
    `${labels[name].padEnd(34)} ${one.toFixed(1).padEnd(10)} ${two.toFixed(1).padEnd(10)} ×${(two / one).toFixed(2)}`,
  );
}
if (torch !== null) {
  for (const name of ['mlp', 'conv']) {
    console.log(
      `PyTorch ${torch.torch} ${torch.threads} threads, ${name}: ${torch[name].toFixed(0)} images/s; elbo ×PyTorch: ` +
        `1 thread ${(best(name, 1) / torch[name]).toFixed(3)}, 2 threads ${(best(name, 2) / torch[name]).toFixed(3)}`,
    );
  }
} else {
  console.log(
    `PyTorch not run (${(torchRun.stderr || String(torchRun.error)).trim().split('\n').pop()}): no ratio`,
  );
}
