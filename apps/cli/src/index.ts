export { backendsReport, type BackendsReport } from './commands/backends.js';
export { buildProgram, main } from './main.js';
export { processIo, type Io } from './io.js';
