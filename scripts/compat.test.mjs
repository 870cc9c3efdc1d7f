// The original app's client against `COMPAT_API=true npm start` as a user runs it (no keys, on this machine):
// its requests and the fields it reads work unchanged, through the same queue and into the same history, and the
// served OpenAPI document marks the four routes deprecated with their /api/v1 counterpart.
//   node --test scripts/compat.test.mjs        (npm test runs it)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, startStack } from '../frontend/e2e/stack.mjs';

const API = 'http://127.0.0.1:3000';
let stack;

before(async () => {
  stack = await startStack({ COMPAT_API: 'true' });
});

after(async () => {
  if (stack) assert.equal(await stack.stop(), 0);
});

test("the original app's Python client works unchanged", async () => {
  // Right after start-up the history may still be migrating (503): ask until it answers.
  const classified = async () => {
    for (let attempt = 0; ; attempt++) {
      const answer = await fetch(`${API}/api/v1/stats?bucket=hour`);
      if (answer.ok) return (await answer.json()).total.total;
      if (attempt >= 100) throw new Error(`/api/v1/stats still answers ${answer.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const before = await classified();
  const run = spawnSync(join(ROOT, '.venv/bin/python'), ['scripts/compat/original_client.py', API], { cwd: ROOT, encoding: 'utf-8', timeout: 120_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /client d'origine : OK/);
  // The same history as /api/v1: its five classified texts are there (recorded off the request path).
  let recorded = 0;
  for (let i = 0; i < 50 && recorded < before + 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    recorded = await classified();
  }
  assert.equal(recorded, before + 5);
});

test('the served OpenAPI document lists the original routes as deprecated, each naming its /api/v1 route', async () => {
  const document = await (await fetch(`${API}/api/docs-json`)).json();
  const operations = { '/predict': 'post', '/predict_batch': 'post', '/health': 'get', '/model_info': 'get' };
  for (const [path, method] of Object.entries(operations)) {
    const operation = document.paths[path]?.[method];
    assert.ok(operation, `${method.toUpperCase()} ${path} is documented`);
    assert.equal(operation.deprecated, true, `${path} is deprecated`);
    assert.match(operation.description, /\/api\/v1\//, `${path} names its /api/v1 counterpart`);
  }
  // The main API is unchanged beside it, and a method the original routes lack is a 405.
  assert.equal((await fetch(`${API}/predict`, { method: 'GET' })).status, 405);
});
