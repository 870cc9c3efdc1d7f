import { ApiError } from '../common/api-errors';
import { loadConfig } from '../config/app-config';
import { RedisDown } from '../failures/failure';
import { RedisKeys } from '../redis/redis-keys';
import type { RedisService } from '../redis/redis.service';
import { strictDouble } from '../../test/unit/strict-double';
import { IdempotencyKeys } from './idempotency';

/** Just the three commands IdempotencyKeys uses, over a Map: SET NX EX, GET, DEL. */
function redis(down = false) {
  const values = new Map<string, string>();
  const fail = () => Promise.reject(new Error('ECONNREFUSED'));
  const client = {
    set: async (key: string, value: string, _ex: string, _ttl: number, nx: string) => {
      if (down) return fail();
      if (nx === 'NX' && values.has(key)) return null;
      values.set(key, value);
      return 'OK';
    },
    get: async (key: string) => (down ? fail() : (values.get(key) ?? null)),
    del: async (key: string) => (down ? fail() : Number(values.delete(key))),
  };
  return { values, service: strictDouble<RedisService>('redis', { client: client as never, keys: new RedisKeys('test') }) };
}

const config = loadConfig({});

describe('IdempotencyKeys', () => {
  it('creates once per key: the same request again replays the first job, and its key is hashed in Redis', async () => {
    const { service, values } = redis();
    const keys = new IdempotencyKeys(service, config);
    const create = jest.fn(async (id: string) => `created ${id}`);
    const replay = jest.fn(async (id: string) => `replayed ${id}`);
    expect(await keys.once('alice', 'key:1', 'fp', 'job-1', create, replay)).toEqual({ value: 'created job-1', replayed: false });
    expect(await keys.once('alice', 'key:1', 'fp', 'job-2', create, replay)).toEqual({ value: 'replayed job-1', replayed: true });
    expect(create).toHaveBeenCalledTimes(1);
    expect([...values.keys()]).toEqual([expect.stringMatching(/^test:idempotency:alice:[0-9a-f]{32}$/)]);
  });

  it('answers 422 when the key comes back with another request, and keeps keys apart per owner', async () => {
    const { service } = redis();
    const keys = new IdempotencyKeys(service, config);
    const create = async (id: string) => id;
    await keys.once('alice', 'k', 'fp-1', 'job-1', create, create);
    const mismatch = await keys.once('alice', 'k', 'fp-2', 'job-2', create, create).catch((error: unknown) => error);
    expect(mismatch).toBeInstanceOf(ApiError);
    expect((mismatch as ApiError).type).toBe('idempotency-mismatch');
    expect(await keys.once('bob', 'k', 'fp-2', 'job-3', create, create)).toEqual({ value: 'job-3', replayed: false });
  });

  it('frees the key when the creation is refused, so that a retry can succeed', async () => {
    const { service } = redis();
    const keys = new IdempotencyKeys(service, config);
    const refused = async () => Promise.reject(new Error('refused'));
    await expect(keys.once('alice', 'k', 'fp', 'job-1', refused, refused)).rejects.toThrow('refused');
    expect(await keys.once('alice', 'k', 'fp', 'job-2', async (id) => id, refused)).toEqual({ value: 'job-2', replayed: false });
  });

  it('says Redis is down when it cannot claim the key, and creates nothing', async () => {
    const keys = new IdempotencyKeys(redis(true).service, config);
    const create = jest.fn(async (id: string) => id);
    await expect(keys.once('alice', 'k', 'fp', 'job-1', create, create)).rejects.toBeInstanceOf(RedisDown);
    expect(create).not.toHaveBeenCalled();
  });
});
