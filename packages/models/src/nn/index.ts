export { ACTIVATIONS, gelu, relu, softplus, swish, type Activation } from './activations.js';
export {
  batchNorm,
  initBatchNorm,
  type BatchNormOptions,
  type BatchNormParams,
  type BatchNormState,
} from './batch-norm.js';
export {
  conv2d,
  conv2dTranspose,
  initConv2d,
  initConv2dTranspose,
  type Conv2dParams,
  type Conv2dTransposeParams,
  type ConvOptions,
  type InitConvOptions,
  type Padding,
} from './conv2d.js';
export { dense, initDense, type DenseOptions, type DenseParams, type InitDenseOptions } from './dense.js';
export { initLayerNorm, layerNorm, type LayerNormParams } from './layer-norm.js';
export { initializeWeights, INITIALIZERS, type Initializer } from './init.js';
export { paramsOf, toVariables, type ParamTree, type VariableTree } from './params.js';
export { depthwiseConv2d, initDepthwiseConv2d, type DepthwiseConv2dParams } from './depthwise-conv2d.js';
export { spectralNorm, type SpectralNormEstimate } from './spectral-norm.js';
