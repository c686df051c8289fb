export {
  ArgumentError,
  BackendUnavailableError,
  DataFormatError,
  DomainError,
  ElboError,
  NonFiniteError,
  ShapeError,
} from './errors.js';
