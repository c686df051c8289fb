import { GifReader } from 'omggif';
import { describe, expect, it } from 'vitest';
import { FIT_COLORS, FIT_PALETTE, renderFitFrame } from './fit-frame.js';
import { encodeGif } from './gif.js';
import { Raster } from './raster.js';

/** The RGBA pixels of frame `i`, decoded by omggif (an independent GIF decoder). */
function decodeFrame(bytes: Uint8Array, i: number): { reader: GifReader; rgba: Uint8Array } {
  const reader = new GifReader(bytes);
  const rgba = new Uint8Array(reader.width * reader.height * 4);
  reader.decodeAndBlitFrameRGBA(i, rgba);
  return { reader, rgba };
}

describe('encodeGif', () => {
  it('writes an animated GIF that an independent decoder reads back pixel for pixel', () => {
    const palette = [
      [255, 255, 255],
      [200, 0, 0],
      [0, 0, 200],
    ] as const;
    const frames = [0, 1, 2].map((k) => {
      const r = new Raster(20, 10, 0);
      r.fillRect(k * 5, 2, k * 5 + 4, 6, 1 + (k % 2));
      return r;
    });
    const bytes = encodeGif(frames, palette, 100);
    expect(new TextDecoder().decode(bytes.slice(0, 6))).toBe('GIF89a');
    const { reader, rgba } = decodeFrame(bytes, 2);
    expect([reader.width, reader.height, reader.numFrames()]).toEqual([20, 10, 3]);
    expect(reader.loopCount()).toBe(0);
    expect(reader.frameInfo(1).delay).toBe(10); // centiseconds
    const at = (x: number, y: number) => Array.from(rgba.slice((y * 20 + x) * 4, (y * 20 + x) * 4 + 3));
    expect(at(11, 3)).toEqual([200, 0, 0]); // frame 2 (k = 2): a red block from x = 10
    expect(at(2, 3)).toEqual([255, 255, 255]);
  });

  it('rejects no frames, frames of different sizes and a bad palette, naming what was wrong', () => {
    const palette = [
      [0, 0, 0],
      [255, 255, 255],
    ] as const;
    expect(() => encodeGif([], palette, 50)).toThrow('encodeGif: no frames, expected at least one');
    expect(() => encodeGif([new Raster(4, 4), new Raster(5, 4)], palette, 50)).toThrow(
      'encodeGif: frame 1 is 5×4, expected 4×4 like frame 0',
    );
    expect(() => encodeGif([new Raster(4, 4)], [[0, 0, 0]], 50)).toThrow(
      'a palette of 1 colours, expected 2 to 256',
    );
  });
});

describe('renderFitFrame', () => {
  it('draws the target filled, q on top and the divergence in its own panel', () => {
    const xs = Array.from({ length: 101 }, (_, i) => -5 + i / 10);
    const normal = (m: number, s: number) => (v: number) =>
      Math.exp(-0.5 * ((v - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
    const target = xs.map(normal(0, 1));
    const q = xs.map(normal(2, 0.5));
    const frame = renderFitFrame(
      { xs, target, q, densityMax: 0.9, history: [3, 2, 1], totalSteps: 10, historyRange: [0, 3] },
      200,
      100,
    );
    const column = (v: number) => Math.round(12 + ((v + 5) / 10) * (200 - 24));
    const colorsIn = (xPixel: number) =>
      new Set(Array.from({ length: 100 }, (_, yPixel) => frame.get(xPixel, yPixel)));
    // Under the target's peak at x = 0: its fill; at x = 2, q's peak (0.8) is drawn in orange.
    expect(colorsIn(column(0)).has(FIT_COLORS.targetFill)).toBe(true);
    const rowsOf = (xPixel: number, color: number) =>
      Array.from({ length: 100 }, (_, yPixel) => yPixel).filter(
        (yPixel) => frame.get(xPixel, yPixel) === color,
      );
    const baseline = Math.round(68 - 12); // y of density 0: the split (0.68·100) less the margin
    expect(Math.min(...rowsOf(column(2), FIT_COLORS.q))).toBeLessThan(baseline - 30); // q's peak, high up
    expect(Math.min(...rowsOf(column(-4.5), FIT_COLORS.q))).toBeGreaterThanOrEqual(baseline - 2); // q ≈ 0 there
    // The divergence line covers the first three steps only.
    expect(colorsIn(column(-4.8)).has(FIT_COLORS.divergence)).toBe(true);
    expect(colorsIn(column(4)).has(FIT_COLORS.divergence)).toBe(false);
    expect(FIT_PALETTE).toHaveLength(7);
  });
});
