import { randomUUID } from 'node:crypto';

import { ExecutionContext, createParamDecorator } from '@nestjs/common';

/** The header that names a request across the API, the queue, the workers and the model server. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// What a caller's own id may look like (UUIDs, trace ids, ULIDs…): anything else is replaced, never echoed.
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is a sensible id, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTED.test(value) ? value : randomUUID();
}

/** The id the logger gave this request (its X-Request-Id, or a new one): for job data and model-server calls. */
export const RequestId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<{ id?: unknown; headers: Record<string, string | string[] | undefined> }>();
  return typeof request.id === 'string' ? request.id : requestIdFrom(request.headers[REQUEST_ID_HEADER.toLowerCase()]);
});
