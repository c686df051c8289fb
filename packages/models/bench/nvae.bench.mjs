// Times the NVAE training step (preset mnist-small, batch 64, Adam) on wasm, with the kernel-time
// breakdown of one step (tf.profile) and the depthwise 5×5 and squeeze-and-excitation paths of a decoder
// cell timed on their own at the preset's shapes; ends with node's peak RSS.
//
// Run on the built package:  pnpm --filter @elbo/models build && node packages/models/bench/nvae.bench.mjs
// Options: --backend=wasm|cpu  --steps=N (timed steps, default 8)  --batch=B (default 64)
//          --threads=N (wasm: XNNPACK's threads; default every core)
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@elbo/backends';
import { foldIn, random, seed } from '@elbo/core';
import { performance } from 'node:perf_hooks';
import { createModel, dense, depthwiseConv2d, initDense, initDepthwiseConv2d } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const backend = args.backend ?? 'wasm';
const steps = Number(args.steps ?? 8);
const B = Number(args.batch ?? 64);
const choice = await useBackend(backend, args.threads === undefined ? {} : { threads: Number(args.threads) });

const model = createModel({ kind: 'nvae', preset: 'mnist-small', seed: 0 });
const vars = Object.values(model.variables);
const x = tf.tidy(() => tf.cast(tf.greater(random.uniform([B, 28, 28, 1], seed(1)), 0.8), 'float32'));
const opt = tf.train.adam(3e-3);
const step = (i) =>
  tf.tidy(() => {
    const loss = opt.minimize(
      () => model.loss(x, { seed: foldIn(seed(0), i), klWeight: 0.5, training: true }).loss,
      true,
      vars,
    );
    loss.dataSync();
  });
for (let i = 0; i < 2; i++) step(i); // warm-up (kernels compiled, memory grown)
const t0 = performance.now();
for (let i = 0; i < steps; i++) step(2 + i);
const msStep = (performance.now() - t0) / steps;

// Kernel time of one step, by kernel.
const info = await tf.profile(() => step(100));
const byKernel = new Map();
for (const k of info.kernels) {
  const ms = Number(await k.kernelTimeMs) || 0;
  byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
}
const totalKernel = [...byKernel.values()].reduce((a, b) => a + b, 0);

// The two paths of the decoder cell at 8×8 (C = 32, E·C = 96), forward and backward.
const time = (f, n) => {
  f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t) / n;
};
const h = tf.tidy(() => random.normal([B, 8, 8, 96], seed(2)));
const dw = initDepthwiseConv2d(96, 5, seed(3));
const msDepthwise = time(
  () =>
    tf.tidy(() => {
      const g = tf.grads((a, w) => tf.sum(depthwiseConv2d({ filter: w }, a)))([h, dw.filter]);
      g[1].dataSync();
    }),
  10,
);
const c = tf.tidy(() => random.normal([B, 8, 8, 32], seed(4)));
const se1 = initDense(32, 4, seed(5));
const se2 = initDense(4, 32, seed(6), { initializer: 'glorot-uniform' });
const msSe = time(
  () =>
    tf.tidy(() => {
      const g = tf.grad((a) => {
        const gate = tf.sigmoid(dense(se2, dense(se1, tf.mean(a, [1, 2]), { activation: 'relu' })));
        return tf.sum(tf.mul(a, tf.reshape(gate, [B, 1, 1, 32])));
      })(c);
      g.dataSync();
    }),
  10,
);

console.log(
  `NVAE mnist-small training step on ${backend}${choice.threads === undefined ? '' : ` (${choice.threads} thread${choice.threads === 1 ? '' : 's'})`}, batch ${B}: ${msStep.toFixed(0)} ms/step, ${(B / (msStep / 1000)).toFixed(1)} images/s`,
);
console.log(
  `  ${info.kernels.length} kernels per step; kernel time ${totalKernel.toFixed(0)} ms (profiled), by kernel:`,
);
for (const [name, ms] of [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(
    `    ${name.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms  ${((100 * ms) / totalKernel).toFixed(1).padStart(5)}%`,
  );
}
console.log(`  depthwise 5×5 [${B}, 8, 8, 96], forward + both gradients: ${msDepthwise.toFixed(1)} ms`);
console.log(`  squeeze-and-excitation [${B}, 8, 8, 32], forward + gradient: ${msSe.toFixed(1)} ms`);
tf.dispose([x, h, c, dw.filter, dw.bias, se1.kernel, se1.bias, se2.kernel, se2.bias]);
opt.dispose();
model.dispose();
const { maxRSS } = process.resourceUsage();
console.log(`node peak RSS ${(maxRSS / 1024).toFixed(0)} MB`);
