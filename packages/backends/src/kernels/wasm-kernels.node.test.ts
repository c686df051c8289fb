import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { buildKernels, target } from '../../scripts/build-kernels.mjs';

describe('elbo-kernels.wasm.ts', () => {
  it('is what scripts/build-kernels.mjs assembles from elbo-kernels.wat now (run it after editing the .wat)', async () => {
    const { module } = (await buildKernels()) as { module: string };
    expect(readFileSync(target as string, 'utf8')).toBe(module);
  });
});
