import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, DomainError, ElboError, ShapeError } from './errors.js';

describe('ElboError', () => {
  it('subclasses carry their code, name and cause', () => {
    const cause = new Error('inner');
    const e = new BackendUnavailableError('useBackend: tensorflow cannot start', { cause });
    expect(e).toBeInstanceOf(ElboError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('E_BACKEND');
    expect(e.name).toBe('BackendUnavailableError');
    expect(e.cause).toBe(cause);
    expect(new ShapeError('x').code).toBe('E_SHAPE');
    expect(new DomainError('x').code).toBe('E_DOMAIN');
  });
});
