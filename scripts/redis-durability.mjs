// What npm start asks of a Redis before it trusts it with accepted jobs: BullMQ loses jobs under any eviction
// policy but noeviction, and without persistence a restart of Redis loses every queued review.
import { Redis } from 'ioredis';

/**
 * The Redis's eviction policy and persistence ({policy, persistent}), or null for either it will not tell
 * (CONFIG disabled, as on some managed services).
 */
export async function redisDurability(url) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000, enableOfflineQueue: false });
  try {
    await redis.connect();
    const config = async (name) => {
      try {
        const [, value] = await redis.config('GET', name);
        return value ?? null;
      } catch {
        return null;
      }
    };
    const [policy, appendonly, save] = [await config('maxmemory-policy'), await config('appendonly'), await config('save')];
    const persistent = appendonly === null && save === null ? null : appendonly === 'yes' || Boolean(save && save.trim());
    return { policy, persistent };
  } finally {
    redis.disconnect();
  }
}

/** Why this Redis must not hold the queue (an eviction policy that drops jobs), or null. */
export function evictionProblem({ policy }) {
  if (policy === null || policy === 'noeviction') return null;
  return `its maxmemory-policy is ${policy}: under memory pressure Redis would evict queued jobs. Fix: redis-cli CONFIG SET maxmemory-policy noeviction (and in redis.conf)`;
}
