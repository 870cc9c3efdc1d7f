import { ConfigError, loadConfig, toBytes } from './app-config';

describe('loadConfig', () => {
  it('applies documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.MAX_TEXT_CHARS).toBe(5000);
    expect(config.MAX_REVIEWS_PER_JOB).toBe(10_000);
    expect(config.RESULTS_TTL_SECONDS).toBe(86_400);
    expect(config.API_KEYS).toEqual([]);
  });

  it('parses lists and numbers', () => {
    const config = loadConfig({ API_KEYS: 'a, b,,c', CORS_ORIGINS: 'http://localhost:8501', WORKER_CONCURRENCY: '8' });
    expect(config.API_KEYS).toEqual(['a', 'b', 'c']);
    expect(config.CORS_ORIGINS).toEqual(['http://localhost:8501']);
    expect(config.WORKER_CONCURRENCY).toBe(8);
  });

  it('refuses bad values and names every variable at fault', () => {
    expect(() => loadConfig({ PORT: 'abc', REDIS_URL: 'http://x', APP_ROLE: 'both' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', REDIS_URL: 'http://x', APP_ROLE: 'both' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT:/);
      expect(message).toMatch(/REDIS_URL:/);
      expect(message).toMatch(/APP_ROLE:/);
    }
  });

  it('refuses a production API without keys unless anonymous access is asked for; a worker needs none', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS: required in production/);
    expect(loadConfig({ NODE_ENV: 'production', ALLOW_ANONYMOUS: 'true' }).ALLOW_ANONYMOUS).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', API_KEYS: 'k' }).API_KEYS).toEqual(['k']);
    expect(loadConfig({ NODE_ENV: 'production', APP_ROLE: 'worker' }).APP_ROLE).toBe('worker');
    expect(() => loadConfig({ ALLOW_ANONYMOUS: 'maybe' })).toThrow(/ALLOW_ANONYMOUS/);
  });

  it('reads TRUST_PROXY as Express does: booleans, hop counts, or names and addresses', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe('loopback');
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
  });

  it("refuses a UI key that is one of the integrators' keys; a UI key of its own turns keys on", () => {
    expect(() => loadConfig({ API_KEYS: 'site-a,site-b', UI_API_KEY: 'site-b' })).toThrow(/UI_API_KEY: must be a key of its own, not one of API_KEYS/);
    expect(loadConfig({ API_KEYS: 'site-a', UI_API_KEY: 'ui-own' }).UI_API_KEY).toBe('ui-own');
    expect(() => loadConfig({ API_KEYS: 'site-a', STREAM_HISTORY_KEY: 'other' })).toThrow(/STREAM_HISTORY_KEY: must be one of API_KEYS or UI_API_KEY/);
    expect(loadConfig({ API_KEYS: 'site-a', STREAM_HISTORY_KEY: 'site-a' }).STREAM_HISTORY_KEY).toBe('site-a');
    expect(() => loadConfig({ APP_ROLE: 'stream', KAFKA_BROKERS: 'k:9092', STREAM_HISTORY_KEY: 'site-a' })).not.toThrow();
    expect(() => loadConfig({ STREAM_DELIVERY: 'at-most-once' })).toThrow(/STREAM_DELIVERY/);
    expect(() => loadConfig({ NODE_ENV: 'production', UI_API_KEY: 'ui-own' })).not.toThrow();
  });

  it('rejects a size it cannot read', () => {
    expect(() => loadConfig({ JOB_BODY_LIMIT: 'ten megs' })).toThrow(/JOB_BODY_LIMIT/);
  });
});

describe('toBytes', () => {
  it('reads express-style sizes', () => {
    expect(toBytes('10mb')).toBe(10 * 1024 * 1024);
    expect(toBytes('512kb')).toBe(512 * 1024);
    expect(toBytes('42')).toBe(42);
  });
});
