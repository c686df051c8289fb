// Types for the parts of gifenc (MIT, github.com/mattdesl/gifenc) that elbo uses.
declare module 'gifenc' {
  export interface GifEncoder {
    writeFrame(
      index: Uint8Array,
      width: number,
      height: number,
      options?: { palette?: number[][]; delay?: number; repeat?: number; first?: boolean },
    ): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(): GifEncoder;
  const gifenc: { GIFEncoder: () => GifEncoder };
  export default gifenc;
}
