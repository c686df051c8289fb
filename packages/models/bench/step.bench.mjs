// Times one training step of the MLP VAE 784-512-256-32 (Bernoulli, batch 128, Adam 1e-3) on wasm and
// cpu: @elbo/models' model (dense layers with explicitly transposed matmul gradients) against the same
// model written with stock tfjs ops (tf.matMul, whose stock gradient uses transposed-operand matmuls).
// Also the conv VAE step with @elbo/models' conv2d/conv2dTranspose, and conv2dTranspose's forward pass
// against tf.conv2dTranspose (Conv2DBackpropInput).
//
// Each backend runs in its own Node process (wasm's thread count is fixed once per process): wasm on one
// thread, wasm on every core (XNNPACK's threads, tfjs-backend-wasm's threaded build), and cpu.
//
// Run on the built package:  pnpm --filter @elbo/models build && node packages/models/bench/step.bench.mjs
// Options: --backends=wasm:1,wasm,cpu (wasm:N = N threads; wasm = every core)
//          --steps=N (warm-up steps per row, then 5 runs of N/2; default 30 on wasm, 5 on cpu)
//          --rounds=R (default 3): the MLP ratio to PyTorch is then measured again in R rounds that alternate
//          wasm on every core and PyTorch, one process each, so that both see the same state of the machine
//          (its speed drifts by ±25 % over minutes); the median of the rounds' ratios is the figure.
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@elbo/backends';
import { foldIn, random, seed } from '@elbo/core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { adam, conv2dTranspose, createModel, initConv2dTranspose } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const backends = (args.backends ?? 'wasm:1,wasm,cpu').split(',');
const BATCH = 128;
const LATENT = 32;
const config = {
  kind: 'vae',
  arch: 'mlp',
  hidden: [512, 256],
  latent: LATENT,
  likelihood: 'bernoulli',
  inputShape: [28, 28, 1],
  seed: 0,
};

/** The same VAE written the usual way with stock tfjs ops and gradients. */
function stockVae() {
  const sizes = [784, 512, 256, 2 * LATENT];
  const dec = [LATENT, 256, 512, 784];
  // In a tidy scope: the initial values are copied into the variables and freed.
  const layer = (i, o, s) =>
    tf.tidy(() => ({
      w: tf.variable(tf.mul(random.normal([i, o], s), Math.sqrt(2 / i))),
      b: tf.variable(tf.zeros([o])),
    }));
  const enc = sizes.slice(1).map((o, i) => layer(sizes[i], o, 10 + i));
  const decl = dec.slice(1).map((o, i) => layer(dec[i], o, 20 + i));
  const run = (layers, x) =>
    layers.reduce((h, l, i) => {
      const y = tf.add(tf.matMul(h, l.w), l.b);
      return i + 1 < layers.length ? tf.relu(y) : y;
    }, x);
  const loss = (x, s) => {
    const out = run(enc, x);
    const loc = tf.slice(out, [0, 0], [-1, LATENT]);
    const scale = tf.add(tf.softplus(tf.slice(out, [0, LATENT], [-1, LATENT])), 1e-4);
    const z = tf.add(loc, tf.mul(scale, random.normal([x.shape[0], LATENT], s)));
    const logits = run(decl, z);
    const recon = tf.mean(tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), -1));
    const kl = tf.mean(
      tf.sum(tf.sub(tf.mul(0.5, tf.sub(tf.add(tf.square(loc), tf.square(scale)), 1)), tf.log(scale)), -1),
    );
    return tf.add(recon, kl);
  };
  const variables = [...enc, ...decl].flatMap((l) => [l.w, l.b]);
  return { loss, variables, dispose: () => tf.dispose(variables) };
}

/** Reads a step's loss (to wait for the step to finish) and frees it. */
function settle(t) {
  t.dataSync();
  t.dispose();
}

/**
 * ms per call: `steps` calls of warm-up (kernels, XNNPACK's operators, the wasm heap's growth, Adam's
 * moments, V8's tiers: a wasm step takes some 30 calls to settle), then the median of 5 runs of
 * ⌈steps/2⌉ calls. pytorch_step.py times PyTorch the same way.
 */
function time(stepFn, steps) {
  for (let i = 0; i < steps; i++) stepFn(i);
  const runs = [];
  const per = Math.ceil(steps / 2);
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < per; i++) stepFn(100 + r * per + i);
    runs.push((performance.now() - t0) / per);
  }
  return runs.sort((a, b) => a - b)[2];
}

/** Runs one backend's rows in this process (`--child=wasm:2`) and prints them as one JSON line. */
async function childRows(spec) {
  const [name, count] = spec.split(':');
  const choice = await useBackend(name, count === undefined ? {} : { threads: Number(count) });
  const backend = name === 'wasm' ? `wasm×${choice.threads}` : name;
  const rows = [];
  const steps = Number(args.steps ?? (name === 'wasm' ? 30 : 5));
  const before = tf.memory().numTensors;
  const x = tf.tidy(() => tf.cast(tf.greater(random.uniform([BATCH, 784], seed(1)), 0.8), 'float32'));

  const model = createModel(config);
  const vars = Object.values(model.variables);
  // fit's default optimizer: tfjs's Adam, fused into one kernel per variable on wasm.
  let opt = adam(1e-3);
  const ms = time((i) => {
    settle(tf.tidy(() => opt.minimize(() => model.loss(x, { seed: foldIn(seed(0), i) }).loss, true, vars)));
  }, steps);
  rows.push({ backend, variant: '@elbo/models vae (dense gradients, fused Adam)', ms });
  opt.dispose();
  model.dispose();
  if (args.only === 'mlp') {
    x.dispose();
    console.log(JSON.stringify({ backend, rows, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    return;
  }

  const stock = stockVae();
  opt = tf.train.adam(1e-3);
  const msStock = time((i) => {
    settle(tf.tidy(() => opt.minimize(() => stock.loss(x, foldIn(seed(0), i)), true, stock.variables)));
  }, steps);
  rows.push({ backend, variant: 'stock tfjs ops (tf.matMul gradients)', ms: msStock });
  opt.dispose();
  stock.dispose();

  // The conv VAE (32/64 channels), only with @elbo/models' ops: wasm has no Conv2DBackpropFilter.
  const conv = createModel({ ...config, arch: 'conv', hidden: [32, 64] });
  const cvars = Object.values(conv.variables);
  opt = adam(1e-3);
  const xi = tf.reshape(x, [BATCH, 28, 28, 1]);
  const msConv = time(
    (i) => {
      settle(
        tf.tidy(() => opt.minimize(() => conv.loss(xi, { seed: foldIn(seed(0), i) }).loss, true, cvars)),
      );
    },
    Math.max(2, Math.ceil(steps / 4)),
  );
  rows.push({ backend, variant: 'conv vae 32/64 (custom conv gradients)', ms: msConv });
  opt.dispose();
  conv.dispose();

  // conv2dTranspose forward, 7×7×64 → 14×14×32, k4 s2: ours (zero-stuffed conv2d) vs tf.conv2dTranspose.
  const p = initConv2dTranspose(64, 32, 4, seed(2));
  const h = tf.tidy(() => random.normal([BATCH, 7, 7, 64], seed(3)));
  const fewer = Math.max(2, Math.ceil(steps / 4));
  const msOurs = time(() => tf.tidy(() => conv2dTranspose(p, h, { strides: 2 }).dataSync()), fewer);
  const msTf = time(
    () => tf.tidy(() => tf.conv2dTranspose(h, p.filter, [BATCH, 14, 14, 32], 2, 'same').dataSync()),
    fewer,
  );
  rows.push({ backend, variant: 'conv2dTranspose fwd 7²×64→14²×32: ours', ms: msOurs });
  rows.push({ backend, variant: 'conv2dTranspose fwd 7²×64→14²×32: tf', ms: msTf });
  tf.dispose([p.filter, p.bias, h, xi, x]);
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) console.warn(`${backend}: ${leaked} tensors left over`);
  const { maxRSS } = process.resourceUsage();
  console.log(JSON.stringify({ backend, rows, maxRssMB: maxRSS / 1024 }));
}

if (args.child !== undefined) {
  await childRows(args.child);
  process.exit(0);
}

const rows = [];
const rss = [];
const script = fileURLToPath(import.meta.url);
const labels = [];
for (const spec of backends) {
  const out = runChild(spec);
  rows.push(...out.rows);
  rss.push(`${out.backend} ${out.maxRssMB.toFixed(0)} MB`);
  labels.push(out.backend);
}

// PyTorch CPU (2 threads, OpenBLAS) on the same steps, in the same run: the yardstick of the ratios.
const here = path.dirname(fileURLToPath(import.meta.url));
const openblas = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
function runTorch(models) {
  const run = spawnSync(
    '/usr/bin/python3',
    [path.join(here, 'pytorch_step.py'), '--threads', '2', '--models', models],
    {
      encoding: 'utf8',
      env: { ...process.env, ...(existsSync(openblas) ? { LD_LIBRARY_PATH: openblas } : {}) },
    },
  );
  return run.status === 0
    ? { ok: true, out: JSON.parse(run.stdout.trim().split('\n').pop()) }
    : { ok: false, run };
}
function runChild(spec, extra = []) {
  const run = spawnSync(
    process.execPath,
    [script, `--child=${spec}`, ...(args.steps ? [`--steps=${args.steps}`] : []), ...extra],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`${spec}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}
const torchRun = runTorch('mlp,conv');
const torch = torchRun.ok ? torchRun.out : null;
if (torch === null)
  console.log(
    `PyTorch not run (${(torchRun.run.stderr || String(torchRun.run.error)).trim().split('\n').pop()}): no ratios`,
  );

// The MLP ratio again, in rounds that alternate wasm on every core and PyTorch.
const rounds = [];
const roundsWanted = torch === null || !backends.includes('wasm') ? 0 : Number(args.rounds ?? 3);
for (let r = 0; r < roundsWanted; r++) {
  const ours = runChild('wasm', ['--only=mlp']);
  const theirs = runTorch('mlp');
  if (!theirs.ok) break;
  rounds.push({ backend: ours.backend, ours: BATCH / (ours.rows[0].ms / 1000), torch: theirs.out.mlp });
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`\n${pad('backend', 8)} ${pad('variant', 46)} ${pad('ms/step', 9)} images/s`);
for (const r of rows) {
  console.log(
    `${pad(r.backend, 8)} ${pad(r.variant, 46)} ${pad(r.ms.toFixed(1), 9)} ${(BATCH / (r.ms / 1000)).toFixed(0)}`,
  );
}
console.log(`\n(batch ${BATCH}; images/s of the conv2dTranspose rows counts images of one forward call)`);

const ips = (variant, backend) => {
  const r = rows.find((x) => x.backend === backend && x.variant.startsWith(variant));
  return r === undefined ? NaN : BATCH / (r.ms / 1000);
};
if (torch !== null) {
  console.log(
    `\nPyTorch ${torch.torch} CPU, ${torch.threads} threads: MLP VAE ${torch.mlp.toFixed(0)} images/s, conv VAE ${torch.conv.toFixed(0)} images/s, peak RSS ${torch.maxRssMB.toFixed(0)} MB`,
  );
}
for (const backend of labels) {
  const mlp = ips('@elbo/models vae', backend);
  const stock = ips('stock tfjs', backend);
  const conv = ips('conv vae', backend);
  const vsTorch =
    torch === null
      ? ''
      : `; ×PyTorch: MLP ${(mlp / torch.mlp).toFixed(3)}, conv ${(conv / torch.conv).toFixed(3)}`;
  console.log(`${backend}: ×stock tfjs ${(mlp / stock).toFixed(2)}${vsTorch}`);
}
console.log(`node peak RSS, one process per backend: ${rss.join(', ')}`);
if (rounds.length > 0) {
  const ratios = rounds.map((r) => r.ours / r.torch);
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `\nMLP VAE, ${rounds.length} alternating rounds (${rounds[0].backend} then PyTorch, a process each):`,
  );
  rounds.forEach((r, i) =>
    console.log(
      `  round ${i + 1}: ${r.ours.toFixed(0)} vs ${r.torch.toFixed(0)} images/s, ×PyTorch ${ratios[i].toFixed(3)}`,
    ),
  );
  console.log(
    `  ×PyTorch, median of the rounds: ${median.toFixed(3)} (${sorted[0].toFixed(3)}–${sorted[sorted.length - 1].toFixed(3)})`,
  );
}
