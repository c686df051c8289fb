import { ArgumentError } from '@elbo/core';
import { describe, expect, it } from 'vitest';
import { useBackend } from './backends.js';

describe('useBackend', () => {
  it('rejects a name that is not a backend, naming the choices', async () => {
    const error = await useBackend('gpu' as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toContain(
      'argument \'name\' is "gpu", expected one of auto, tensorflow, wasm, webgl, cpu',
    );
  });
});
