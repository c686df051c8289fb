export { Affine, affine } from './affine.js';
export { Bijector, type BijectorOptions } from './bijector.js';
export { Chain, chain } from './chain.js';
export { Exp, exp } from './exp.js';
export { FillScaleTriL, fillScaleTriL, type FillScaleTriLOptions } from './fill-scale-tril.js';
export { Scale, scale } from './scale.js';
export { Shift, shift } from './shift.js';
export { Sigmoid, sigmoid } from './sigmoid.js';
export { Softplus, softplus } from './softplus.js';
