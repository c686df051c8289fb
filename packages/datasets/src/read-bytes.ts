import { ArgumentError, DataFormatError } from '@elbo/core';

/** A file to read: a path (Node), a URL (`file:` in Node; `http(s):` anywhere fetch runs), or its bytes. */
export type ByteSource = string | URL | Uint8Array;

/** Whether this runs in Node (where a string is a file path). */
function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

// Hidden from bundlers: node:fs is loaded only when a path is read, in Node.
const NODE_FS = 'node:fs/promises';
const NODE_URL = 'node:url';

async function readFile(path: string | URL): Promise<Uint8Array> {
  const fs = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs/promises');
  const buffer = await fs.readFile(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The name of a source, for messages. */
export function sourceName(source: ByteSource): string {
  if (source instanceof Uint8Array) return `<${source.length} bytes>`;
  return String(source);
}

/**
 * Reads the bytes of `source`. A string is a file path in Node and a URL (relative to the page) in a
 * browser; a `file:` URL is read from disk in Node.
 */
export async function readBytes(source: ByteSource, fn: string, arg: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  const name = sourceName(source);
  try {
    if (typeof source === 'string') {
      if (isNode() && !/^https?:\/\//i.test(source)) return await readFile(source);
      return await fetchBytes(source, name, fn);
    }
    if (source instanceof URL) {
      if (source.protocol === 'file:' && isNode()) {
        const { fileURLToPath } = (await import(/* @vite-ignore */ NODE_URL)) as typeof import('node:url');
        return await readFile(fileURLToPath(source));
      }
      return await fetchBytes(source.href, name, fn);
    }
  } catch (error) {
    if (error instanceof DataFormatError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new DataFormatError(`${fn}: cannot read '${name}' (argument '${arg}'): ${why}`, { cause: error });
  }
  const what = source === null ? 'null' : typeof source;
  throw new ArgumentError(
    `${fn}: argument '${arg}' is ${what === 'object' ? 'an object' : `a ${what}`}, expected a path, a URL or a Uint8Array`,
  );
}

async function fetchBytes(url: string, name: string, fn: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new DataFormatError(
      `${fn}: fetching '${name}' answered HTTP ${response.status} ${response.statusText}`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** Whether `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip bytes with the standard `DecompressionStream('gzip')` (browsers, Node ≥ 18), naming
 * the file in the error of a truncated or corrupt stream.
 */
export async function gunzip(bytes: Uint8Array, name: string, fn: string): Promise<Uint8Array> {
  try {
    const copy = new Uint8Array(bytes); // a plain ArrayBuffer-backed copy for Blob
    const stream = new Blob([copy]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DataFormatError(
      `${fn}: '${name}' starts as gzip but does not decompress (${why}): the file is truncated or corrupt; download it again`,
      { cause: error },
    );
  }
}
