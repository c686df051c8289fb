// The pthread worker of tfjs-backend-wasm's threaded build, as a file Node's worker_threads can start.
//
// In a browser, tfjs-backend-wasm hands emscripten this worker, and the script it imports, as blob: URLs.
// Node's Worker cannot start a blob: URL (ERR_WORKER_PATH) and the worker's importScripts reads files, so
// @elbo/backends points emscripten at this file instead (see wasm-threads.ts). It runs tfjs's own worker
// code unchanged; the one difference is where that code finds the main script: the threaded build's
// emscripten module, resolved from the same tfjs-backend-wasm as the main thread's.
'use strict';
const wasmOut = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';
const mainScript = require.resolve(`${wasmOut}.js`);
const { wasmWorkerContents } = require(`${wasmOut}.worker.js`);

// tfjs's worker code turns the main script it is posted (a Blob) into a URL and imports that URL.
URL.createObjectURL = () => mainScript;
URL.revokeObjectURL = () => {};

// tfjs escapes the worker's newlines the same way before it makes its Blob. The code expects a CommonJS
// module's require and __filename.
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
