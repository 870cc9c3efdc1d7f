import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Problem, ProblemType } from '@allocine/contracts';
import type { NextFunction, Request, Response } from 'express';

import { Failure } from '../failures/failure';
import { FAILURE_ANSWERS, failureDetail } from '../failures/failure-answers';
import { ApiError } from './api-errors';
import { PROBLEM_BASE, PROBLEM_CATALOGUE, PROBLEM_CONTENT_TYPE, problemTypeForStatus } from './problem-types';

/** Errors thrown by Express middleware (body parser, multer) before Nest sees the request. */
interface MiddlewareError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  message?: string;
}

const MIDDLEWARE_ERRORS: Record<string, { type: ProblemType; detail: string }> = {
  'entity.too.large': { type: 'payload-too-large', detail: 'Request body is too large' },
  'entity.parse.failed': { type: 'invalid-request', detail: 'Request body is not valid JSON' },
  'encoding.unsupported': { type: 'unsupported-media-type', detail: 'Compressed bodies are not accepted: send the body uncompressed' },
  'charset.unsupported': { type: 'unsupported-media-type', detail: 'Only UTF-8 JSON is accepted' },
  LIMIT_FILE_SIZE: { type: 'payload-too-large', detail: 'Uploaded file is too large' },
  LIMIT_UNEXPECTED_FILE: { type: 'invalid-request', detail: 'Unexpected file field; send the CSV as "file"' },
};

/** Every error, whatever threw it, answers as an RFC 9457 problem. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<Request>(), http.getResponse<Response>(), exception);
  }
}

/** Express error middleware for failures before Nest routes the request (body parsing). */
export function middlewareErrorHandler(error: unknown, request: Request, response: Response, next: NextFunction): void {
  if (response.headersSent) return next(error);
  sendError(request, response, error);
}

const logger = new Logger('HttpError');

/** `members` adds extension members to the problem (RFC 9457 §3.2), e.g. the `error` the original app's clients read. */
export function sendError(request: Request, response: Response, exception: unknown, members?: (problem: Problem) => Record<string, unknown>): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const bare = toProblem(exception, request.originalUrl?.split('?')[0] ?? request.path);
  const problem = members ? { ...bare, ...members(bare) } : bare;
  const retryAfter = exception instanceof Failure ? FAILURE_ANSWERS[exception.kind].retryAfterSeconds : exception instanceof ApiError ? exception.retryAfterSeconds : undefined;
  if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
  if (problem.status === HttpStatus.TOO_MANY_REQUESTS && !response.getHeader('Retry-After')) {
    response.setHeader('Retry-After', '60');
  }
  response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** terminus's readiness failure: a 503 whose body reports each component. */
function healthReport(exception: unknown): Record<string, unknown> | null {
  if (!(exception instanceof HttpException) || exception.getStatus() !== HttpStatus.SERVICE_UNAVAILABLE) return null;
  const body = exception.getResponse();
  return typeof body === 'object' && body !== null && 'details' in body && 'status' in body ? (body as Record<string, unknown>) : null;
}

function toProblem(exception: unknown, instance: string): Problem {
  if (exception instanceof ApiError) return problem(exception.type, exception.message, instance, exception.extra);
  if (exception instanceof Failure) return problem(FAILURE_ANSWERS[exception.kind].type, failureDetail(exception.kind, exception.message), instance);
  const report = healthReport(exception);
  if (report) {
    const down = Object.keys((report.error as object | undefined) ?? {});
    return { ...problem('not-ready', `Not ready: ${down.join(', ') || 'a component'} down`, instance), checks: report.details as Record<string, unknown> };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: string | string[] }).message
        : exception.message;
    return { ...problem(problemTypeForStatus(status), Array.isArray(message) ? 'Invalid request' : String(message), instance), status };
  }
  const middleware = exception as MiddlewareError;
  const known = MIDDLEWARE_ERRORS[middleware?.type ?? middleware?.code ?? ''];
  if (known) return problem(known.type, known.detail, instance);
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return problem('internal', 'Internal server error', instance);
}

function problem(type: ProblemType, detail: string, instance: string, extra?: unknown): Problem {
  const { status, title } = PROBLEM_CATALOGUE[type];
  const base: Problem = { type: `${PROBLEM_BASE}${type}`, title, status, detail, instance };
  if (Array.isArray(extra)) return { ...base, errors: extra };
  return extra && typeof extra === 'object' ? { ...extra, ...base } : base;
}
