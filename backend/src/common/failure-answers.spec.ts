import { UnrecoverableError } from 'bullmq';
import type { Request, Response } from 'express';

import { FAILURE_KINDS, Failure, LaneFull, RedisDown } from '../failures/failure';
import { FAILURE_ANSWERS } from '../failures/failure-answers';
import { fromQueueReason, toQueueError } from '../failures/queue-failure';
import { sendError } from './http-exception.filter';
import { PROBLEM_CATALOGUE } from './problem-types';

const modelDown = (message: string) => new Failure('model-unavailable', message, true);

/** What sendError wrote: status, headers and body, through a minimal Express response. */
function answer(error: unknown): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const written = { status: 0, headers: {} as Record<string, string>, body: {} as Record<string, unknown> };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => void (written.headers[name.toLowerCase()] = value),
    getHeader: (name: string) => written.headers[name.toLowerCase()],
    status: (status: number) => ((written.status = status), response),
    type: () => response,
    send: (body: string) => void (written.body = JSON.parse(body)),
  };
  sendError({ originalUrl: '/api/v1/predictions', path: '/api/v1/predictions' } as Request, response as unknown as Response, error);
  return written;
}

describe('typed failures', () => {
  it('cross the queue as the same kind, retryable or not, and only BullMQ retries the retryable ones', () => {
    const down = toQueueError(modelDown('model server answered 503'));
    expect(down).not.toBeInstanceOf(UnrecoverableError);
    expect(fromQueueReason(down.message)).toEqual(expect.objectContaining({ kind: 'model-unavailable', retryable: true, message: 'model server answered 503' }));
    const refused = toQueueError(new Failure('model-rejected', 'model server answered 400', false));
    expect(refused).toBeInstanceOf(UnrecoverableError);
    expect(fromQueueReason(refused.message)).toBeInstanceOf(Failure);
    expect(fromQueueReason(refused.message)?.kind).toBe('model-rejected');
  });

  it('are not read into text that is not theirs', () => {
    expect(fromQueueReason('job stalled more than allowable limit')).toBeNull();
    expect(fromQueueReason('failure:{"kind":"made-up","message":"x"}')).toBeNull();
    expect(fromQueueReason('failure:not json')).toBeNull();
  });

  it('each become one catalogued problem, a 5xx, with a Retry-After exactly when trying again can help', () => {
    for (const kind of FAILURE_KINDS) {
      const { type, retryAfterSeconds } = FAILURE_ANSWERS[kind];
      expect(PROBLEM_CATALOGUE[type].status).toBeGreaterThanOrEqual(500);
      if (kind === 'model-rejected' || kind === 'prediction-timeout') expect(retryAfterSeconds).toBeUndefined();
      else expect(retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it('are answered by the filter from the table: status, problem type, detail and Retry-After', () => {
    const redis = answer(new RedisDown('Queue unavailable (Redis is not answering)'));
    expect(redis).toEqual({
      status: 503,
      headers: { 'retry-after': '5' },
      body: expect.objectContaining({ type: expect.stringMatching(/unavailable$/), status: 503, detail: 'Queue unavailable (Redis is not answering)' }),
    });
    const model = answer(modelDown('model server unreachable (ECONNREFUSED)'));
    expect(model.headers['retry-after']).toBe('10');
    expect(model.body.detail).toBe('Model server unavailable (model server unreachable (ECONNREFUSED))');
    expect(answer(new LaneFull('batch', 'Too much work queued')).headers['retry-after']).toBe('30');
    expect(answer(new LaneFull('interactive', 'Too many single predictions waiting')).headers['retry-after']).toBe('5');
    const rejected = answer(new Failure('model-rejected', 'a review was refused: too long', false));
    expect(rejected.status).toBe(PROBLEM_CATALOGUE['model-rejected'].status);
    expect(rejected.headers['retry-after']).toBeUndefined();
  });
});
