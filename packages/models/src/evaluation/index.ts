export {
  bitsPerDim,
  importanceSampledBounds,
  importanceSampledNll,
  testElbo,
  type EvaluationOptions,
  type ImportanceWeightedModel,
} from './importance-sampled-nll.js';
