import { HttpException } from '@nestjs/common';
import type { ProblemType } from '@allocine/contracts';

import { PROBLEM_CATALOGUE } from './problem-types';

/**
 * The backend's errors, each of one problem type (its status comes from the catalogue). `extra` carries what a
 * client needs to fix the request — per-field `errors`, or members such as `columns` — never a stack trace.
 */
export class ApiError extends HttpException {
  constructor(
    readonly type: ProblemType,
    message: string,
    readonly extra?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message, PROBLEM_CATALOGUE[type].status);
  }
}

export const invalidRequest = (message: string, extra?: unknown) => new ApiError('invalid-request', message, extra);

export const payloadTooLarge = (message: string) => new ApiError('payload-too-large', message);

export const notFound = (message: string) => new ApiError('not-found', message);

export const conflict = (message: string) => new ApiError('conflict', message);

/** This client has used its share (rate, backlog): it may try again after `retryAfterSeconds`. */
export const tooManyJobs = (message: string, retryAfterSeconds: number) =>
  new ApiError('too-many-jobs', message, undefined, retryAfterSeconds);
