import type { IncomingHttpHeaders } from 'node:http';

import { ApiError } from '../common/api-errors';

/** Media types a write may carry: JSON everywhere, multipart only where a route takes an upload. */
export type BodyKind = 'json' | 'multipart';

/** Whether the request carries a body at all (a length, or chunked transfer). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  return Number(headers['content-length'] ?? 0) > 0;
}

/**
 * Refuse, before a byte of it is read, a body the route will not parse: any content coding (a 9 KB gzip body
 * inflates to megabytes; nothing here needs compression), and any media type but JSON (or multipart where
 * the route takes a file). Forms (`application/x-www-form-urlencoded`, `text/plain`) are what a cross-site
 * page can send without asking: refusing them closes that door.
 */
export function refuseUnwantedBody(headers: IncomingHttpHeaders, accepted: readonly BodyKind[]): void {
  if (!hasBody(headers)) return;
  const coding = String(headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') {
    throw new ApiError('unsupported-media-type', `Content-Encoding "${coding}" is not accepted: send the body uncompressed`);
  }
  const type = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (accepted.includes('json') && (type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type))) return;
  if (accepted.includes('multipart') && type === 'multipart/form-data') return;
  const expected = accepted.map((kind) => (kind === 'json' ? 'application/json' : 'multipart/form-data')).join(' or ');
  throw new ApiError('unsupported-media-type', `Content-Type "${type || '(none)'}" is not accepted here: send ${expected}`);
}
