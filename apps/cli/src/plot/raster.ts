/**
 * An indexed-colour image (one palette index per pixel, row-major, y down) with the few drawing
 * primitives the CLI's plots need: rectangles, lines and polylines in data coordinates.
 */
export class Raster {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background = 0,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`Raster: size ${width}×${height}, expected positive integers`);
    }
    this.pixels = new Uint8Array(width * height).fill(background);
  }

  /** Sets one pixel; points outside the image are ignored. */
  set(x: number, y: number, color: number): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    this.pixels[yi * this.width + xi] = color;
  }

  /** The palette index at (x, y). */
  get(x: number, y: number): number {
    return this.pixels[y * this.width + x] ?? -1;
  }

  /** Fills the rectangle [x0, x1) × [y0, y1), clipped to the image. */
  fillRect(x0: number, y0: number, x1: number, y1: number, color: number): void {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(this.height, Math.ceil(y1)); y++) {
      this.pixels.fill(
        color,
        y * this.width + Math.max(0, Math.floor(x0)),
        y * this.width + Math.min(this.width, Math.ceil(x1)),
      );
    }
  }

  /** A line from (x0, y0) to (x1, y1), `thickness` pixels wide (DDA, one step per pixel). */
  line(x0: number, y0: number, x1: number, y1: number, color: number, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const r = (thickness - 1) / 2;
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) this.set(x + dx, y + dy, color);
    }
  }

  /** Joins consecutive points; non-finite points break the line. */
  polyline(points: ReadonlyArray<readonly [number, number]>, color: number, thickness = 1): void {
    for (let i = 1; i < points.length; i++) {
      const [xa, ya] = points[i - 1]!;
      const [xb, yb] = points[i]!;
      if ([xa, ya, xb, yb].every(Number.isFinite)) this.line(xa, ya, xb, yb, color, thickness);
    }
  }
}

/** A linear map from a data interval onto a pixel interval (pixel order may be reversed, as for y). */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}
