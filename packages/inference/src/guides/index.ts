export { deltaGuide, type DeltaGuideOptions } from './delta-guide.js';
export { fullRankGuide, type FullRankGuideOptions } from './full-rank-guide.js';
export { type Guide } from './guide.js';
export { lowRankGuide, type LowRankGuideOptions } from './low-rank-guide.js';
export { meanFieldGuide, type MeanFieldGuideOptions } from './mean-field-guide.js';
export { PointMass } from './point-mass.js';
