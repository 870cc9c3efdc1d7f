import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PREDICTION_QUEUE } from '../queue/queue.constants';
import { RedisService } from '../redis/redis.service';

const LOOK_EVERY_MS = 200;

/**
 * Whether single predictions are being asked for now, by any API process: BullMQ's id counter of the
 * predictions queue grows by one per call, and the connector reads it every 200 ms (one GET). While it grows,
 * and STREAM_YIELD_MS after, the stream yields (one small micro-batch in flight): interactive calls come first.
 */
@Injectable()
export class InteractiveDemand implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private last?: string | null;
  private activeUntil = 0;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** True while single predictions came in the last STREAM_YIELD_MS. */
  get active(): boolean {
    return Date.now() < this.activeUntil;
  }

  onModuleInit(): void {
    if (this.config.STREAM_YIELD_MS === 0) return;
    const key = this.redis.keys.queueIdCounter(PREDICTION_QUEUE);
    this.timer = setInterval(() => {
      this.redis.client.get(key).then(
        (count) => {
          if (this.last !== undefined && count !== this.last) this.activeUntil = Date.now() + this.config.STREAM_YIELD_MS;
          this.last = count;
        },
        () => undefined, // Redis away: no signal, the stream goes on at its pace
      );
    }, LOOK_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
