export * from './args/index.js';
export * from './autodiff/index.js';
export * from './errors/index.js';
export * from './kernels/index.js';
export * from './linalg/index.js';
export * from './special/index.js';
// Seeds at the top level; samplers under `random` (random.normal, random.gamma, ...) so that their short
// names do not clash with the distributions' factories (normal, gamma, ...).
export { foldIn, isSeed, seed, splitSeed, toSeed, type Seed } from './random/index.js';
export * as random from './random/index.js';
