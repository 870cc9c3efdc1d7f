import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ApiErrorBody } from '@allocine/contracts';
import type { NextFunction, Request, Response } from 'express';

import { ApiError } from './api-errors';

/** Errors thrown by Express middleware (body parser, multer) before Nest sees the request. */
interface MiddlewareError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  message?: string;
}

const MIDDLEWARE_ERRORS: Record<string, { status: number; message: string }> = {
  'entity.too.large': { status: HttpStatus.PAYLOAD_TOO_LARGE, message: 'Request body is too large' },
  'entity.parse.failed': { status: HttpStatus.BAD_REQUEST, message: 'Request body is not valid JSON' },
  LIMIT_FILE_SIZE: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: 'Uploaded file is too large' },
  LIMIT_UNEXPECTED_FILE: { status: HttpStatus.BAD_REQUEST, message: 'Unexpected file field; send the CSV as "file"' },
};

/** One response shape for every error: `{statusCode, error, message, details}`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<Response>(), exception);
  }
}

/** Express error middleware for failures before Nest routes the request (body parsing). */
export function middlewareErrorHandler(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  if (response.headersSent) return next(error);
  sendError(response, error);
}

const logger = new Logger('HttpError');

export function sendError(response: Response, exception: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  if (isHealthReport(exception)) {
    // Readiness failures keep terminus's per-component report: that body is the point of the endpoint.
    response.status(HttpStatus.SERVICE_UNAVAILABLE).json(exception.getResponse());
    return;
  }
  const body = toBody(exception);
  if (exception instanceof ApiError && exception.retryAfterSeconds !== undefined) {
    response.setHeader('Retry-After', String(exception.retryAfterSeconds));
  }
  if (body.statusCode === HttpStatus.TOO_MANY_REQUESTS && !response.getHeader('Retry-After')) {
    response.setHeader('Retry-After', '60');
  }
  response.status(body.statusCode).json(body);
}

function isHealthReport(exception: unknown): exception is HttpException {
  if (!(exception instanceof HttpException) || exception.getStatus() !== HttpStatus.SERVICE_UNAVAILABLE) return false;
  const body = exception.getResponse();
  return typeof body === 'object' && body !== null && 'details' in body && 'status' in body;
}

function toBody(exception: unknown): ApiErrorBody {
  if (exception instanceof ApiError) {
    return shape(exception.getStatus(), exception.message, exception.details);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: string | string[] }).message
        : exception.message;
    return Array.isArray(message)
      ? shape(status, 'Invalid request', message)
      : shape(status, String(message));
  }
  const middleware = exception as MiddlewareError;
  const known = MIDDLEWARE_ERRORS[middleware?.type ?? middleware?.code ?? ''];
  if (known) return shape(known.status, known.message);
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return shape(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
}

function shape(statusCode: number, message: string, details?: unknown): ApiErrorBody {
  const error = HttpStatus[statusCode]?.toString() ?? 'Error';
  const readable = error
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join(' ');
  return details === undefined ? { statusCode, error: readable, message } : { statusCode, error: readable, message, details };
}
