import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import type { AuthenticatedRequest } from './access.guard';
import { Caller, anonymousCaller } from './key-ring';

/** The caller the access guard identified (anonymous when keys are off). */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return request.caller ?? anonymousCaller(request.ip);
  },
);
