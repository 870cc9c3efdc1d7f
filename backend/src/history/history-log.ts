import { Inject, Injectable } from '@nestjs/common';
import type { ChainableCommander } from 'ioredis';

import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RedisService } from '../redis/redis.service';
import { historyBackend } from './history-database';
import type { HistoryEvent } from './history-events';

/** The stream entry's one field: the event as JSON (the drainer reads it; JobStore's Lua writes it too). */
export const HISTORY_EVENT_FIELD = 'e';

/**
 * The write side of the history: events appended to a Redis stream (`<prefix>:history`), drained into the
 * database by HistoryDrainer. Appending costs one Redis command, inside the caller's own transaction where
 * it has one (a job chunk's rows and its history are saved together). Nothing is appended with history off.
 */
@Injectable()
export class HistoryLog {
  readonly key: string;
  /** Where the drainer sets aside the events the database refuses. */
  readonly deadKey: string;
  readonly enabled: boolean;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = redis.keys.history;
    this.deadKey = redis.keys.historyDead;
    this.enabled = historyBackend(config) !== 'off';
  }

  /** Add the events to a MULTI/pipeline the caller executes. */
  appendTo(transaction: ChainableCommander, events: HistoryEvent[]): ChainableCommander {
    if (!this.enabled) return transaction;
    for (const event of events) transaction.xadd(this.key, '*', HISTORY_EVENT_FIELD, JSON.stringify(event));
    return transaction;
  }

  async append(events: HistoryEvent[]): Promise<void> {
    if (!this.enabled || events.length === 0) return;
    await this.appendTo(this.redis.client.multi(), events).exec();
  }
}
