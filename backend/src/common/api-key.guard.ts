import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiError } from './api-errors';

/** Open paths: probes and scrapers must work without a key. */
const OPEN = [/^\/api\/v1\/health\//, /^\/metrics$/, /^\/api\/docs/];

/** When API_KEYS is set, every other request needs one of them in `X-API-Key`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = config.API_KEYS.map((key) => Buffer.from(key));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.length === 0) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (OPEN.some((pattern) => pattern.test(request.path))) return true;
    const given = Buffer.from(request.header('x-api-key') ?? '');
    if (this.keys.some((key) => key.length === given.length && timingSafeEqual(key, given))) return true;
    throw new ApiError(HttpStatus.UNAUTHORIZED, 'Missing or invalid X-API-Key');
  }
}
