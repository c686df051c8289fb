/**
 * The error classes of elbo. Every error a public function raises on bad input is an {@link ElboError}
 * with a stable `code`, and its message names the function, the argument, what was expected and what
 * came, then says what to do next.
 *
 * @example
 * try { normal(0, -1) } catch (e) { if (e instanceof ElboError) console.log(e.code) } // 'E_DOMAIN'
 */
export class ElboError extends Error {
  /** A stable, machine-readable code (`E_SHAPE`, `E_DOMAIN`, ...). */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A tensor or array has the wrong shape or rank (code `E_SHAPE`).
 *
 * @example new Normal([0, 0], [1, 1, 1]) // ShapeError: Normal: arguments 'loc' [2] and 'scale' [3] do not broadcast
 */
export class ShapeError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SHAPE', message, options);
  }
}

/**
 * A value lies outside its domain: a scale ≤ 0, a probability outside [0, 1], a NaN (code `E_DOMAIN`).
 *
 * @example new Normal(0, -1) // DomainError: Normal: argument 'scale' has -1 at flat index 0, expected a finite number > 0
 */
export class DomainError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DOMAIN', message, options);
  }
}

/**
 * An argument has the wrong type, or an option is unknown or malformed (code `E_ARGUMENT`).
 *
 * @example klDivergence(p, q, { sample: 10 }) // ArgumentError: … has the unknown option 'sample', expected only 'table', 'monteCarlo'
 */
export class ArgumentError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_ARGUMENT', message, options);
  }
}

/**
 * A TensorFlow.js backend was asked for and cannot run here (code `E_BACKEND`); the message says why and
 * how to install it.
 *
 * @example await useBackend('webgl') // in Node: BackendUnavailableError: WebGL needs a browser …
 */
export class BackendUnavailableError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_BACKEND', message, options);
  }
}

/**
 * A file (a checkpoint, a data file) is truncated, corrupt or of the wrong format (code `E_FORMAT`); the
 * message names the file and what was wrong.
 *
 * @example await loadIdx('truncated-images-idx3-ubyte') // DataFormatError: … holds fewer bytes than its header promises
 */
export class DataFormatError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_FORMAT', message, options);
  }
}

/**
 * A loss, a gradient or a parameter became NaN or ±Infinity (code `E_NONFINITE`); subclasses name the
 * step and the term.
 *
 * @example svi.step(batch) // NonFiniteLossError: step 3: the term 'expectedLogLikelihood' is NaN …
 */
export class NonFiniteError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_NONFINITE', message, options);
  }
}
