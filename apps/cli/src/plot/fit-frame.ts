import { linearScale, Raster } from './raster.js';

/** The colours of {@link renderFitFrame}, by palette index. */
export const FIT_PALETTE: ReadonlyArray<readonly [number, number, number]> = [
  [255, 255, 255], // 0 background
  [150, 150, 150], // 1 axes
  [198, 219, 239], // 2 target density, filled
  [33, 102, 172], // 3 target density, outline
  [230, 97, 1], // 4 the fitted q
  [40, 40, 40], // 5 the divergence over steps
  [230, 230, 230], // 6 the panel of the divergence
];

/** Palette indices of {@link FIT_PALETTE}, named. */
export const FIT_COLORS = {
  background: 0,
  axes: 1,
  targetFill: 2,
  target: 3,
  q: 4,
  divergence: 5,
  panel: 6,
} as const;

/** One frame of the `elbo fit` animation. */
export interface FitFrame {
  /** The grid of x values, increasing. */
  readonly xs: readonly number[];
  /** The target density at xs. */
  readonly target: readonly number[];
  /** The current q's density at xs. */
  readonly q: readonly number[];
  /** The density axis runs from 0 to this (the same in every frame). */
  readonly densityMax: number;
  /** The divergence (smoothed, as drawn) at steps 0..k (this frame shows the first k + 1). */
  readonly history: readonly number[];
  /** The number of steps of the whole run (the divergence panel's x range). */
  readonly totalSteps: number;
  /** The divergence axis range (the same in every frame). */
  readonly historyRange: readonly [number, number];
}

/**
 * Draws a frame: above, the target density (filled, blue) and the current q (orange) on the same axes;
 * below, the divergence over the steps so far (dark line on grey), on the whole run's axes.
 */
export function renderFitFrame(frame: FitFrame, width = 480, height = 320): Raster {
  const r = new Raster(width, height, FIT_COLORS.background);
  const margin = 12;
  const split = Math.round(height * 0.68);
  const xs = frame.xs;
  const x = linearScale([xs[0] ?? 0, xs[xs.length - 1] ?? 1], [margin, width - margin]);
  const y = linearScale([0, frame.densityMax], [split - margin, margin]);
  // The target, filled down to the axis, then its outline; q on top.
  for (let i = 1; i < xs.length; i++) {
    const [xa, xb] = [x(xs[i - 1]!), x(xs[i]!)];
    const [ya, yb] = [frame.target[i - 1] ?? 0, frame.target[i] ?? 0];
    for (let px = Math.round(xa); px <= Math.round(xb); px++) {
      const t = xb > xa ? (px - xa) / (xb - xa) : 0;
      r.line(px, y(0), px, y(ya + t * (yb - ya)), FIT_COLORS.targetFill);
    }
  }
  r.polyline(
    xs.map((v, i) => [x(v), y(frame.target[i] ?? 0)] as const),
    FIT_COLORS.target,
    2,
  );
  r.polyline(
    xs.map((v, i) => [x(v), y(frame.q[i] ?? 0)] as const),
    FIT_COLORS.q,
    3,
  );
  r.line(margin, y(0), width - margin, y(0), FIT_COLORS.axes);
  // The divergence panel.
  const top = split + margin / 2;
  const bottom = height - margin;
  r.fillRect(margin, top, width - margin, bottom, FIT_COLORS.panel);
  const sx = linearScale([0, Math.max(1, frame.totalSteps - 1)], [margin, width - margin]);
  const [lo, hi] = frame.historyRange;
  const sy = linearScale([lo, hi > lo ? hi : lo + 1], [bottom - 2, top + 2]);
  r.polyline(
    frame.history.map((d, i) => [sx(i), sy(d)] as const),
    FIT_COLORS.divergence,
    2,
  );
  return r;
}
