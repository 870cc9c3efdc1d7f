import { createHash, timingSafeEqual } from 'node:crypto';

/** What the API knows of whoever sent a request. */
export interface Caller {
  /** Whose jobs these are: a digest of the key (never the key), or `anonymous` when no keys are set. */
  owner: string;
  /** Whose budget the request spends (backlog, rate limits): the key's digest, else the client address. */
  client: string;
}

export const ANONYMOUS = 'anonymous';

/** Every key the API accepts: the integrators' (API_KEYS) and the UI server's own (UI_API_KEY). */
export function acceptedKeys(config: { API_KEYS: readonly string[]; UI_API_KEY?: string }): string[] {
  return [...config.API_KEYS, ...(config.UI_API_KEY ? [config.UI_API_KEY] : [])];
}

/** Without keys (or on an open path without one): anonymous, budgeted by client address. */
export const anonymousCaller = (address: string | undefined): Caller => ({ owner: ANONYMOUS, client: `ip:${address ?? 'unknown'}` });

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
  private readonly keys: Buffer[];

  constructor(keys: readonly string[]) {
    this.keys = keys.map((key) => Buffer.from(key));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The caller, or null when keys are required and the request has none that matches. */
  identify(request: KeyedRequest): Caller | null {
    if (!this.enabled) return anonymousCaller(request.ip);
    const given = presentedKey(request);
    if (given === undefined) return null;
    const bytes = Buffer.from(given);
    if (!this.keys.some((key) => key.length === bytes.length && timingSafeEqual(key, bytes))) return null;
    const owner = ownerOfKey(given);
    return { owner, client: owner };
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
