import { HttpStatus } from '@nestjs/common';
import type { ProblemType } from '@allocine/contracts';

/** Where problem types describe themselves: an error's `type` is this plus the type's name. */
export const PROBLEM_BASE = '/api/v1/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemTypeDoc {
  status: number;
  title: string;
  /** What it means and what the caller can do: served at /api/v1/problems/<name> and in the OpenAPI document. */
  description: string;
}

/** The catalogue of problem types: one entry per `type` the API can answer. */
export const PROBLEM_CATALOGUE: Record<ProblemType, ProblemTypeDoc> = {
  'invalid-request': {
    status: HttpStatus.BAD_REQUEST,
    title: 'Invalid request',
    description: 'The body, query or CSV does not meet the schema or the limits; `errors` lists each field (path, message). Fix and resend.',
  },
  unauthorized: {
    status: HttpStatus.UNAUTHORIZED,
    title: 'API key required',
    description: 'Send a valid key in `X-API-Key` or `Authorization: Bearer`.',
  },
  forbidden: {
    status: HttpStatus.FORBIDDEN,
    title: 'Admin key required',
    description: 'Model operations (shadow, promote, roll back) need a key of ADMIN_KEYS; this key is a client key.',
  },
  'auth-failures': {
    status: HttpStatus.TOO_MANY_REQUESTS,
    title: 'Too many failed keys',
    description: 'Too many requests with a wrong or missing key from this address: further ones are refused until `Retry-After`; a valid key is still admitted.',
  },
  'not-found': {
    status: HttpStatus.NOT_FOUND,
    title: 'Not found',
    description: 'No such route, or no such job for this key (unknown, deleted, expired, or another key\'s).',
  },
  'method-not-allowed': {
    status: HttpStatus.METHOD_NOT_ALLOWED,
    title: 'Method not allowed',
    description: 'The route exists but not with this method; `Allow` lists the methods it accepts.',
  },
  conflict: { status: HttpStatus.CONFLICT, title: 'Conflict', description: 'The resource is not in a state that allows this.' },
  'payload-too-large': {
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    title: 'Payload too large',
    description: 'The body, file or job is over a configured limit (see GET /api/v1/model for the limits in use).',
  },
  'unsupported-media-type': {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    title: 'Unsupported body',
    description: 'Bodies are JSON (multipart/form-data for a CSV upload), uncompressed: no Content-Encoding, no form encoding.',
  },
  'idempotency-mismatch': {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    title: 'Idempotency key reused with another body',
    description: 'This `Idempotency-Key` was first used with a different request body; use a new key for a new job.',
  },
  'rate-limited': {
    status: HttpStatus.TOO_MANY_REQUESTS,
    title: 'Too many requests',
    description: 'This client used its request budget; retry after `Retry-After` seconds.',
  },
  'too-many-jobs': {
    status: HttpStatus.TOO_MANY_REQUESTS,
    title: 'Too many unfinished jobs',
    description:
      'This client already has as many jobs or reviews unfinished, or as many bytes of results held, as allowed; retry when one ends (`Retry-After`) or delete finished jobs.',
  },
  unavailable: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    title: 'Service unavailable',
    description: 'Redis, the model server or the history database is not answering, or the service holds too much work; retry after `Retry-After`.',
  },
  'not-ready': {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    title: 'Not ready',
    description: 'A component predictions need is down; `checks` reports each component.',
  },
  'model-rejected': {
    status: HttpStatus.BAD_GATEWAY,
    title: 'Model server error',
    description: 'The model server answered with an error for this request.',
  },
  'model-timeout': {
    status: HttpStatus.GATEWAY_TIMEOUT,
    title: 'Model timed out',
    description: 'No result within the deadline; the request may be retried.',
  },
  internal: { status: HttpStatus.INTERNAL_SERVER_ERROR, title: 'Internal error', description: 'Unexpected; it is logged.' },
};

export const PROBLEM_TYPES = Object.keys(PROBLEM_CATALOGUE) as ProblemType[];

/** The problem type a status has when nothing more precise is known (errors from Nest or Express). */
export function problemTypeForStatus(status: number): ProblemType {
  const fallback: Partial<Record<number, ProblemType>> = {
    400: 'invalid-request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not-found',
    405: 'method-not-allowed',
    409: 'conflict',
    413: 'payload-too-large',
    415: 'unsupported-media-type',
    422: 'idempotency-mismatch',
    429: 'rate-limited',
    502: 'model-rejected',
    503: 'unavailable',
    504: 'model-timeout',
  };
  return fallback[status] ?? (status >= 500 ? 'internal' : 'invalid-request');
}
