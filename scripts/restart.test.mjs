// `npm start` stopped the way systemd, Docker and `kill` stop it — SIGTERM to npm itself — then started again at
// once, twice. npm start must return only when every child has exited (TorchServe's JVM included), so that the
// next start finds its ports free and no TorchServe "already running".
//   node --test scripts/restart.test.mjs        (npm test runs it)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { ROOT } from '../frontend/e2e/stack.mjs';

const state = mkdtempSync(join(tmpdir(), 'restart-state-'));
const PID_FILE = join(process.env.TMPDIR || '/tmp', '.model_server.pid');
after(() => rmSync(state, { recursive: true, force: true }));

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const answers = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** `npm start` as a user runs it, with keys and its state in a folder of its own; resolves once it is running. */
async function npmStart() {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', API_KEYS: 'restart-test-key', RUN_DIR: state },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 300_000;
  while (!output.includes('Allociné Sentiment is running')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up in time:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { child, exited, output: () => output };
}

test('SIGTERM to npm start returns only once everything has stopped, and an immediate restart works, twice', async () => {
  for (let round = 1; round <= 3; round++) {
    const stack = await npmStart();
    const jvm = Number(readFileSync(PID_FILE, 'utf-8').trim());
    assert.ok(alive(jvm), `round ${round}: TorchServe's JVM (pid ${jvm}) should be running`);
    stack.child.kill('SIGTERM');
    const { code } = await stack.exited;
    // npm has returned: nothing of the stack may be left behind.
    assert.equal(alive(jvm), false, `round ${round}: TorchServe's JVM still running after npm start returned\n${stack.output()}`);
    for (const port of [3000, 8080, 8501]) assert.equal(await answers(port), false, `round ${round}: port ${port} still answers`);
    assert.equal(code, 0, `round ${round}: npm start exited with ${code}\n${stack.output()}`);
    assert.match(stack.output(), /everything stopped/);
  }
});
