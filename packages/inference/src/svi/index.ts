export { relativeChangeConvergence, type ConvergenceOptions, type ConvergenceTest } from './convergence.js';
export {
  fitSurrogatePosterior,
  type FitSurrogatePosteriorOptions,
  type FitSurrogatePosteriorResult,
  type SurrogateTraceInfo,
} from './fit-surrogate-posterior.js';
export { fit, type FitOptions, type FitResult, type FitTraceInfo } from './fit.js';
export { NonFiniteLossError, type NonFiniteDiagnosis } from './non-finite-loss-error.js';
export {
  svi,
  type LossContext,
  type LossFunction,
  type StepOptions,
  type Svi,
  type SviOptions,
} from './svi.js';
