export {
  disposeCheckpoint,
  type Checkpoint,
  type EpochMetrics,
  type OptimizerCheckpoint,
} from './checkpoint-format.js';
export { loadCheckpoint } from './load-checkpoint.js';
export type { CheckpointLocation } from './location.js';
export { saveCheckpoint, type SaveCheckpointOptions, type SaveCheckpointResult } from './save-checkpoint.js';
