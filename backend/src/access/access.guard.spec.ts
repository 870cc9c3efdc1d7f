import { HttpStatus } from '@nestjs/common';

import { ApiError } from '../common/api-errors';
import { RedisDown } from '../failures/failure';
import { loadConfig } from '../config/app-config';
import { AccessGuard } from './access.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import type { WindowCounter } from './window-counter';

/** A strict double of the Redis counter: counts in memory, or refuses every write as Redis at maxmemory does. */
function counter(refuses = false) {
  const counts = new Map<string, number>();
  const keys: string[] = [];
  const double = {
    keys,
    hit: async (key: string) => {
      if (refuses) throw new Error("OOM command not allowed when used memory > 'maxmemory'");
      keys.push(key);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return { hits: counts.get(key) ?? 0, msLeft: 42_000 };
    },
  };
  return double as typeof double & WindowCounter;
}

const request = (path: string, ip: string, key?: string) =>
  ({ path, ip, header: (name: string) => (name === 'x-api-key' ? key : undefined) }) as never;

const status = async (promise: Promise<unknown>) => promise.then(() => 200, (error: ApiError) => error.getStatus());

describe('AccessGuard', () => {
  const config = loadConfig({ API_KEYS: 'right', AUTH_FAILURES_PER_MINUTE: '2' });

  it('never refuses a valid key, whatever others sent from its address', async () => {
    const guard = new AccessGuard(config, counter());
    for (let i = 0; i < 5; i++) await status(guard.admit(request('/api/v1/model', '203.0.113.1', 'wrong')));
    expect(await status(guard.admit(request('/api/v1/model', '203.0.113.1', 'wrong')))).toBe(HttpStatus.TOO_MANY_REQUESTS);
    await expect(guard.admit(request('/api/v1/model', '203.0.113.1', 'right'))).resolves.toMatchObject({ owner: expect.stringMatching(/^key:/) });
  });

  it('answers 401 up to the limit, then 429 with the time left', async () => {
    const guard = new AccessGuard(config, counter());
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await status(guard.admit(request('/api/v1/model', '203.0.113.2'))));
    expect(statuses).toEqual([401, 401, 429, 429]);
    const refused = (await guard.admit(request('/api/v1/model', '203.0.113.2')).catch((error: unknown) => error)) as ApiError;
    expect(refused.retryAfterSeconds).toBe(42);
  });

  it('counts IPv6 callers per /64', async () => {
    const failures = counter();
    const guard = new AccessGuard(config, failures);
    await status(guard.admit(request('/api/v1/model', '2001:db8:1:2::5')));
    await status(guard.admit(request('/api/v1/model', '2001:db8:1:2::6')));
    expect(new Set(failures.keys)).toEqual(new Set(['auth-failures:2001:0db8:0001:0002::/64']));
  });

  it('fails closed: a wrong key is refused with 503 when Redis cannot count it; a valid key needs no count', async () => {
    const guard = new AccessGuard(config, counter(true));
    const refused = await guard.admit(request('/api/v1/model', '203.0.113.3', 'wrong')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RedisDown);
    await expect(guard.admit(request('/api/v1/model', '203.0.113.3', 'right'))).resolves.toBeTruthy();
  });

  it('lets health and the problem catalogue through without a key', async () => {
    const guard = new AccessGuard(config, counter(true));
    await expect(guard.admit(request('/api/v1/health/ready', '203.0.113.4'))).resolves.toBeNull();
    await expect(guard.admit(request('/api/v1/problems/unauthorized', '203.0.113.4'))).resolves.toBeNull();
  });
});

describe('RedisThrottlerStorage', () => {
  it('blocks past the limit and fails closed (503) when Redis refuses the count', async () => {
    const storage = new RedisThrottlerStorage(counter());
    expect((await storage.increment('default:203.0.113.5', 60_000, 1)).isBlocked).toBe(false);
    expect((await storage.increment('default:203.0.113.5', 60_000, 1)).isBlocked).toBe(true);
    const refusing = new RedisThrottlerStorage(counter(true));
    const error = await refusing.increment('default:203.0.113.5', 60_000, 1).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisDown);
  });
});
