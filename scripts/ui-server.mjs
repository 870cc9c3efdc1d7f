#!/usr/bin/env node
// Serves the built Angular app on UI_PORT and proxies /api (and /metrics) to the API, as nginx does
// in docker-compose. Unknown paths get index.html so the app's own routes work on reload.
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize } from 'node:path';

const PORT = Number(process.env.UI_PORT ?? 8501);
const ROOT = process.env.UI_DIR;
const API = new URL(process.env.API_URL ?? 'http://127.0.0.1:3000');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.json': 'application/json', '.png': 'image/png', '.woff2': 'font/woff2', '.txt': 'text/plain' };

const server = http.createServer((request, response) => {
  if (request.url.startsWith('/api/') || request.url === '/metrics') {
    const proxied = http.request({ host: API.hostname, port: API.port, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    proxied.on('error', () => {
      response.writeHead(502, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ statusCode: 502, error: 'Bad Gateway', message: 'API unreachable' }));
    });
    request.pipe(proxied);
    return;
  }
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(ROOT, path);
  if (!file.startsWith(ROOT) || !existsSync(file) || statSync(file).isDirectory()) file = join(ROOT, 'index.html');
  const headers = { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' };
  if (!file.endsWith('index.html')) headers['Cache-Control'] = 'public, max-age=3600';
  response.writeHead(200, headers);
  createReadStream(file).pipe(response);
});

server.listen(PORT, () => console.log(`UI on http://localhost:${PORT} (API proxied to ${API.origin})`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
