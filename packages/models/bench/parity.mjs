// Quality parity with PyTorch: trains elbo's MLP VAE 784-512-256-32 (ReLU, Bernoulli, Adam 1e-3, batch 128)
// for 10 epochs on digits 0..7999 of the real MNIST test set (threshold binarisation) and evaluates the
// importance-sampled NLL (K = 500) on digits 8000..9999, for each seed, with the built CLI; then prints the
// NLLs beside those of pytorch_vae.py (run it first with --json FILE and pass --torch FILE).
//
//   pnpm exec turbo run build && node packages/models/bench/parity.mjs --mnist ../shared/data/mnist \
//     --seeds 0,1,2 [--torch torch.json] [--backend wasm]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a, i, all) => (a.startsWith('--') ? [a.slice(2), all[i + 1] ?? ''] : [null, null]))
    .filter(([k]) => k),
);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../apps/cli/dist/bin.js');
const mnist = args.mnist ?? '../shared/data/mnist';
const backend = args.backend ?? 'wasm';
const seeds = (args.seeds ?? '0,1,2').split(',').map(Number);
const elbo = (argv) => {
  const r = spawnSync('node', [cli, ...argv, '--backend', backend, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`elbo ${argv[0]} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};
const runs = [];
for (const seed of seeds) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'elbo-parity-')), 'run');
  const t = elbo([
    'train',
    '--data',
    mnist,
    '--range',
    '0:8000',
    '--binarize',
    'threshold',
    '--epochs',
    '10',
    '--batch-size',
    '128',
    '--lr',
    '1e-3',
    '--hidden',
    '512,256',
    '--latent',
    '32',
    '--seed',
    String(seed),
    '--out',
    out,
  ]);
  const e = elbo([
    'eval',
    '--checkpoint',
    out,
    '--data',
    mnist,
    '--range',
    '8000:10000',
    '--binarize',
    'threshold',
    '--importance-samples',
    '500',
    '--seed',
    String(seed),
  ]);
  runs.push({ seed, trainLoss: t.loss, imagesPerSecond: t.imagesPerSecond, nll: e.nll, elbo: e.elbo });
  console.log(
    `elbo seed ${seed}: train loss ${t.loss.toFixed(2)}, test ELBO ${e.elbo.toFixed(2)}, NLL ${e.nll.toFixed(2)} nats (${t.imagesPerSecond.toFixed(0)} img/s on ${backend})`,
  );
}
const nlls = runs.map((r) => r.nll);
const mean = nlls.reduce((a, b) => a + b, 0) / nlls.length;
console.log(
  `elbo NLL ${mean.toFixed(2)} (min ${Math.min(...nlls).toFixed(2)}, max ${Math.max(...nlls).toFixed(2)}) over ${nlls.length} seeds`,
);
if (args.torch) {
  const t = JSON.parse(readFileSync(args.torch, 'utf8'));
  console.log(
    `PyTorch NLL ${t.nllMean.toFixed(2)} (min ${t.nllMin.toFixed(2)}, max ${t.nllMax.toFixed(2)}, sd ${t.nllStd.toFixed(2)}) over ${t.runs.length} seeds`,
  );
  console.log(`difference of the means: ${(mean - t.nllMean).toFixed(2)} nats`);
}
