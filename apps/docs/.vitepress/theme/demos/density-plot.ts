// Drawing densities on a canvas 2D: curves over a shared x grid, scaled to the canvas's CSS size and
// the device pixel ratio. Plain functions of numbers, no tensors.

/** An evenly spaced grid of `n` points from `lo` to `hi`. */
export function grid(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** The normal density N(x; μ, σ²) = exp(−½((x−μ)/σ)²) / (σ√(2π)). */
export function normalDensity(x: number, loc: number, scale: number): number {
  return Math.exp(-0.5 * ((x - loc) / scale) ** 2) / (scale * Math.sqrt(2 * Math.PI));
}

/** One curve to draw. */
export interface Curve {
  readonly ys: readonly number[];
  readonly color: string;
  readonly fill?: string;
  readonly label: string;
  readonly dashed?: boolean;
}

/** Reads a CSS custom property of the page (VitePress's theme colours), with a fallback for SSR. */
export function cssColor(name: string, fallback: string): string {
  if (typeof window === 'undefined') return fallback;
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/**
 * Draws the curves over `xs` with a shared y scale (0 to the largest value, or `yMax`), an x axis with
 * integer ticks and a legend.
 */
export function drawDensities(
  canvas: HTMLCanvasElement,
  xs: readonly number[],
  curves: readonly Curve[],
  yMax?: number,
): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 640;
  const height = canvas.clientHeight || 260;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const pad = { left: 10, right: 10, top: 10, bottom: 24 };
  const lo = xs[0] ?? 0;
  const hi = xs[xs.length - 1] ?? 1;
  const top = yMax ?? 1.05 * Math.max(1e-9, ...curves.flatMap((c) => c.ys.filter(Number.isFinite)));
  const px = (x: number) => pad.left + ((x - lo) / (hi - lo)) * (width - pad.left - pad.right);
  const py = (y: number) => height - pad.bottom - (Math.min(y, top) / top) * (height - pad.top - pad.bottom);
  const text = cssColor('--vp-c-text-2', '#666');
  ctx.strokeStyle = cssColor('--vp-c-divider', '#ccc');
  ctx.fillStyle = text;
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'center';
  ctx.beginPath();
  ctx.moveTo(pad.left, py(0));
  ctx.lineTo(width - pad.right, py(0));
  ctx.stroke();
  for (let t = Math.ceil(lo); t <= Math.floor(hi); t++) {
    ctx.beginPath();
    ctx.moveTo(px(t), py(0));
    ctx.lineTo(px(t), py(0) + 4);
    ctx.stroke();
    ctx.fillText(String(t), px(t), height - 6);
  }
  for (const curve of curves) {
    ctx.beginPath();
    xs.forEach((x, i) => {
      const y = curve.ys[i] ?? 0;
      if (i === 0) ctx.moveTo(px(x), py(Number.isFinite(y) ? y : 0));
      else ctx.lineTo(px(x), py(Number.isFinite(y) ? y : 0));
    });
    if (curve.fill !== undefined) {
      ctx.save();
      ctx.lineTo(px(hi), py(0));
      ctx.lineTo(px(lo), py(0));
      ctx.closePath();
      ctx.fillStyle = curve.fill;
      ctx.fill();
      ctx.restore();
      ctx.beginPath();
      xs.forEach((x, i) =>
        i === 0 ? ctx.moveTo(px(x), py(curve.ys[i] ?? 0)) : ctx.lineTo(px(x), py(curve.ys[i] ?? 0)),
      );
    }
    ctx.strokeStyle = curve.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(curve.dashed === true ? [6, 4] : []);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
  ctx.textAlign = 'left';
  curves.forEach((curve, i) => {
    const y = pad.top + 6 + i * 16;
    ctx.fillStyle = curve.color;
    ctx.fillRect(width - pad.right - 150, y - 4, 14, 3);
    ctx.fillStyle = text;
    ctx.fillText(curve.label, width - pad.right - 130, y);
  });
}

/** One point of an objective's history. */
export interface HistoryPoint {
  readonly step: number;
  readonly value: number;
}

/** Draws an objective's history against the step, scaled between its smallest and largest finite values. */
export function drawHistory(
  canvas: HTMLCanvasElement,
  points: readonly HistoryPoint[],
  totalSteps: number,
): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 640;
  const height = canvas.clientHeight || 70;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const finite = points.map((p) => p.value).filter(Number.isFinite);
  if (finite.length < 2) return;
  const lo = Math.min(...finite);
  const span = Math.max(...finite) - lo || 1;
  ctx.strokeStyle = cssColor('--vp-c-brand-1', '#3451b2');
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let first = true;
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const x = 4 + (p.step / Math.max(1, totalSteps)) * (width - 8);
    const y = 4 + (1 - (p.value - lo) / span) * (height - 8);
    if (first) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
    first = false;
  }
  ctx.stroke();
}
