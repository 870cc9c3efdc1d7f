import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * The backend's error taxonomy. Each maps to one status code; `details` carries what a client
 * needs to fix the request (never a stack trace).
 */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message, status);
  }
}

export const invalidRequest = (message: string, details?: unknown) =>
  new ApiError(HttpStatus.BAD_REQUEST, message, details);

export const payloadTooLarge = (message: string) => new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, message);

export const notFound = (message: string) => new ApiError(HttpStatus.NOT_FOUND, message);

export const conflict = (message: string) => new ApiError(HttpStatus.CONFLICT, message);

/** This client has used its share (rate, backlog): it may try again after `retryAfterSeconds`. */
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new ApiError(HttpStatus.TOO_MANY_REQUESTS, message, undefined, retryAfterSeconds);

/** Queue or model server unavailable, or the queue is full: try again later. */
export const unavailable = (message: string, retryAfterSeconds = 5) =>
  new ApiError(HttpStatus.SERVICE_UNAVAILABLE, message, undefined, retryAfterSeconds);

export const upstreamError = (message: string) => new ApiError(HttpStatus.BAD_GATEWAY, message);

export const upstreamTimeout = (message: string) => new ApiError(HttpStatus.GATEWAY_TIMEOUT, message);
