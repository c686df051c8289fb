export { testBackends, TOLERANCE, type Tolerance } from './backends.js';
export { describeEachBackend, type BackendContext } from './describe-each-backend.js';
export { expectClose, type Numeric } from './expect-close.js';
export { expectNoLeaks } from './leaks.js';
