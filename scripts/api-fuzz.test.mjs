// Schema fuzzing: schemathesis generates requests from the API's own OpenAPI document (valid ones from the
// schemas, then invalid and edge-case ones) and sends them to the real stack that `npm start` runs, with keys.
// Every phase and every check: no answer >= 500, every status documented and every documented answer matching
// its schema, schema-valid requests accepted and invalid ones refused, 405 with Allow, 401 without a key.
//   node --test scripts/api-fuzz.test.mjs        (npm test runs it after the browser tests)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, startStack } from '../frontend/e2e/stack.mjs';

const API = 'http://127.0.0.1:3000';
const KEY = 'fuzz-key';
const ARTIFACTS = join(ROOT, 'test-artifacts/fuzz');
mkdirSync(ARTIFACTS, { recursive: true });
let stack;

before(async () => {
  // Generous limits: the fuzzer's hundreds of requests, keyless ones included, are the point, not the limits
  // (scripts/hostile-clients.test.mjs and the access tests prove those).
  stack = await startStack({
    API_KEYS: KEY,
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    MAX_ACTIVE_JOBS_PER_CLIENT: '10000',
    // Webhooks on, to any host: whether a callback host resolves and is public cannot be in a schema, so the
    // fuzzer's made-up hosts (https://0.com) are accepted here; deliveries to them just fail and are retried.
    WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_ALLOW_PRIVATE: 'true',
    // The original app's routes too, so they are held to the same conformance.
    COMPAT_API: 'true',
  });
});

after(async () => {
  if (!stack) return;
  const code = await stack.stop();
  writeFileSync(join(ARTIFACTS, 'stack.log'), stack.output());
  assert.equal(code, 0);
});

test('schemathesis, every phase and check: 0 failures', () => {
  const report = join(ARTIFACTS, 'junit.xml');
  const run = spawnSync(
    join(ROOT, '.venv/bin/schemathesis'),
    [
      '--config-file', join(ROOT, 'scripts/fuzz/schemathesis.toml'),
      'run', `${API}/api/docs-json`,
      '--header', `X-API-Key: ${KEY}`,
      // Every phase (the document's examples, boundary and invalid values, random ones, and chains of calls
      // following the document's links) and every check (statuses, schemas, headers, auth, 405 with Allow).
      '--phases', 'examples,coverage,fuzzing,stateful',
      '--checks', 'all',
      '--max-examples', process.env.FUZZ_MAX_EXAMPLES ?? '100',
      '--request-timeout', '30',
      '--seed', '7',
      '--report', 'junit', '--report-junit-path', report,
      '--no-color',
    ],
    { cwd: ROOT, encoding: 'utf-8', env: { ...process.env, SCHEMATHESIS_HOOKS: '' }, timeout: 900_000 },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  writeFileSync(join(ARTIFACTS, 'schemathesis.log'), output);
  assert.equal(run.status, 0, `schemathesis found problems (test-artifacts/fuzz/schemathesis.log):\n${output.slice(-6000)}`);
  assert.match(readFileSync(report, 'utf-8'), /<testsuite/);
});
