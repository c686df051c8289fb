export { batches, shuffledIndices, type Batch, type BatchOptions } from './batches.js';
export { binarize, type BinarizeOptions } from './binarize.js';
export { loadIdx, loadMnistIdx, parseIdx, type IdxArray, type IdxDtype, type MnistIdxFiles } from './idx.js';
export type { ImageSet } from './image-set.js';
export { loadMnist, MNIST_COUNT, MNIST_SIDE, type LoadMnistOptions } from './mnist.js';
export { parseRange, type IndexRange } from './range.js';
export type { ByteSource } from './read-bytes.js';
