import { createHash, timingSafeEqual } from 'node:crypto';

/** client: its own predictions and jobs; admin: also model operations and every key's corrections. */
export type Role = 'client' | 'admin';

/** What the API knows of whoever sent a request. */
export interface Caller {
  /** Whose jobs these are: a digest of the key (never the key), or `anonymous` when no keys are set. */
  owner: string;
  /** Whose budget the request spends (backlog, rate limits): the key's digest, else the client address. */
  client: string;
  role: Role;
}

export const ANONYMOUS = 'anonymous';

type KeySettings = { API_KEYS: readonly string[]; ADMIN_KEYS: readonly string[]; UI_API_KEY?: string; UI_ROLE?: Role };

/** Every key the API accepts: the integrators' (API_KEYS), the admins' (ADMIN_KEYS) and the UI server's own. */
export function acceptedKeys(config: KeySettings): string[] {
  return [...config.API_KEYS, ...config.ADMIN_KEYS, ...(config.UI_API_KEY ? [config.UI_API_KEY] : [])];
}

/**
 * Without keys: anonymous, budgeted by client address, and admin (a local `npm start` has one user, its
 * operator). On an open path without a key while keys are on: a client, whose role no open path reads.
 */
export const anonymousCaller = (address: string | undefined, role: Role = 'client'): Caller => ({
  owner: ANONYMOUS,
  client: `ip:${address ?? 'unknown'}`,
  role,
});

/** The request fields the key check reads (an Express request has them). */
export interface KeyedRequest {
  header(name: string): string | undefined;
  ip?: string;
}

/**
 * The configured API keys. A key arrives in `X-API-Key` or as `Authorization: Bearer <key>` (what Prometheus
 * and most HTTP clients can send); it is compared in constant time and only its digest is kept beyond this.
 */
export class KeyRing {
  private readonly keys: { bytes: Buffer; role: Role }[];

  constructor(config: KeySettings) {
    const admins = new Set([...config.ADMIN_KEYS, ...(config.UI_API_KEY && config.UI_ROLE === 'admin' ? [config.UI_API_KEY] : [])]);
    this.keys = acceptedKeys(config).map((key) => ({ bytes: Buffer.from(key), role: admins.has(key) ? 'admin' : 'client' }));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The caller, or null when keys are required and the request has none that matches. */
  identify(request: KeyedRequest): Caller | null {
    if (!this.enabled) return anonymousCaller(request.ip, 'admin');
    const given = presentedKey(request);
    if (given === undefined) return null;
    const bytes = Buffer.from(given);
    const match = this.keys.find((key) => key.bytes.length === bytes.length && timingSafeEqual(key.bytes, bytes));
    if (!match) return null;
    const owner = ownerOfKey(given);
    return { owner, client: owner, role: match.role };
  }
}

/** Whose jobs and history a key's requests see: a digest of the key, never the key. */
export const ownerOfKey = (key: string): string => `key:${digest(key)}`;

function presentedKey(request: KeyedRequest): string | undefined {
  const header = request.header('x-api-key');
  if (header) return header;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '');
  return bearer?.[1];
}

/** 16 hex characters of SHA-256: enough to tell keys apart, useless to recover one. */
function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
