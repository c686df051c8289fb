export * from './cavi/index.js';
export * from './natural-gradient/index.js';
