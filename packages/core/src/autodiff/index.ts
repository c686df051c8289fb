export { maskOf } from './mask-of.js';
export { stopGradient } from './stop-gradient.js';
