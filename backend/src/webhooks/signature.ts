import { createHmac } from 'node:crypto';

/**
 * Signatures as the Standard Webhooks specification defines them (so its libraries verify ours): HMAC-SHA256
 * over `{webhook-id}.{webhook-timestamp}.{body}`, base64, sent as `webhook-signature: v1,<signature>`, with a
 * secret written `whsec_<base64 key>`. The receiver refuses timestamps too far from its clock (replays).
 */
export const SIGNATURE_HEADERS = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

const PREFIX = 'whsec_';

/** Each API key's own signing secret, derived from the operator's WEBHOOK_SECRET: no key can forge another's callbacks. */
export function signingSecretFor(masterSecret: string, owner: string): string {
  return PREFIX + createHmac('sha256', masterSecret).update(`webhook-signing:${owner}`).digest('base64');
}

export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
}
