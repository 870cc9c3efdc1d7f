import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { RedisService } from '../redis/redis.service';

/** One job's changes, as an event stream follows them. */
export interface JobFollower {
  /** Resolves at the next change (at once if one came since the last call), or after `timeoutMs` at the latest. */
  next(timeoutMs: number): Promise<void>;
  close(): void;
}

/**
 * Hears the changes JobStore announces (Redis pub/sub), for the event streams of this API process: a stream
 * reads its job when it changed, not twice a second whether or not anything happened. One subscriber
 * connection per process, subscribed to each followed job while someone follows it.
 */
@Injectable()
export class JobChanges implements OnApplicationShutdown {
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(private readonly redis: RedisService) {}

  follow(id: string): JobFollower {
    const channel = this.redis.keys.jobChanges(id);
    let changed = false;
    let wake: (() => void) | null = null;
    const onChange = () => {
      changed = true;
      wake?.();
    };
    this.listen(channel, onChange);
    return {
      next: (timeoutMs) =>
        new Promise<void>((resolve) => {
          if (changed) {
            changed = false;
            return resolve();
          }
          const timer = setTimeout(() => done(), timeoutMs);
          const done = () => {
            clearTimeout(timer);
            wake = null;
            changed = false;
            resolve();
          };
          wake = done;
        }),
      close: () => {
        wake?.();
        this.unlisten(channel, onChange);
      },
    };
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  private listen(channel: string, listener: () => void): void {
    const listeners = this.listeners.get(channel) ?? new Set();
    if (listeners.size === 0) {
      this.listeners.set(channel, listeners);
      // Redis away: the stream still looks by itself every few seconds.
      this.connection().subscribe(channel).catch(() => undefined);
    }
    listeners.add(listener);
  }

  private unlisten(channel: string, listener: () => void): void {
    const listeners = this.listeners.get(channel);
    if (!listeners) return;
    listeners.delete(listener);
    if (listeners.size > 0) return;
    this.listeners.delete(channel);
    this.connection().unsubscribe(channel).catch(() => undefined);
  }

  private connection(): Redis {
    if (!this.subscriber) {
      // Queued while it connects (the shared client fails fast instead): SUBSCRIBE must not be dropped at start,
      // and ioredis subscribes again by itself after a reconnection.
      this.subscriber = this.redis.client.duplicate({ enableOfflineQueue: true });
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (channel: string) => this.listeners.get(channel)?.forEach((listener) => listener()));
    }
    return this.subscriber;
  }
}
