#!/usr/bin/env node
// Assembles src/kernels/elbo-kernels.wat (WebAssembly text) with wabt into two binaries, one importing a
// shared memory (tfjs-backend-wasm's threaded build) and one a plain memory (its other builds), and writes
// them base64-encoded to src/kernels/elbo-kernels.wasm.ts, which is committed: the package then needs
// no assembler to build or run. A test (wasm-kernels.node.test.ts) checks that the committed file is
// what this script writes now.
//
// Run after changing the .wat:  node packages/backends/scripts/build-kernels.mjs
import { Buffer } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import wabtInit from 'wabt';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, '../src/kernels/elbo-kernels.wat');
export const target = path.join(here, '../src/kernels/elbo-kernels.wasm.ts');
const SHARED = '(memory 1 65536 shared)';

/** The two binaries, base64, and the TypeScript module that holds them. */
export async function buildKernels() {
  const wabt = await wabtInit();
  const text = readFileSync(source, 'utf8');
  if (!text.includes(SHARED)) throw new Error(`${source}: expected the memory import '${SHARED}'`);
  const features = { simd: true, threads: true };
  const assemble = (wat) => {
    const mod = wabt.parseWat('elbo-kernels.wat', wat, features);
    try {
      mod.validate(features);
      return Buffer.from(mod.toBinary({}).buffer).toString('base64');
    } finally {
      mod.destroy();
    }
  };
  const shared = assemble(text);
  const plain = assemble(text.replace(SHARED, '(memory 1)'));
  const module =
    `// Written by scripts/build-kernels.mjs from elbo-kernels.wat: do not edit.\n` +
    `/** The kernels for a shared memory (tfjs-backend-wasm's threaded build), base64. */\n` +
    `export const SHARED_MEMORY_KERNELS =\n  '${shared}';\n` +
    `/** The kernels for a plain memory (its single-threaded builds), base64. */\n` +
    `export const PLAIN_MEMORY_KERNELS =\n  '${plain}';\n`;
  return { shared, plain, module };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { module } = await buildKernels();
  writeFileSync(target, module);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
