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

/** A tensor or array has the wrong shape or rank. */
export class ShapeError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SHAPE', message, options);
  }
}

/** A value lies outside its domain (a scale ≤ 0, a probability outside [0, 1], a NaN). */
export class DomainError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DOMAIN', message, options);
  }
}

/** An argument has the wrong type, or an option is unknown or malformed. */
export class ArgumentError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_ARGUMENT', message, options);
  }
}

/** A TensorFlow.js backend was asked for and cannot run here. */
export class BackendUnavailableError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_BACKEND', message, options);
  }
}

/** A file (a checkpoint, a data file) is truncated, corrupt or of the wrong format. */
export class DataFormatError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_FORMAT', message, options);
  }
}

/** A loss, a gradient or a parameter became NaN or ±Infinity. */
export class NonFiniteError extends ElboError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_NONFINITE', message, options);
  }
}
