/**
 * Where the tfjs-backend-wasm binaries of this package live: `assets/` beside `src/` and `dist/`, copied
 * there at build time. `new URL(relative, import.meta.url)` is resolved by Node and by bundlers (Vite
 * emits the files with the page), so the wasm backend never reaches for a CDN.
 *
 * @returns a map from each binary's file name to its URL (`file:` in Node, http(s) in a browser).
 * @example wasmAssetUrls()['tfjs-backend-wasm-simd.wasm'] // 'file:///.../assets/tfjs-backend-wasm-simd.wasm'
 */
export function wasmAssetUrls(): Record<WasmBinary, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL('../assets/tfjs-backend-wasm.wasm', import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL('../assets/tfjs-backend-wasm-simd.wasm', import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(
      '../assets/tfjs-backend-wasm-threaded-simd.wasm',
      import.meta.url,
    ).href,
  };
}

/** The three builds tfjs-backend-wasm chooses between (plain, SIMD, SIMD with threads). */
export type WasmBinary =
  'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/** A `file:` URL as a local path (tfjs-backend-wasm reads files with `fs` in Node). */
export function fileUrlToPath(href: string): string {
  const url = new URL(href);
  if (url.protocol !== 'file:') return href;
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}
