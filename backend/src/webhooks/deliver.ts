import http from 'node:http';
import https from 'node:https';

import { CallbackPolicy, guardedLookup } from '../callback-url/callback-target';

/**
 * One POST of a signed body; resolves with the receiver's status (any status: the caller decides). Redirects
 * are not followed (a 3xx is a failed attempt): a redirect could lead past the address checks. The response
 * body is drained and ignored.
 */
export function postCallback(url: string, body: string, headers: Record<string, string>, timeoutMs: number, policy: CallbackPolicy): Promise<number> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'allocine-sentiment-webhooks', ...headers },
        lookup: guardedLookup(policy),
        // A fresh connection each time: a pooled socket would skip the address check made when connecting.
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
