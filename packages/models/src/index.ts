export * from './checkpoint/index.js';
export * from './trainer/index.js';
export * from './evaluation/index.js';
export * from './nn/index.js';
export * from './vae/index.js';
export * from './nvae/index.js';
