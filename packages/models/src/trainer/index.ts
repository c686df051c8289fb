export { fit } from './fit.js';
export type {
  CallbackResult,
  EpochEndEvent,
  FitCallbacks,
  FitCheckpoint,
  FitData,
  FitOptions,
  FitResult,
  StepEvent,
} from './fit-options.js';
export {
  NonFiniteTrainingError,
  type LastGoodStep,
  type NonFiniteTrainingDiagnosis,
} from './non-finite-training-error.js';
export type { Json, LossOptions, LossResult, TrainableModel } from './trainable.js';
export type { GradientPool, GradientShare, ShareGradients } from './gradient-pool.js';
export { adam, FusedAdamOptimizer } from './adam.js';
