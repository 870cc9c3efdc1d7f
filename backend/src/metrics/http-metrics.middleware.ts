import type { NextFunction, Request, Response } from 'express';

import { MetricsService } from './metrics.service';

/**
 * Records every request's duration once the response is sent, so error responses (written by the
 * exception filter) and 404s are counted with their real status. Routes are labelled by pattern.
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  };
}
