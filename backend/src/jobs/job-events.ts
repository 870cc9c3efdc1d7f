import type { JobStatus } from '@allocine/contracts';
import type { Request, Response } from 'express';

import { ApiError } from '../common/api-errors';

/** How often the stream looks at the job (any replica may be doing the work), and keeps the line open. */
const CHECK_MS = 500;
const HEARTBEAT_MS = 15_000;
const TERMINAL = new Set<JobStatus['state']>(['completed', 'failed', 'cancelled']);

/**
 * `GET /jobs/:id/events`: Server-Sent Events. A `progress` event with the job's status now and at each change,
 * then one `end` event with the final status, and the stream closes. A client that reconnects (EventSource
 * does, after `retry` ms) starts again from the current status, so nothing is lost between two connections.
 */
export async function streamJobEvents(request: Request, response: Response, read: () => Promise<JobStatus>): Promise<void> {
  let status = await read(); // a 404 (unknown job, or another key's) is answered before the stream starts
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('X-Accel-Buffering', 'no'); // nginx in compose must not hold events back
  response.flushHeaders();
  response.write('retry: 2000\n\n');
  let closed = false;
  request.on('close', () => (closed = true));
  const send = (event: string, data: JobStatus) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('progress', status);
  let lastSent = JSON.stringify(status);
  let lastWrite = Date.now();
  let gone = false;
  while (!closed && !gone && !TERMINAL.has(status.state)) {
    await new Promise((resolve) => setTimeout(resolve, CHECK_MS));
    if (closed) break;
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
  if (gone) response.write('event: gone\ndata: {}\n\n');
  else if (!closed) send('end', status);
  response.end();
}
