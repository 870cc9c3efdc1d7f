import { HttpErrorResponse } from '@angular/common/http';
import type { Problem, ProblemType } from '@allocine/contracts';

import { fieldErrorFr } from './i18n/field-errors.fr';
import { OTHER_ERRORS_FR, PROBLEM_MESSAGES_FR } from './i18n/problems.fr';

/** An HTTP failure turned into something the UI can say in French. */
export interface UiError {
  kind: 'invalid' | 'unauthorized' | 'unavailable' | 'timeout' | 'not-found' | 'network' | 'unknown';
  message: string;
  details: string[];
  retryAfterSeconds?: number;
}

const KIND: Record<ProblemType, UiError['kind']> = {
  'invalid-request': 'invalid',
  'payload-too-large': 'invalid',
  'unsupported-media-type': 'invalid',
  'idempotency-mismatch': 'invalid',
  conflict: 'invalid',
  unauthorized: 'unauthorized',
  forbidden: 'unauthorized',
  'auth-failures': 'unauthorized',
  'not-found': 'not-found',
  'method-not-allowed': 'unknown',
  'rate-limited': 'unavailable',
  'too-many-jobs': 'unavailable',
  unavailable: 'unavailable',
  'not-ready': 'unavailable',
  'model-rejected': 'unavailable',
  'model-timeout': 'timeout',
  internal: 'unknown',
};

/** The problem's type when the body is an RFC 9457 problem the UI knows, else one guessed from the status. */
function problemType(status: number, body: Partial<Problem> | null): ProblemType | null {
  const named = typeof body?.type === 'string' ? (body.type.split('/').pop() ?? '') : '';
  if (Object.hasOwn(PROBLEM_MESSAGES_FR, named)) return named as ProblemType;
  const byStatus: Partial<Record<number, ProblemType>> = {
    400: 'invalid-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 413: 'payload-too-large', 415: 'unsupported-media-type',
    422: 'invalid-request', 429: 'rate-limited', 502: 'model-rejected', 503: 'unavailable', 504: 'model-timeout',
  };
  return byStatus[status] ?? null;
}

export function toUiError(error: unknown): UiError {
  if (!(error instanceof HttpErrorResponse)) return { kind: 'unknown', message: OTHER_ERRORS_FR.unexpected, details: [] };
  if (error.status === 0) {
    return { kind: 'network', message: OTHER_ERRORS_FR.network, details: [] };
  }
  const body = typeof error.error === 'object' && error.error ? (error.error as Partial<Problem>) : null;
  const details = (body?.errors ?? []).map(fieldErrorFr);
  const retryAfter = Number(error.headers?.get('Retry-After'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  const type = problemType(error.status, body);
  if (!type) return { kind: 'unknown', message: OTHER_ERRORS_FR.status(error.status), details };
  return { kind: KIND[type], message: PROBLEM_MESSAGES_FR[type], details, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
}
