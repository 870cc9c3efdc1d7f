import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

import { clientAddressGroup } from './client-address';

/** The rate limiter, counting per client address as the failed-key counter does (IPv6 per /64). */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: { ip?: string }): Promise<string> {
    return clientAddressGroup(request.ip);
  }
}
