import type { Schema } from './schemas';

/**
 * Every error the API answers is an RFC 9457 problem (`application/problem+json`), health included.
 * `type` is a URI reference, `/api/v1/problems/<name>`, that describes the problem when dereferenced.
 * (Types only: the backend's catalogue and the UI's messages are each a `Record<ProblemType, …>`, so the
 * compiler keeps both complete.)
 */
export type ProblemType =
  | 'invalid-request'
  | 'unauthorized'
  | 'forbidden'
  | 'auth-failures'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'idempotency-mismatch'
  | 'rate-limited'
  | 'too-many-jobs'
  | 'unavailable'
  | 'not-ready'
  | 'model-rejected'
  | 'model-timeout'
  | 'internal';

/** One field a request got wrong: where (`reviews.1.text`) and what. */
export type FieldError = Schema<'FieldError'>;

/** An RFC 9457 problem: `type` is `/api/v1/problems/<ProblemType>`, `instance` the request path. */
export type Problem = Schema<'Problem'>;
