import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { Observable, from, switchMap } from 'rxjs';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BodyKind, refuseUnwantedBody } from './request-body';

const JOBS_PATH = /^\/api\/v1\/jobs\/?$/;

/**
 * Reads request bodies. It runs as an interceptor, after the guards, rather than as Express middleware before
 * them: a request is parsed only once its caller is known and within the rate limit, so an anonymous client
 * cannot make the API inflate or parse anything. Multipart uploads are read by the jobs route's own file
 * interceptor, which also runs after the guards.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly jobsParser: RequestHandler;
  private readonly parser: RequestHandler;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // inflate: false is a second lock behind refuseUnwantedBody: body-parser never decompresses.
    this.jobsParser = express.json({ limit: config.JOB_BODY_LIMIT, inflate: false });
    this.parser = express.json({ limit: config.JSON_BODY_LIMIT, inflate: false });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return next.handle();
    const forJobs = request.method === 'POST' && JOBS_PATH.test(request.path);
    const accepted: BodyKind[] = forJobs ? ['json', 'multipart'] : ['json'];
    refuseUnwantedBody(request.headers, accepted);
    return from(run(forJobs ? this.jobsParser : this.parser, request, response)).pipe(switchMap(() => next.handle()));
  }
}

function run(handler: RequestHandler, request: Request, response: Response): Promise<void> {
  return new Promise((resolve, reject) => handler(request, response, (error?: unknown) => (error ? reject(error) : resolve())));
}
