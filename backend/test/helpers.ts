import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';

import { INestApplication } from '@nestjs/common';
import type { JobStatus } from '@allocine/contracts';
import request from 'supertest';

import { createApp } from '../src/bootstrap';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { REPO_ROOT, loadEnvironment } from './environment';

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
export async function waitForJob(target: RunningApp, id: string, timeoutMs = 90_000, headers: Record<string, string> = {}): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await target.http.get(`/api/v1/jobs/${id}`).set(headers).expect(200);
    const status = body as JobStatus;
    if (!['queued', 'running'].includes(status.state)) return status;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${status.state} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll until `check` holds (a throwing check counts as not yet). */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(250);
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Apps a test starts with `start`, closed after each test (also when it fails). */
export function appsClosedAfterEach() {
  let running: RunningApp[] = [];
  afterEach(async () => {
    await Promise.all(running.map((target) => target.close()));
    running = [];
  });
  return {
    start: async (overrides: Record<string, string>): Promise<RunningApp> => {
      const target = await startApp(overrides);
      running.push(target);
      return target;
    },
    /** Close one now (a restart within the test). */
    close: async (target: RunningApp): Promise<void> => {
      running = running.filter((other) => other !== target);
      await target.close();
    },
  };
}

/** What a test proxy in front of the real TorchServe changes: injected 503s, a different serving profile, delays. */
export interface ProxyScript {
  /** The first `failures` prediction calls get 503 (describe requests always pass and are not counted). */
  failures?: number;
  /** Merged into the serving profile the model server describes. */
  profile?: Record<string, unknown>;
  /** Milliseconds to hold a prediction call before forwarding it, by URL path. */
  delayMs?: (path: string) => number;
}

/**
 * A pass-through proxy in front of the real TorchServe: the failures, profile or delays are injected,
 * the model that answers is real. Records the path, deadline, request id and traceparent of every prediction call.
 */
export async function modelServerProxy(target: string, script: ProxyScript = {}) {
  const upstream = new URL(target);
  let failed = 0;
  let forwarded = 0;
  const calls: { path: string; deadline?: string; requestId?: string; traceparent?: string }[] = [];
  const server = http.createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = incoming.url ?? '';
    const describe = body.toString('utf-8') === JSON.stringify({ describe: true });
    if (!describe) {
      const header = (name: string) => incoming.headers[name] as string | undefined;
      calls.push({ path, deadline: header('x-deadline-ms'), requestId: header('x-request-id'), traceparent: header('traceparent') });
    }
    if (path.startsWith('/predictions') && !describe && failed < (script.failures ?? 0)) {
      failed++;
      outgoing.writeHead(503, { 'Content-Type': 'application/json' }).end('{"code":503,"message":"injected"}');
      return;
    }
    if (!describe) forwarded++;
    await sleep(describe ? 0 : (script.delayMs?.(path) ?? 0));
    const proxied = http.request(
      { host: upstream.hostname, port: upstream.port, path, method: incoming.method, headers: incoming.headers },
      async (answer) => {
        if (!(describe && script.profile)) {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          return;
        }
        const parts: Buffer[] = [];
        for await (const part of answer) parts.push(part as Buffer);
        const described = JSON.parse(Buffer.concat(parts).toString('utf-8'));
        described.profile = { ...described.profile, ...script.profile };
        outgoing.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(described));
      },
    );
    proxied.on('error', () => outgoing.writeHead(502).end());
    proxied.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ failed, forwarded }),
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A proxy whose first `failures` prediction calls fail with 503. */
export const flakyProxy = (target: string, failures: number) => modelServerProxy(target, { failures });

/** The built backend (`dist/`, as `npm start` and the images run it) as a process of its own, its output kept by line. */
export interface BackendProcess {
  child: ChildProcess;
  lines: string[];
  port: number;
}

export async function startBackendProcess(env: Record<string, string>): Promise<BackendProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn('node', [join(REPO_ROOT, 'dist/backend/backend/src/main.js')], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await until(async () => (await request(`http://127.0.0.1:${port}`).get('/api/v1/health/live')).status === 200, 30_000);
  return { child, lines, port };
}
