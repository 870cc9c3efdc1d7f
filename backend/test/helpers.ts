import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

import { INestApplication } from '@nestjs/common';
import type { JobStatus } from '@allocine/contracts';
import request from 'supertest';

import { createApp } from '../src/bootstrap';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { loadEnvironment } from './environment';

export interface RunningApp {
  app: INestApplication;
  config: AppConfig;
  http: ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** The real application against the real Redis and TorchServe, on a queue prefix of its own. */
export async function startApp(overrides: Record<string, string> = {}): Promise<RunningApp> {
  const environment = loadEnvironment();
  const config = loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: environment.redisUrl,
    MODEL_SERVER_URL: environment.modelServerUrl,
    QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    RETRY_BACKOFF_MS: '100',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...overrides,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  return {
    app,
    config,
    http: request(app.getHttpServer()),
    close: () => app.close(),
  };
}

/** Poll a job until it leaves queued/running. */
export async function waitForJob(target: RunningApp, id: string, timeoutMs = 90_000): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await target.http.get(`/api/v1/jobs/${id}`).expect(200);
    const status = body as JobStatus;
    if (!['queued', 'running'].includes(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${status.state} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A pass-through proxy in front of the real TorchServe that answers 503 to the first `failures`
 * prediction calls: the failure is injected, the model that finally answers is real.
 */
export async function flakyProxy(target: string, failures: number) {
  const upstream = new URL(target);
  let failed = 0;
  let forwarded = 0;
  const server = http.createServer((incoming, outgoing) => {
    if (incoming.url?.startsWith('/predictions') && failed < failures) {
      failed++;
      incoming.resume();
      outgoing.writeHead(503, { 'Content-Type': 'application/json' }).end('{"code":503,"message":"injected"}');
      return;
    }
    forwarded++;
    const proxied = http.request(
      { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    proxied.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ failed, forwarded }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
