import type { JobStatus } from '@allocine/contracts';
import type { Request, Response } from 'express';

import { ApiError } from '../common/api-errors';
import type { JobFollower } from './job-changes';

/**
 * The stream reads the job when JobStore announces a change (any replica may be doing the work), at most every
 * MIN_READ_MS while it changes fast, and by itself every FALLBACK_MS should an announcement be missed (Redis
 * pub/sub is at most once); a comment line keeps the connection open.
 */
const MIN_READ_MS = 500;
const FALLBACK_MS = 5_000;
const HEARTBEAT_MS = 15_000;
const TERMINAL = new Set<JobStatus['state']>(['completed', 'failed', 'cancelled']);

/**
 * `GET /jobs/:id/events`: Server-Sent Events. A `progress` event with the job's status now and at each change,
 * then one `end` event with the final status, and the stream closes. A client that reconnects (EventSource
 * does, after `retry` ms) starts again from the current status, so nothing is lost between two connections.
 */
export async function streamJobEvents(request: Request, response: Response, read: () => Promise<JobStatus>, changes: JobFollower): Promise<void> {
  let status = await read(); // a 404 (unknown job, or another key's) is answered before the stream starts
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('X-Accel-Buffering', 'no'); // nginx in compose must not hold events back
  response.flushHeaders();
  response.write('retry: 2000\n\n');
  let closed = false;
  request.on('close', () => {
    closed = true;
    changes.close();
  });
  const send = (event: string, data: JobStatus) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('progress', status);
  let lastSent = JSON.stringify(status);
  let lastWrite = Date.now();
  let lastRead = Date.now();
  let gone = false;
  while (!closed && !gone && !TERMINAL.has(status.state)) {
    await changes.next(FALLBACK_MS);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastRead + MIN_READ_MS - Date.now())));
    if (closed) break;
    lastRead = Date.now();
    try {
      status = await read();
    } catch (error) {
      // Deleted meanwhile: say so and close. Anything else (Redis away a moment): keep the stream, look again.
      gone = error instanceof ApiError && error.type === 'not-found';
      continue;
    }
    const current = JSON.stringify(status);
    if (current !== lastSent) {
      send('progress', status);
      lastSent = current;
      lastWrite = Date.now();
    } else if (Date.now() - lastWrite > HEARTBEAT_MS) {
      response.write(': still running\n\n');
      lastWrite = Date.now();
    }
  }
  changes.close();
  if (gone) response.write('event: gone\ndata: {}\n\n');
  else if (!closed) send('end', status);
  response.end();
}
