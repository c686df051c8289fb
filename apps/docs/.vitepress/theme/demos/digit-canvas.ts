// Drawing for the digit demos (auto-encoder, VAE): grids of 28 × 28 grey images, and 2-D codes as
// points coloured by digit label, on canvases sized to their CSS box at the device's pixel ratio.
import { cssColor } from './density-plot';

/** The side of an MNIST image in pixels. */
export const DIGIT_SIDE = 28;

/** One colour per digit label 0..9 (matplotlib's tab10). */
export const LABEL_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** Sizes a canvas to its CSS box at the device's pixel ratio; returns its 2-D context and CSS size. */
export function context2d(canvas: HTMLCanvasElement) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 300;
  const height = canvas.clientHeight || 150;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx?.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

/**
 * Draws n grey images of DIGIT_SIDE × DIGIT_SIDE (values in [0, 1], row-major, one after the other) as
 * a grid of `cols` columns, dark digits on light paper, scaled to the canvas without smoothing.
 */
export function drawImages(canvas: HTMLCanvasElement, values: Float32Array, n: number, cols: number): void {
  const side = DIGIT_SIDE;
  const rows = Math.ceil(n / cols);
  const tiles = new ImageData(cols * side, rows * side);
  tiles.data.fill(255);
  for (let k = 0; k < n; k++) {
    const ox = (k % cols) * side;
    const oy = Math.floor(k / cols) * side;
    for (let p = 0; p < side * side; p++) {
      const v = 255 - Math.round(255 * Math.min(1, Math.max(0, values[k * side * side + p]!)));
      const i = 4 * ((oy + Math.floor(p / side)) * cols * side + ox + (p % side));
      tiles.data[i] = v;
      tiles.data[i + 1] = v;
      tiles.data[i + 2] = v;
    }
  }
  const source = document.createElement('canvas');
  source.width = tiles.width;
  source.height = tiles.height;
  source.getContext('2d')?.putImageData(tiles, 0, 0);
  const { ctx, width, height } = context2d(canvas);
  if (ctx === null) return;
  const scale = Math.min(width / tiles.width, height / tiles.height);
  ctx.clearRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(source, 0, 0, tiles.width * scale, tiles.height * scale);
}

/** A rectangle of the code plane: z₁ in [x0, x1], z₂ in [y0, y1]. */
export interface CodeBox {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** The square box [−extent, extent]². */
export function squareBox(extent: number): CodeBox {
  return { x0: -extent, x1: extent, y0: -extent, y1: extent };
}

/**
 * n × n points of a box, row-major with the top row at z₂ = y1 (so that a decoded grid reads like the
 * scatter, z₂ upwards), flattened as [z₁, z₂, z₁, z₂, …].
 */
export function boxGrid(box: CodeBox, n: number): number[] {
  const zs: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      zs.push(box.x0 + ((box.x1 - box.x0) * c) / (n - 1), box.y1 - ((box.y1 - box.y0) * r) / (n - 1));
    }
  }
  return zs;
}

/**
 * 2-D codes (flattened [z₁, z₂, …]) as points coloured by label, in the square plot of `view` (with the
 * axes z₁ = 0 and z₂ = 0 where they fall inside), and a legend of the labels on the right. `marks`, if
 * given, are drawn first as small grey crosses (the points of a decoded grid).
 */
export function drawCodeScatter(
  canvas: HTMLCanvasElement,
  codes: Float32Array,
  labels: Uint8Array,
  view: CodeBox,
  marks: readonly number[] = [],
): void {
  const { ctx, width, height } = context2d(canvas);
  if (ctx === null) return;
  ctx.clearRect(0, 0, width, height);
  const size = Math.min(width, height);
  const px = (z: number) => ((z - view.x0) / (view.x1 - view.x0)) * size;
  const py = (z: number) => ((view.y1 - z) / (view.y1 - view.y0)) * size;
  ctx.strokeStyle = cssColor('--vp-c-divider', '#ccc');
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
  ctx.beginPath();
  if (view.x0 < 0 && view.x1 > 0) {
    ctx.moveTo(px(0), 0);
    ctx.lineTo(px(0), size);
  }
  if (view.y0 < 0 && view.y1 > 0) {
    ctx.moveTo(0, py(0));
    ctx.lineTo(size, py(0));
  }
  ctx.stroke();
  ctx.strokeStyle = cssColor('--vp-c-text-3', '#999');
  ctx.beginPath();
  for (let k = 0; k + 1 < marks.length; k += 2) {
    const x = px(marks[k]!);
    const y = py(marks[k + 1]!);
    ctx.moveTo(x - 3, y);
    ctx.lineTo(x + 3, y);
    ctx.moveTo(x, y - 3);
    ctx.lineTo(x, y + 3);
  }
  ctx.stroke();
  labels.forEach((label, k) => {
    const x = px(codes[2 * k]!);
    const y = py(codes[2 * k + 1]!);
    if (x < 0 || x > size || y < 0 || y > size) return;
    ctx.fillStyle = LABEL_COLORS[label]!;
    ctx.fillRect(x - 2, y - 2, 4, 4);
  });
  ctx.font = '10px sans-serif';
  LABEL_COLORS.forEach((color, label) => {
    ctx.fillStyle = color;
    ctx.fillText(String(label), size + 6, 12 + 13 * label);
  });
}
