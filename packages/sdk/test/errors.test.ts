import { describe, expect, it, vi } from 'vitest';
import {
  AgentRevokedError,
  AgentTrustError,
  AuthenticationError,
  AuthorizationError,
  NetworkError,
  NotFoundError,
  TokenExpiredError,
  ValidationError,
} from '../src/index.js';

describe('error classes', () => {
  it('carry code, message, details, status and request id', () => {
    const error = new NotFoundError('NOT_FOUND', 'agent agt_1 not found', {
      details: { resource: 'agent' },
      status: 404,
      requestId: 'req_1',
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(AgentTrustError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      name: 'NotFoundError',
      code: 'NOT_FOUND',
      status: 404,
      requestId: 'req_1',
    });
    expect(error.details).toEqual({ resource: 'agent' });
    expect(error.message).toBe('agent agt_1 not found');
  });

  it('isInstance and instanceof agree for every class', () => {
    const classes = [
      AuthenticationError,
      AuthorizationError,
      NotFoundError,
      ValidationError,
      NetworkError,
      TokenExpiredError,
      AgentRevokedError,
    ];
    for (const Cls of classes) {
      const error = new Cls('INTERNAL_ERROR', 'x');
      for (const Other of classes) {
        expect(error instanceof Other).toBe(Other === Cls);
        expect(Other.isInstance(error)).toBe(Other === Cls);
      }
      expect(AgentTrustError.isInstance(error)).toBe(true);
    }
    expect(AgentTrustError.isInstance(new Error('x'))).toBe(false);
    expect(AgentTrustError.isInstance(null)).toBe(false);
    expect(AgentTrustError.isInstance({ code: 'NOT_FOUND' })).toBe(false);
  });

  it('instanceof works across two loaded copies of the package', async () => {
    vi.resetModules();
    const other = await import('../src/core/errors.js');
    expect(other.NotFoundError).not.toBe(NotFoundError);
    const foreign = new other.NotFoundError('NOT_FOUND', 'x', { status: 404 });
    expect(foreign instanceof NotFoundError).toBe(true);
    expect(foreign instanceof AgentTrustError).toBe(true);
    expect(foreign instanceof ValidationError).toBe(false);
    expect(new NotFoundError('NOT_FOUND', 'x') instanceof other.AgentTrustError).toBe(true);
    expect(other.AgentTrustError.isInstance(new AuthenticationError('AUTH_FAILED', 'x'))).toBe(true);
  });

  it("a user's subclass without a brand of its own uses the prototype chain", () => {
    class MyError extends NotFoundError {}
    expect(new MyError('NOT_FOUND', 'x')).toBeInstanceOf(MyError);
    expect(new NotFoundError('NOT_FOUND', 'x')).not.toBeInstanceOf(MyError);
    expect(new MyError('NOT_FOUND', 'x')).toBeInstanceOf(NotFoundError);
  });

  it('serializes without a stack of secrets: only its own fields', () => {
    const error = new ValidationError('VALIDATION_ERROR', 'name: must not be empty', {
      details: { field: 'name' },
      status: 400,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ValidationError',
      code: 'VALIDATION_ERROR',
      details: { field: 'name' },
      status: 400,
    });
  });
});
