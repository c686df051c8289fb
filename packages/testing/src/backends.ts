import { detectPlatform, type BackendName } from '@elbo/backends';

/**
 * The backends every `describeEachBackend` body runs on: cpu and wasm in Node, webgl in a browser
 * (Vitest's browser project runs in Chromium). `ELBO_TEST_BACKENDS=cpu,wasm,tensorflow` overrides it in
 * Node, e.g. on a machine where tfjs-node installed.
 */
export function testBackends(): readonly BackendName[] {
  if (detectPlatform() === 'browser') return ['webgl'];
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const override = env?.['ELBO_TEST_BACKENDS'];
  if (override !== undefined && override.trim() !== '') {
    return override.split(',').map((s) => s.trim() as BackendName);
  }
  return ['cpu', 'wasm'];
}

/** Absolute and relative tolerance of a float32 comparison on one backend. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/**
 * Default tolerances per backend. cpu, wasm and tensorflow compute in IEEE float32; WebGL's shaders
 * compute in float32 where the GPU has it but with approximate transcendental functions (SwiftShader
 * and mobile GPUs alike), hence the looser bound.
 */
export const TOLERANCE: Readonly<Record<BackendName, Tolerance>> = {
  cpu: { atol: 1e-5, rtol: 1e-4 },
  wasm: { atol: 1e-5, rtol: 1e-4 },
  tensorflow: { atol: 1e-5, rtol: 1e-4 },
  webgl: { atol: 1e-3, rtol: 1e-2 },
};
