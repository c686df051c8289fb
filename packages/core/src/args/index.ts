export { broadcastShapes, formatShape, shapesEqual } from './shapes.js';
export { toFloatTensor, type TensorInput } from './to-tensor.js';
export { checkOptions, describeValue } from './options.js';
