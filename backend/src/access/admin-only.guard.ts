import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

import { ApiError } from '../common/api-errors';
import type { AuthenticatedRequest } from './access.guard';

/**
 * Model operations: an admin key only (ADMIN_KEYS, or UI_API_KEY with UI_ROLE=admin; without any key the local
 * operator is admin). Runs after the access guard, which has identified the caller.
 */
@Injectable()
export class AdminOnly implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { caller } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (caller?.role === 'admin') return true;
    throw new ApiError('forbidden', 'Model operations need an admin key (ADMIN_KEYS); this key is a client key');
  }
}
