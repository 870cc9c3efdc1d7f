// The compose UI's nginx (frontend/nginx.conf and its entry point) run for real against a stand-in API: it
// answers only to its own names, lets through only same-origin JSON writes (multipart for a CSV job), lends the
// UI's own key, and its entry point refuses a missing or shared UI key. The same rules as scripts/ui-server.mjs.
//   node --test scripts/ui-nginx.test.mjs   (needs nginx: apt-get install -y nginx-light)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { SECURITY_HEADERS } from './ui-security.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRYPOINT = join(ROOT, 'frontend/nginx-entrypoint.sh');
const seenByApi = [];
let nginx;
let api;
let port;
let dir;

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });

/** Runs the entry point with a stand-in `nginx` on PATH: it writes its files, then execs that (which exits). */
function entrypoint(env) {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'nginx'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'nginx'), 0o755);
  return spawnSync('sh', [ENTRYPOINT], { env: { PATH: `${bin}:${process.env.PATH}`, NGINX_RUNTIME_DIR: join(dir, 'runtime'), ...env }, encoding: 'utf-8' });
}

before(async () => {
  if (spawnSync('nginx', ['-v']).status !== 0) throw new Error('nginx is needed for this test: apt-get install -y nginx-light');
  dir = mkdtempSync(join(tmpdir(), 'ui-nginx-'));
  mkdirSync(join(dir, 'html'));
  writeFileSync(join(dir, 'html/index.html'), '<app-root></app-root>');
  api = http.createServer((request, response) => {
    seenByApi.push({ url: request.url, headers: request.headers });
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
  port = await freePort();
  const started = entrypoint({ API_KEYS: 'integrator-key', UI_API_KEY: 'ui-own-key', UI_HOSTS: 'films.example' });
  assert.equal(started.status, 0, started.stderr);
  const site = readFileSync(join(ROOT, 'frontend/nginx.conf'), 'utf-8')
    .replaceAll('/tmp/nginx', join(dir, 'runtime'))
    .replaceAll('listen 8501', `listen 127.0.0.1:${port}`)
    .replace('http://api:3000', `http://127.0.0.1:${api.address().port}`)
    .replace('/usr/share/nginx/html', join(dir, 'html'))
    .replaceAll('/etc/nginx/security-headers.conf', join(ROOT, 'frontend/security-headers.conf'));
  writeFileSync(join(dir, 'site.conf'), site);
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${user}daemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${dir}/site.conf;\n}\n`,
  );
  nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  nginx.stderr.on('data', (chunk) => (errors += chunk));
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) return;
    if (nginx.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not start: ${errors}`);
});

after(() => {
  nginx?.kill();
  api?.close();
});

const request = (method, path, headers = {}, body = '') =>
  new Promise((resolve, reject) => {
    const outgoing = http.request({ host: '127.0.0.1', port, path, method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });

test('answers only to its own names: another Host gets 421 and reaches nothing', async () => {
  const before = seenByApi.length;
  assert.equal(await request('GET', '/api/v1/webhooks/secret', { Host: 'rebind.attacker.example' }), 421);
  assert.equal(await request('GET', '/', { Host: 'rebind.attacker.example' }), 421);
  assert.equal(seenByApi.length, before);
  for (const host of [`localhost:${port}`, '127.0.0.1', 'films.example']) assert.equal(await request('GET', '/api/v1/model', { Host: host }), 200, host);
});

test("lends the UI's own key to calls without one", async () => {
  await request('GET', '/api/v1/model', { Host: 'localhost' });
  assert.equal(seenByApi.at(-1).headers['x-api-key'], 'ui-own-key');
});

test('writes: same-origin JSON (or a CSV job) pass; forms, other origins and cross-site requests get 403', async () => {
  const host = `localhost:${port}`;
  const before = seenByApi.length;
  assert.equal(await request('POST', '/api/v1/predictions', { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, 'text=Bien'), 403);
  assert.equal(await request('POST', '/api/v1/predictions', { Host: host, 'Content-Type': 'text/plain' }, 'x'), 403);
  assert.equal(await request('POST', '/api/v1/predictions', { Host: host, 'Content-Type': 'multipart/form-data; boundary=x' }, '--x--'), 403);
  assert.equal(await request('POST', '/api/v1/jobs', { Host: host, Origin: 'https://evil.example', 'Content-Type': 'application/json' }, '{}'), 403);
  assert.equal(await request('POST', '/api/v1/jobs', { Host: host, 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json' }, '{}'), 403);
  assert.equal(seenByApi.length, before, 'nothing reached the API');
  const own = { Host: host, Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' };
  assert.equal(await request('POST', '/api/v1/predictions', { ...own, 'Content-Type': 'application/json' }, '{"text":"Bien"}'), 200);
  assert.equal(await request('POST', '/api/v1/jobs', { ...own, 'Content-Type': 'multipart/form-data; boundary=x' }, '--x--'), 200);
  assert.equal(await request('POST', '/api/v1/predictions', { Host: host, 'Content-Type': 'application/json' }, '{"text":"Bien"}'), 200, 'curl: no Origin');
  assert.equal(await request('DELETE', '/api/v1/jobs/x', own), 200);
  // Behind a TLS proxy the page's origin is https while nginx itself speaks http: still the page's own.
  assert.equal(await request('POST', '/api/v1/predictions', { ...own, Origin: `https://${host}`, 'Content-Type': 'application/json' }, '{}'), 200);
});

test('the entry point refuses a missing UI key with API keys on, and a UI key that is an integrator key', () => {
  const missing = entrypoint({ API_KEYS: 'integrator-key' });
  assert.equal(missing.status, 78);
  assert.match(missing.stderr, /UI_API_KEY is required with API_KEYS/);
  const shared = entrypoint({ API_KEYS: 'a-key, integrator-key', UI_API_KEY: 'integrator-key' });
  assert.equal(shared.status, 78);
  assert.match(shared.stderr, /must be a key of its own/);
  assert.equal(entrypoint({}).status, 0, 'without keys nothing is lent');
});

test("sends exactly npm start's security headers (scripts/ui-security.mjs), on the UI and on the API's answers", async () => {
  for (const path of ['/', '/analyse', '/api/v1/model']) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { Host: 'localhost' } });
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(response.headers.get(name), value, `${path}: ${name}`);
  }
});
