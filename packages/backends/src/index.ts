import './register.js';

export {
  activeBackend,
  autoOrder,
  BACKEND_NAMES,
  listBackends,
  useBackend,
  type BackendChoice,
  type BackendInfo,
  type BackendOptions,
  type BackendName,
} from './backends.js';
export { detectPlatform, type Platform } from './platform.js';
export { wasmAssetUrls, type WasmBinary } from './wasm-assets.js';
