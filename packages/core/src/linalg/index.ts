export { cholesky } from './cholesky.js';
export { choleskySolve } from './cholesky-solve.js';
export { logAbsDetTriangular, logDet, logDetFromCholesky } from './log-det.js';
export { matrixDiagonal } from './matrix-diagonal.js';
export { triangularSolve, type TriangularSolveOptions } from './triangular-solve.js';
