import type { RedisOptions } from 'ioredis';

/**
 * ioredis options from a redis:// URL. `maxRetriesPerRequest: null` and a capped retry strategy are
 * what BullMQ workers need to keep consuming after Redis restarts (the known reconnect pitfall).
 */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
  };
}

/** For request-path commands: fail at once while Redis is down instead of queueing in memory. */
export function failFastRedisOptions(url: string): RedisOptions {
  return { ...redisOptions(url), enableOfflineQueue: false };
}
