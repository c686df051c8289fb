export * from './args/index.js';
export * from './errors/index.js';
export * from './linalg/index.js';
export * from './random/index.js';
export * from './special/index.js';
