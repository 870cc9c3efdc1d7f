#!/usr/bin/env node
// Serves the built Angular app on UI_PORT and proxies /api (and /metrics) to the API, as nginx does
// in docker-compose. Unknown paths get index.html so the app's own routes work on reload.
// Listens on 127.0.0.1 unless UI_HOST says otherwise; a bad request never brings it down. With UI_API_KEY,
// API calls that carry no key get that one, so only requests this server can trust may reach it: known Host
// names only (UI_HOSTS), and writes only as JSON from the UI's own pages (scripts/ui-guard.mjs).
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize } from 'node:path';
import { pipeline } from 'node:stream';

import { allowedHosts, hostAllowed, writeRefusal } from './ui-guard.mjs';
import { SECURITY_HEADERS } from './ui-security.mjs';

const PORT = Number(process.env.UI_PORT ?? 8501);
const HOST = process.env.UI_HOST || '127.0.0.1';
const ROOT = process.env.UI_DIR;
const API = new URL(process.env.API_URL ?? 'http://127.0.0.1:3000');
// The UI's credential when the API has keys: added to requests that carry none, so the app (and its bare
// CSV download links) work without ever holding a key. Whoever can reach this server acts with that key.
const UI_API_KEY = process.env.UI_API_KEY ?? '';
const HOSTS = allowedHosts(process.env.UI_HOSTS);
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.json': 'application/json', '.png': 'image/png', '.woff2': 'font/woff2', '.txt': 'text/plain' };

/** The UI server's own refusals: RFC 9457 problems of no type beyond their status (about:blank). */
function refuse(response, status, detail, instance) {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/problem+json' });
  response.end(JSON.stringify({ type: 'about:blank', title: http.STATUS_CODES[status], status, detail, instance }));
}

function proxy(request, response) {
  const refusal = writeRefusal(request);
  if (refusal) return refuse(response, 403, `Refused by the UI server: ${refusal}`, request.url);
  // The client's address replaces whatever X-Forwarded-For it sent: the API must not trust a forged one.
  const headers = { ...request.headers, 'x-forwarded-for': request.socket.remoteAddress ?? '' };
  if (UI_API_KEY && !headers['x-api-key'] && !headers.authorization) headers['x-api-key'] = UI_API_KEY;
  const proxied = http.request({ host: API.hostname, port: API.port, path: request.url, method: request.method, headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    pipeline(answer, response, () => undefined);
  });
  proxied.on('error', () => {
    if (response.headersSent || response.destroyed) return response.destroy();
    response.writeHead(502, { 'Content-Type': 'application/problem+json' });
    response.end(JSON.stringify({ type: '/api/v1/problems/unavailable', title: 'API unreachable', status: 502, detail: 'The UI server could not reach the API', instance: request.url }));
  });
  // The browser left (closed the tab, cancelled a download or an event stream): so does the API call, at once.
  response.on('close', () => {
    if (!response.writableFinished) proxied.destroy();
  });
  request.pipe(proxied);
}

function decodedPath(url) {
  try {
    return normalize(decodeURIComponent(new URL(url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  } catch {
    return null; // a malformed escape such as GET /%
  }
}

function serveFile(request, response) {
  const path = decodedPath(request.url);
  if (path === null) {
    response.writeHead(400, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Bad request: malformed path\n');
    return;
  }
  let file = join(ROOT, path);
  if (!file.startsWith(ROOT) || !existsSync(file) || statSync(file).isDirectory()) file = join(ROOT, 'index.html');
  const headers = { ...SECURITY_HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' };
  if (!file.endsWith('index.html')) headers['Cache-Control'] = 'public, max-age=3600';
  response.writeHead(200, headers);
  // pipeline closes the file whatever happens: finished, failed, or the browser gone half-way.
  pipeline(createReadStream(file), response, () => undefined);
}

const server = http.createServer((request, response) => {
  if (!hostAllowed(request.headers.host, HOSTS)) {
    return refuse(response, 421, `This server does not answer to the host "${request.headers.host ?? ''}" (UI_HOSTS)`, request.url);
  }
  if (request.url.startsWith('/api/') || request.url === '/metrics') return proxy(request, response);
  serveFile(request, response);
});

server.listen(PORT, HOST, () => console.log(`UI on http://localhost:${PORT} (API proxied to ${API.origin})`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
