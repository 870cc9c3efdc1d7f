// npm start's Node.js check (scripts/node-version.mjs): engines is read as its minimum, and a Node below it is
// told so with the way to the LTS; a supported one hears nothing.
//   node --test scripts/node-version.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { LTS_NODE, below, engineMinimum, unsupportedNodeMessage } from './node-version.mjs';

test("package.json's engines is the real minimum (nestjs-pino's and @platformatic/kafka's), and the LTS is above it", () => {
  assert.deepEqual(engineMinimum(), [22, 18, 0]);
  assert.equal(below(LTS_NODE, engineMinimum()), false);
  assert.throws(() => engineMinimum('^22'), /should read ">=X.Y"/);
});

test('compares versions part by part', () => {
  assert.equal(below('v20.20.2', [22, 12, 0]), true);
  assert.equal(below('v22.11.9', [22, 12, 0]), true);
  assert.equal(below('v22.12.0', [22, 12, 0]), false);
  assert.equal(below('v24.1.0', [22, 12, 0]), false);
});

test('a Node below the minimum is told which, and how to get the LTS; a supported one hears nothing', () => {
  const message = unsupportedNodeMessage('v20.20.2', [22, 12, 0]);
  assert.match(message, /Node\.js v20\.20\.2 is below this project's minimum, 22\.12\.0/);
  assert.match(message, /bash scripts\/lts-node\.sh/);
  assert.equal(unsupportedNodeMessage('v24.21.0', [22, 12, 0]), null);
});

test('the images and CI name the same LTS line', () => {
  const major = LTS_NODE.split('.')[0];
  for (const file of ['backend/Dockerfile', 'frontend/Dockerfile', 'docker-compose.yml', 'scripts/docker/build-images.sh', 'scripts/docker/standin-images.sh']) {
    const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf-8');
    assert.match(text, new RegExp(`node:${major}-bookworm`), file);
    assert.doesNotMatch(text, /nginx:1\.27/, file);
    assert.doesNotMatch(text, /node:20-/, file);
  }
});
