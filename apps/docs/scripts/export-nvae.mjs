#!/usr/bin/env node
// Ships an NVAE trained by the CLI with the site: copies its weights and batch-norm state (without the
// optimizer's slots) into public/nvae/<name>/ (model.json + weights.bin, the tfjs format that
// @elbo/models' http handler loads), with the CLI's sample grids (T = 1 and 0.8) and reconstructions, and the KL and active units of
// each latent group on the first 500 shipped digits. Run after building the packages:
//
//   pnpm elbo train --model nvae --preset mnist-small --data DIR --range 0:8000 --epochs 10 --out runs/nvae
//   node apps/docs/scripts/export-nvae.mjs runs/nvae mnist-small
import { useBackend } from '@elbo/backends';
import { batches, loadMnist } from '@elbo/datasets';
import { disposeCheckpoint, modelFromCheckpoint } from '@elbo/models';
import { loadCheckpoint, saveCheckpoint } from '@elbo/models/node';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [run, name = 'mnist-small'] = process.argv.slice(2);
if (run === undefined) {
  console.error(
    'usage: export-nvae.mjs RUN_DIR [NAME]   (RUN_DIR: the --out folder of elbo train --model nvae)',
  );
  process.exit(2);
}
await useBackend('cpu');
const checkpoint = await loadCheckpoint(path.join(run, 'checkpoint'));
if (checkpoint.config.kind !== 'nvae') {
  console.error(`${run} holds a '${checkpoint.config.kind}' checkpoint, expected an NVAE`);
  process.exit(2);
}
const model = modelFromCheckpoint(checkpoint, path.join(run, 'checkpoint'));
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public', 'nvae', name);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await saveCheckpoint(out, {
  model,
  step: checkpoint.step,
  epoch: checkpoint.epoch,
  seed: checkpoint.seed,
  metrics: checkpoint.metrics,
});
for (const file of ['samples-t0.8.png', 'samples.png', 'reconstructions.png']) {
  if (existsSync(path.join(run, file))) copyFileSync(path.join(run, file), path.join(out, file));
}
// KL and active units per group on the first 500 shipped digits (threshold-binarised).
const digits = await loadMnist({ range: '0:500' });
const [first] = batches(digits, {
  batchSize: 500,
  seed: 0,
  shuffle: false,
  binarize: { method: 'threshold' },
});
const groups = await model.diagnostics(first.images, 0);
first.images.dispose();
writeFileSync(
  path.join(out, 'diagnostics.json'),
  `${JSON.stringify({ images: 'the first 500 digits of @elbo/datasets, thresholded', epoch: checkpoint.epoch, groups }, null, 1)}\n`,
);
disposeCheckpoint(checkpoint);
model.dispose();
console.log(`wrote ${out}`);
