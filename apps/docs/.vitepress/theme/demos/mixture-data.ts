// The 2-D data set of the mixture demos (cavi-gmm, svi): N points from four Gaussians of different
// shapes, drawn from a fixed seed, so that both pages fit the same data.
/** The number of points. */
export const MIXTURE_N = 360;
/** The seed of the noise. */
export const MIXTURE_SEED = 2024;

const CENTRES = [
  [-2.6, -1.4],
  [2.4, -1.6],
  [0.2, 2.4],
  [3.0, 2.6],
] as const;
/** Aₖ row-major: [a, b, c, d] is [[a, b], [c, d]]. */
const SHAPES = [
  [0.9, 0.0, 0.5, 0.45],
  [0.45, 0.0, -0.1, 0.8],
  [1.1, 0.0, 0.0, 0.35],
  [0.35, 0.0, 0.0, 0.35],
] as const;

/**
 * Four clusters of different shapes: point i belongs to cluster k = i mod 4 and is xᵢ = cₖ + Aₖ εᵢ with
 * εᵢ ~ N(0, I) from @elbo/core's random.normal([n, 2], seed) (the same points on every backend).
 */
export async function makeMixtureData(n = MIXTURE_N, seed = MIXTURE_SEED): Promise<number[][]> {
  const { random } = await import('@elbo/core');
  const eps = random.normal([n, 2], seed);
  const e = eps.dataSync();
  eps.dispose();
  return Array.from({ length: n }, (_, i) => {
    const k = i % 4;
    const [a, b, c, d] = SHAPES[k]!;
    const [u, v] = [e[2 * i]!, e[2 * i + 1]!];
    const [mx, my] = CENTRES[k]!;
    return [mx + a * u + b * v, my + c * u + d * v];
  });
}
