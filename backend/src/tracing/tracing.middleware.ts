import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { Observable } from 'rxjs';

import { SpanStatusCode, otelContext, startServerSpan } from './tracing';

const TRACE_CONTEXT = Symbol('trace context');
type Traced = Request & { [TRACE_CONTEXT]?: Context; id?: string };

/** One server span per request, ended with its route and status once the response is sent. */
export function tracingMiddleware(request: Traced, response: Response, next: NextFunction): void {
  const { span, context } = startServerSpan(request.method, request.path, request.headers);
  request[TRACE_CONTEXT] = context;
  response.on('finish', () => {
    const route = (request.route as { path?: string } | undefined)?.path;
    if (route) span.updateName(`${request.method} ${route}`);
    span.setAttributes({ 'http.route': route ?? 'unmatched', 'http.response.status_code': response.statusCode, 'request.id': String(request.id ?? '') });
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  next();
}

/**
 * Runs each handler inside its request's span. (Set in the middleware, the context would not survive the body
 * parsers' stream callbacks; subscribed here, it follows the handler's awaits to the queue and the model server.)
 */
@Injectable()
export class TracingInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const context = execution.switchToHttp().getRequest<Traced>()[TRACE_CONTEXT];
    if (!context) return next.handle();
    return new Observable((subscriber) => otelContext.with(context, () => next.handle().subscribe(subscriber)));
  }
}
