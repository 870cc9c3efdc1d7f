import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';

import { RedisDown } from '../failures/failure';
import { ApiError } from '../common/api-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { clientAddressGroup } from './client-address';
import { Caller, KeyRing } from './key-ring';
import { WindowCounter } from './window-counter';

const MINUTE_MS = 60_000;

/** A request that passed the guard carries its caller (see `@CurrentCaller()`). */
export type AuthenticatedRequest = Request & { caller?: Caller };

/**
 * When API_KEYS (or UI_API_KEY) is set, every request needs one of them, except health (probes), and /metrics unless
 * METRICS_PUBLIC=false. Runs after the rate limiter, so wrong keys spend the client's budget too. A valid key
 * is always admitted: other callers' failures from the same address (a NAT, the UI server) never lock it out.
 * A wrong or missing key is counted atomically per address (IPv6 per /64), and past AUTH_FAILURES_PER_MINUTE
 * in a minute the answer is 429 instead of 401, so guessing a key gets a few tries a minute. When Redis
 * cannot count, the guess is refused (503): the counter fails closed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly keyRing: KeyRing;
  private readonly open: RegExp[];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly failures: WindowCounter,
  ) {
    this.keyRing = new KeyRing(config);
    // The original API's /health was open too (COMPAT_API): probes and its client's status line call it bare.
    this.open = [
      /^\/api\/v1\/(health|problems)(\/|$)/,
      ...(config.METRICS_PUBLIC ? [/^\/metrics$/] : []),
      ...(config.COMPAT_API ? [/^\/health\/?$/] : []),
    ];
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
    const caller = this.keyRing.identify(request);
    if (caller) return caller;
    const failuresKey = `auth-failures:${clientAddressGroup(request.ip)}`;
    const failed = await this.failures.hit(failuresKey, MINUTE_MS).catch(() => {
      throw new RedisDown('Key check unavailable (Redis is not counting failed keys); try again shortly');
    });
    if (failed.hits > this.config.AUTH_FAILURES_PER_MINUTE) throw tooManyFailures(failed.msLeft);
    throw new ApiError('unauthorized', 'Missing or invalid API key: send it in X-API-Key (or Authorization: Bearer)');
  }
}

function tooManyFailures(msLeft: number): ApiError {
  const seconds = Math.max(1, Math.ceil(msLeft / 1000));
  return new ApiError('auth-failures', `Too many requests with a wrong or missing API key; try again in ${seconds} s`, undefined, seconds);
}
