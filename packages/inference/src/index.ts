export * from './elbo/index.js';
export * from './guides/index.js';
export * from './svi/index.js';
export * from './cavi/index.js';
export * from './natural-gradient/index.js';
