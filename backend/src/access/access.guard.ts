import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';

import { ApiError } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Caller, KeyRing } from './key-ring';
import { WindowCounter } from './window-counter';

const MINUTE_MS = 60_000;

/** A request that passed the guard carries its caller (see `@CurrentCaller()`). */
export type AuthenticatedRequest = Request & { caller?: Caller };

/**
 * When API_KEYS is set, every request needs one of them, except health (probes), and /metrics unless
 * METRICS_PUBLIC=false. Runs after the rate limiter, so wrong keys spend the client's budget too; and an
 * address that sends AUTH_FAILURES_PER_MINUTE wrong or missing keys is refused (429) for the rest of the
 * minute whatever it sends, so guessing a key gets a few tries a minute.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly keyRing: KeyRing;
  private readonly open: RegExp[];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly failures: WindowCounter,
  ) {
    this.keyRing = new KeyRing(config.API_KEYS);
    this.open = [/^\/api\/v1\/(health|problems)(\/|$)/, ...(config.METRICS_PUBLIC ? [/^\/metrics$/] : [])];
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.caller = (await this.admit(request)) ?? undefined;
    return true;
  }

  /** The caller, or null for an open path that came without a key; throws 401 or 429 otherwise. */
  async admit(request: Request): Promise<Caller | null> {
    if (!this.keyRing.enabled) return this.keyRing.identify(request);
    if (this.open.some((pattern) => pattern.test(request.path))) return this.keyRing.identify(request);
    const failuresKey = `auth-failures:${request.ip ?? 'unknown'}`;
    const before = await this.failures.peek(failuresKey).catch(() => ({ hits: 0, msLeft: 0 }));
    if (before.hits >= this.config.AUTH_FAILURES_PER_MINUTE) throw tooManyFailures(before.msLeft);
    const caller = this.keyRing.identify(request);
    if (caller) return caller;
    await this.failures.hit(failuresKey, MINUTE_MS).catch(() => undefined);
    throw new ApiError('unauthorized', 'Missing or invalid API key: send it in X-API-Key (or Authorization: Bearer)');
  }
}

function tooManyFailures(msLeft: number): ApiError {
  const seconds = Math.max(1, Math.ceil(msLeft / 1000));
  return new ApiError('auth-failures', `Too many requests with a wrong or missing API key; try again in ${seconds} s`, undefined, seconds);
}
