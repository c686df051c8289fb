import * as gifencModule from 'gifenc';
import type { GifEncoder } from 'gifenc';
import { ArgumentError } from '@elbo/core';
import type { Raster } from './raster.js';

// gifenc ships CommonJS for Node (its exports on `default` under Node's ESM loader) and an ES module
// for bundlers (named exports): take whichever this loader gave.
type Encoder = () => GifEncoder;
const loaded = gifencModule as unknown as { GIFEncoder?: Encoder; default?: { GIFEncoder: Encoder } };
const createEncoder: Encoder = loaded.GIFEncoder ?? loaded.default!.GIFEncoder;

/**
 * Encodes frames of indexed pixels as an animated GIF (looping forever), with one palette of up to 256
 * `[r, g, b]` colours for every frame and `delayMs` between frames (GIF keeps centiseconds).
 */
export function encodeGif(
  frames: readonly Raster[],
  palette: readonly (readonly [number, number, number])[],
  delayMs: number,
): Uint8Array {
  const first = frames[0];
  if (first === undefined) throw new ArgumentError('encodeGif: no frames, expected at least one');
  if (palette.length < 2 || palette.length > 256) {
    throw new ArgumentError(`encodeGif: a palette of ${palette.length} colours, expected 2 to 256`);
  }
  const encoder = createEncoder();
  const colors = palette.map((c) => [...c]);
  frames.forEach((frame, i) => {
    if (frame.width !== first.width || frame.height !== first.height) {
      throw new ArgumentError(
        `encodeGif: frame ${i} is ${frame.width}×${frame.height}, expected ${first.width}×${first.height} like frame 0`,
      );
    }
    encoder.writeFrame(frame.pixels, frame.width, frame.height, {
      palette: colors,
      delay: delayMs,
      ...(i === 0 ? { repeat: 0 } : {}),
    });
  });
  encoder.finish();
  return encoder.bytes();
}
