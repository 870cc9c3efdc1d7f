// The UI server `npm start` runs: survives malformed paths, sends security headers, listens on 127.0.0.1 only,
// overwrites a client-supplied X-Forwarded-For before proxying to the API, and lends API calls the UI's key.
//   node --test scripts/ui-server.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
let ui;
let api;
let base;
const seenByApi = [];

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ui-server-'));
  writeFileSync(join(dir, 'index.html'), '<app-root></app-root>');
  writeFileSync(join(dir, 'main.js'), 'console.log(1)');
  api = http.createServer((request, response) => {
    seenByApi.push(request.headers);
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const { UI_HOST: _ignored, ...env } = process.env; // the default binding is what is tested
  ui = spawn(process.execPath, [join(HERE, 'ui-server.mjs')], {
    env: { ...env, UI_PORT: String(port), UI_DIR: dir, UI_API_KEY: 'ui-secret', API_URL: `http://127.0.0.1:${api.address().port}` },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    if (await fetch(base).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the UI server did not start');
});

after(() => {
  ui?.kill();
  api?.close();
});

/** A raw GET: fetch() would refuse to send a malformed path such as /%. */
const rawGet = (path) =>
  new Promise((resolve, reject) => {
    http.get(`${base}${path}`, (response) => {
      response.resume();
      response.on('end', () => resolve(response));
    }).on('error', reject);
  });

test('a malformed path gets 400 and the server keeps serving', async () => {
  assert.equal((await rawGet('/%')).statusCode, 400);
  assert.equal((await rawGet('/%E0%A4%A')).statusCode, 400);
  const page = await fetch(`${base}/analyser`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<app-root>/);
});

test('every answer carries the security headers', async () => {
  for (const path of ['/', '/main.js']) {
    const response = await fetch(`${base}${path}`);
    assert.match(response.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.match(response.headers.get('content-security-policy'), /script-src 'self'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
  }
  assert.equal((await rawGet('/%')).headers['x-content-type-options'], 'nosniff');
});

test('a client cannot choose the address the API sees', async () => {
  const response = await fetch(`${base}/api/v1/model`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
  assert.equal(response.status, 200);
  assert.match(seenByApi.at(-1)['x-forwarded-for'], /127\.0\.0\.1$/);
});

test("API calls without a key get the UI's key; a caller's own key is passed on untouched", async () => {
  await fetch(`${base}/api/v1/jobs/x/results?format=csv`);
  assert.equal(seenByApi.at(-1)['x-api-key'], 'ui-secret');
  await fetch(`${base}/api/v1/model`, { headers: { 'X-API-Key': 'mine' } });
  assert.equal(seenByApi.at(-1)['x-api-key'], 'mine');
  await fetch(`${base}/api/v1/model`, { headers: { Authorization: 'Bearer theirs' } });
  assert.equal(seenByApi.at(-1)['x-api-key'], undefined);
  assert.equal(seenByApi.at(-1).authorization, 'Bearer theirs');
});

test('listens on 127.0.0.1 only by default', async () => {
  const port = Number(new URL(base).port);
  // Bound to 0.0.0.0 it would accept on any loopback address; bound to 127.0.0.1, 127.0.0.2 is refused.
  const refused = await new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.2', port }, () => {
      socket.end();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
  assert.equal(refused, true);
});
