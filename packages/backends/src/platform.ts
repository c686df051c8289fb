/** Where this code runs: Node.js (or a Node-compatible runtime) or a browser (window or worker). */
export type Platform = 'node' | 'browser';

/** Detects the platform once; a browser build never sees `process.versions.node`. */
export function detectPlatform(): Platform {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  const hasDom = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  const isWorker = typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';
  if (typeof proc?.versions?.node === 'string' && !hasDom && !isWorker) return 'node';
  return 'browser';
}
