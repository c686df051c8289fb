#!/usr/bin/env node
// The packaging test: what users install is what we test. Packs every published package with
// `pnpm pack` (workspace: and catalog: versions resolved), checks each with publint, installs the
// tarballs into an empty project outside the workspace with only their declared dependencies (from the
// npm registry), and runs a script there that imports them and uses them, plus the `elbo` bin.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(tmpdir(), 'elbo-pack-'));
const tarballs = path.join(work, 'tarballs');
mkdirSync(tarballs);

const dirs = ['packages', 'apps'].flatMap((d) =>
  readdirSync(path.join(root, d)).map((p) => path.join(root, d, p)),
);
const published = dirs.filter((dir) => {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return pkg.private !== true;
});

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

const deps = { '@tensorflow/tfjs-core': '4.22.0' };
for (const dir of published) {
  sh('pnpm', ['exec', 'publint', '--strict', '--level', 'warning'], dir);
  const out = sh('pnpm', ['pack', '--pack-destination', tarballs, '--json'], dir);
  const { name, filename } = JSON.parse(out);
  deps[name] = `file:${filename}`;
}
console.log(
  `packed ${published.length} packages: ${Object.keys(deps)
    .filter((d) => d.startsWith('@elbo/'))
    .join(', ')}`,
);

const project = path.join(work, 'project');
mkdirSync(project);
writeFileSync(
  path.join(project, 'package.json'),
  JSON.stringify({ name: 'elbo-pack-test', private: true, type: 'module', dependencies: deps }, null, 2),
);
// tfjs-node is an optional dependency of the CLI whose install downloads libtensorflow; this test checks
// the fallback, as on a machine where that download fails.
sh('npm', ['install', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error'], project);

writeFileSync(
  path.join(project, 'smoke.mjs'),
  `
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { ElboError, toFloatTensor } from '@elbo/core';
import { useBackend, listBackends } from '@elbo/backends';
import * as distributions from '@elbo/distributions';
import * as divergences from '@elbo/divergences';
import * as inference from '@elbo/inference';
import * as models from '@elbo/models';
import * as datasets from '@elbo/datasets';
for (const m of [distributions, divergences, inference, models, datasets]) assert.equal(typeof m, 'object');
assert.equal(typeof ElboError, 'function');
const choice = await useBackend('auto');
assert.equal(choice.name, 'wasm', 'auto should fall back to wasm without tfjs-node: ' + choice.reason);
const list = await listBackends();
assert.equal(list.find((b) => b.name === 'tensorflow').available, false);
const g = tf.grad((x) => tf.sum(tf.square(x)))(tf.tidy(() => toFloatTensor([1, 2], 'x', 'smoke')));
assert.deepEqual(Array.from(g.dataSync()), [2, 4]);
console.log('smoke: imports, wasm from the package, gradients: ok');
`,
);
process.stdout.write(sh('node', ['smoke.mjs'], project));

// Each package README's example (the ```js block after `<!-- example`) runs against the installed tarballs,
// so that what a user copies from npm works as written.
let examples = 0;
for (const dir of published) {
  const readmePath = path.join(dir, 'README.md');
  if (!existsSync(readmePath)) {
    console.error(`${path.relative(root, dir)} is published without a README.md`);
    process.exit(1);
  }
  const readme = readFileSync(readmePath, 'utf8');
  const match = /<!-- example[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (match === null) continue;
  const file = `example-${path.basename(dir)}.mjs`;
  writeFileSync(path.join(project, file), match[1]);
  const output = sh('node', [file], project);
  console.log(
    `${path.relative(root, dir)}/README.md example: ok (${output.split('\n').length - 1} lines of output)`,
  );
  examples++;
}
if (examples === 0) {
  console.error(
    'no README example found; expected a ```js block after <!-- example --> in the package READMEs',
  );
  process.exit(1);
}
const json = execFileSync(path.join(project, 'node_modules', '.bin', 'elbo'), ['backends', '--json'], {
  cwd: project,
  encoding: 'utf8',
});
const report = JSON.parse(json);
if (report.auto !== 'wasm') {
  console.error(`installed elbo backends --json chose ${report.auto}, expected wasm`);
  process.exit(1);
}
console.log('installed `elbo backends --json`: ok');

// The installed CLI evaluates the project's reference file with the installed libraries: everything
// passes but the two edge cases float32 cannot represent (see apps/cli/src/commands/conformance.node.test.ts).
const refs = path.join(root, 'packages', 'distributions', 'src', 'fixtures', 'distributions.json');
const conformance = spawnSync(
  path.join(project, 'node_modules', '.bin', 'elbo'),
  ['conformance', '--refs', refs, '--backend', 'wasm', '--json'],
  { cwd: project, encoding: 'utf8' },
);
const card = JSON.parse(conformance.stdout);
if (card.backend !== 'wasm' || card.failed !== 2 || card.passed < 400 || conformance.status !== 1) {
  console.error(
    `installed elbo conformance: backend ${card.backend}, ${card.passed} passed, ${card.failed} failed (exit ${conformance.status}); expected wasm, 2 failed, exit 1`,
  );
  process.exit(1);
}
console.log(
  `installed \`elbo conformance\`: ok (${card.passed} passed, ${card.failed} known float32 edge cases)`,
);
// The installed CLI trains a small VAE on the digits shipped with @elbo/datasets and writes its PNGs.
const train = spawnSync(
  path.join(project, 'node_modules', '.bin', 'elbo'),
  [
    'train',
    '--range',
    '0:256',
    '--epochs',
    '1',
    '--hidden',
    '32',
    '--latent',
    '2',
    '--backend',
    'wasm',
    '--out',
    'run',
    '--json',
  ],
  { cwd: project, encoding: 'utf8' },
);
const trained = train.status === 0 ? JSON.parse(train.stdout.trim().split('\n').pop()) : null;
if (trained?.epoch !== 1 || !existsSync(path.join(project, 'run', 'samples.png'))) {
  console.error(`installed elbo train failed (exit ${train.status}):\n${train.stdout}\n${train.stderr}`);
  process.exit(1);
}
console.log(
  `installed \`elbo train\`: ok (epoch ${trained.epoch}, ${trained.imagesPerSecond.toFixed(0)} images/s on ${trained.backend})`,
);
rmSync(work, { recursive: true, force: true });
console.log('packaging test: 1 passed, 0 failed');
