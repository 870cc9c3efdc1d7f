// The UI server `npm start` runs: survives malformed paths, sends security headers, listens on 127.0.0.1 only,
// overwrites a client-supplied X-Forwarded-For before proxying to the API, and lends API calls the UI's key,
// but only to its own names (Host) and to same-origin JSON writes; a browser that leaves cancels the API call.
//   node --test scripts/ui-server.test.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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
const closedAtApi = [];

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
  writeFileSync(join(dir, 'big.js'), 'x'.repeat(8 * 1024 * 1024));
  api = http.createServer((request, response) => {
    seenByApi.push(request.headers);
    if (request.url === '/api/v1/slow') {
      // An event stream that never ends: the test watches whether the UI server lets go of it.
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.write(': open\n\n');
      response.on('close', () => closedAtApi.push(request.url));
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const { UI_HOST: _ignored, ...env } = process.env; // the default binding is what is tested
  ui = spawn(process.execPath, [join(HERE, 'ui-server.mjs')], {
    env: { ...env, UI_PORT: String(port), UI_DIR: dir, UI_API_KEY: 'ui-secret', UI_HOSTS: 'films.example', API_URL: `http://127.0.0.1:${api.address().port}` },
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

/** A raw request with chosen headers (fetch() will not set Host or Sec-Fetch-Site). */
const rawRequest = (method, path, headers = {}, body = '') =>
  new Promise((resolve, reject) => {
    const request = http.request(`${base}${path}`, { method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });

test('answers only to its own host names: a DNS-rebinding page cannot borrow the key', async () => {
  const before = seenByApi.length;
  const rebound = await rawRequest('GET', '/api/v1/webhooks/secret', { Host: 'rebind.attacker.example' });
  assert.equal(rebound.status, 421);
  assert.match(JSON.parse(rebound.body).detail, /does not answer to the host "rebind\.attacker\.example"/);
  assert.equal((await rawRequest('GET', '/', { Host: 'rebind.attacker.example:8501' })).status, 421);
  assert.equal(seenByApi.length, before, 'nothing reached the API');
  for (const host of ['localhost:8501', '127.0.0.1', '[::1]:8501', 'films.example']) {
    assert.equal((await rawRequest('GET', '/api/v1/model', { Host: host })).status, 200, host);
  }
});

test('writes are JSON from its own pages: cross-site forms and other origins are refused', async () => {
  const host = new URL(base).host;
  const before = seenByApi.length;
  const form = await rawRequest('POST', '/api/v1/predictions', { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' }, 'text=Bien');
  assert.equal(form.status, 403);
  assert.match(JSON.parse(form.body).detail, /Content-Type "application\/x-www-form-urlencoded" refused/);
  const crossSite = { Host: host, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' };
  assert.equal((await rawRequest('POST', '/api/v1/predictions', crossSite, '{"text":"Bien"}')).status, 403);
  const otherOrigin = { Host: host, 'Content-Type': 'multipart/form-data; boundary=x', Origin: 'https://evil.example' };
  assert.equal((await rawRequest('POST', '/api/v1/jobs', otherOrigin, '--x--')).status, 403);
  assert.equal((await rawRequest('DELETE', '/api/v1/jobs/x', { Host: host, Origin: 'null' })).status, 403);
  assert.equal(seenByApi.length, before, 'nothing reached the API');

  const own = { Host: host, Origin: base, 'Sec-Fetch-Site': 'same-origin' };
  assert.equal((await rawRequest('POST', '/api/v1/predictions', { ...own, 'Content-Type': 'application/json' }, '{"text":"Bien"}')).status, 200);
  assert.equal((await rawRequest('POST', '/api/v1/jobs', { ...own, 'Content-Type': 'multipart/form-data; boundary=x' }, '--x--')).status, 200);
  assert.equal((await rawRequest('DELETE', '/api/v1/jobs/x', own)).status, 200);
});

test('a browser that leaves cancels the API call it was proxying', async () => {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/v1/slow`, { signal: controller.signal });
  assert.equal(response.status, 200);
  controller.abort();
  for (let i = 0; i < 50 && !closedAtApi.includes('/api/v1/slow'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(closedAtApi, ['/api/v1/slow']);
});

test('downloads cut short leave no file open', async () => {
  const openFiles = () => readdirSync(`/proc/${ui.pid}/fd`).length;
  const before = openFiles();
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => {
      const request = http.get(`${base}/big.js`, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', resolve);
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(openFiles() <= before + 2, `open descriptors went from ${before} to ${openFiles()}`);
});
