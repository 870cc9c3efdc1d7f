import { ExecutionContext } from '@nestjs/common';

import { ApiError } from '../common/api-errors';
import { AdminOnly } from './admin-only.guard';
import type { Caller } from './key-ring';

const contextWith = (caller?: Caller) => ({ switchToHttp: () => ({ getRequest: () => ({ caller }) }) }) as unknown as ExecutionContext;

describe('AdminOnly', () => {
  const guard = new AdminOnly();

  it('lets an admin key through', () => {
    expect(guard.canActivate(contextWith({ owner: 'key:a', client: 'key:a', role: 'admin' }))).toBe(true);
  });

  it('refuses a client key, and a request the access guard did not identify, with a 403 forbidden problem', () => {
    for (const caller of [{ owner: 'key:c', client: 'key:c', role: 'client' } as const, undefined]) {
      let thrown: unknown;
      try {
        guard.canActivate(contextWith(caller));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect(thrown).toMatchObject({ type: 'forbidden' });
      expect((thrown as ApiError).getStatus()).toBe(403);
    }
  });
});
