/**
 * A set of grey-scale images with their labels, as the loaders return it: `count` images of
 * `rows × cols` pixels, stored as bytes (0 = background, 255 = full ink) in row-major order, image after
 * image (`images[(k · rows + r) · cols + c]` is pixel (r, c) of image k), and one label byte per image.
 * The arrays belong to the caller (each load returns fresh copies).
 *
 * @example
 * const { images, labels, count, rows, cols } = await loadMnist({ range: [0, 10] });
 * const firstPixelOfImage3 = images[3 * rows * cols]; // 0..255
 */
export interface ImageSet {
  /** The pixels, `count · rows · cols` bytes, image-major then row-major. */
  readonly images: Uint8Array;
  /** The class of each image (0..9 for the MNIST family), `count` bytes. */
  readonly labels: Uint8Array;
  /** The number of images. */
  readonly count: number;
  /** The height of each image in pixels (28 for the MNIST family). */
  readonly rows: number;
  /** The width of each image in pixels (28 for the MNIST family). */
  readonly cols: number;
}
