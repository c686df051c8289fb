// Drawing for the mixture demos (cavi-gmm, svi): the view that fits 2-D points into an SVG box with
// equal aspect (y up), and the 2σ ellipses of a fitted Gaussian mixture's components.

/** Data coordinates → SVG pixels: x → PAD + (x − x0)·scale, y → H − PAD − (y − y0)·scale. */
export interface PlotView {
  readonly x0: number;
  readonly y0: number;
  readonly scale: number;
  px(x: number): number;
  py(y: number): number;
}

/**
 * The view that fits the points into a width × height box with `pad` pixels of margin, centred, with
 * the same scale on both axes; `fallback` (x0, y0, scale) when there are no points yet.
 */
export function fitView(
  points: readonly (readonly number[])[],
  width: number,
  height: number,
  pad: number,
  fallback: { x0: number; y0: number; scale: number },
): PlotView {
  let frame = fallback;
  if (points.length > 0) {
    const xs = points.map((p) => p[0]!);
    const ys = points.map((p) => p[1]!);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const scale = Math.min((width - 2 * pad) / (x1 - x0), (height - 2 * pad) / (y1 - y0));
    frame = {
      x0: x0 - ((width - 2 * pad) / scale - (x1 - x0)) / 2,
      y0: y0 - ((height - 2 * pad) / scale - (y1 - y0)) / 2,
      scale,
    };
  }
  const { x0, y0, scale } = frame;
  return {
    x0,
    y0,
    scale,
    px: (x) => pad + (x - x0) * scale,
    py: (y) => height - pad - (y - y0) * scale,
  };
}

/** What the ellipses need of a fitted mixture: its components' weights, means and covariances. */
export interface MixtureFit {
  readonly weights: readonly number[];
  readonly means: readonly (readonly number[])[];
  readonly covariances: readonly (readonly (readonly number[])[])[];
}

/** One component's 2σ ellipse in SVG pixels. */
export interface SigmaEllipse {
  readonly k: number;
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
  readonly transform: string;
  readonly color: string;
  readonly weight: number;
}

/**
 * The 2σ ellipses of the components with weight ≥ `minWeight` (1% by default): from the
 * eigen-decomposition of each 2×2 covariance, Σ = R diag(λ₁, λ₂) Rᵀ, the semi-axes 2√λ₁ and 2√λ₂
 * rotated by the angle of the first eigenvector, ½ atan2(2b, a − c) for Σ = [[a, b], [b, c]].
 */
export function sigmaEllipses(
  fit: MixtureFit | null,
  view: PlotView,
  colors: readonly string[],
  minWeight = 0.01,
): SigmaEllipse[] {
  if (fit === null) return [];
  return fit.means.flatMap((m, k) => {
    const weight = fit.weights[k]!;
    if (weight < minWeight) return [];
    const [[a, b], [, c]] = fit.covariances[k] as [[number, number], [number, number]];
    const mid = (a + c) / 2;
    const half = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    const angle = (0.5 * Math.atan2(2 * b, a - c) * 180) / Math.PI;
    const cx = view.px(m[0]!);
    const cy = view.py(m[1]!);
    return [
      {
        k,
        cx,
        cy,
        rx: 2 * Math.sqrt(Math.max(mid + half, 0)) * view.scale,
        ry: 2 * Math.sqrt(Math.max(mid - half, 0)) * view.scale,
        transform: `rotate(${-angle} ${cx} ${cy})`,
        color: colors[k % colors.length]!,
        weight,
      },
    ];
  });
}
