import { ServiceUnavailableException } from '@nestjs/common';

import { redactFailure, redactReport } from './readiness-report';

const report = {
  status: 'error',
  info: { redis: { status: 'up' }, queue: { status: 'up', waiting: 3, degraded: true, message: 'Backlog of 3 jobs' } },
  error: { modelServer: { status: 'down', url: 'http://10.0.0.7:8080', message: 'connect ECONNREFUSED 10.0.0.7:8080' } },
  details: {
    redis: { status: 'up' },
    queue: { status: 'up', waiting: 3, degraded: true, message: 'Backlog of 3 jobs' },
    modelServer: { status: 'down', url: 'http://10.0.0.7:8080', message: 'connect ECONNREFUSED 10.0.0.7:8080' },
  },
};

describe('readiness as a caller without a key sees it', () => {
  it('keeps each component and its status (and degraded), drops addresses, counts and messages', () => {
    expect(redactReport(report)).toEqual({
      status: 'error',
      info: { redis: { status: 'up' }, queue: { status: 'up', degraded: true } },
      error: { modelServer: { status: 'down' } },
      details: { redis: { status: 'up' }, queue: { status: 'up', degraded: true }, modelServer: { status: 'down' } },
    });
  });

  it("redacts terminus's 503 the same way and leaves other errors alone", () => {
    const redacted = redactFailure(new ServiceUnavailableException(report)) as ServiceUnavailableException;
    expect(JSON.stringify(redacted.getResponse())).not.toMatch(/10\.0\.0\.7|ECONNREFUSED/);
    const other = new Error('boom');
    expect(redactFailure(other)).toBe(other);
  });
});
