/**
 * The few Redis commands JobStore uses besides its Lua scripts, over Maps, for unit specs: strings, hashes, TTLs
 * (recorded, not run), MULTI (applied at exec, in order) and PUBLISH (recorded). Lua (EVAL) is not emulated:
 * what the scripts do is proven against a real Redis by the integration suite.
 */
export class MemoryRedis {
  readonly strings = new Map<string, string>();
  readonly hashes = new Map<string, Map<string, string>>();
  readonly ttls = new Map<string, number>();
  readonly published: [string, string][] = [];

  private hash(key: string): Map<string, string> {
    if (!this.hashes.has(key)) this.hashes.set(key, new Map());
    return this.hashes.get(key)!;
  }

  async get(key: string) {
    return this.strings.get(key) ?? null;
  }
  async mget(keys: string[]) {
    return keys.map((key) => this.strings.get(key) ?? null);
  }
  async hgetall(key: string) {
    return Object.fromEntries(this.hashes.get(key) ?? []);
  }
  async hvals(key: string) {
    return [...(this.hashes.get(key)?.values() ?? [])];
  }
  async hkeys(key: string) {
    return [...(this.hashes.get(key)?.keys() ?? [])];
  }
  async exists(key: string) {
    return Number(this.strings.has(key) || this.hashes.has(key));
  }
  async publish(channel: string, message: string) {
    this.published.push([channel, message]);
    return 0;
  }
  async del(...keys: string[]) {
    let removed = 0;
    for (const key of keys) removed += Number(this.strings.delete(key) || this.hashes.delete(key));
    return removed;
  }

  multi() {
    const queued: (() => void)[] = [];
    const chain = {
      set: (key: string, value: string, _ex?: string, seconds?: number) => {
        queued.push(() => {
          this.strings.set(key, value);
          if (seconds !== undefined) this.ttls.set(key, seconds);
        });
        return chain;
      },
      hset: (key: string, fieldOrObject: string | Record<string, string>, value?: string) => {
        queued.push(() => {
          const entries = typeof fieldOrObject === 'string' ? [[fieldOrObject, value!]] : Object.entries(fieldOrObject);
          for (const [field, v] of entries) this.hash(key).set(field, String(v));
        });
        return chain;
      },
      expire: (key: string, seconds: number) => {
        queued.push(() => this.ttls.set(key, seconds));
        return chain;
      },
      publish: (channel: string, message: string) => {
        queued.push(() => this.published.push([channel, message]));
        return chain;
      },
      del: (...keys: string[]) => {
        queued.push(() => keys.forEach((key) => this.strings.delete(key) || this.hashes.delete(key)));
        return chain;
      },
      exec: async () => {
        queued.forEach((command) => command());
        return [];
      },
    };
    return chain;
  }
}
