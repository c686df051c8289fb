export * from './checkpoint/index.js';
export * from './trainer/index.js';
