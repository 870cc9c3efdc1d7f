// Starts the whole product with `npm start` (real Redis, TorchServe, API, UI) for the browser tests,
// and stops it the way a user does: SIGINT, as Ctrl+C sends.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const UI = process.env.E2E_UI_URL ?? 'http://localhost:8501';

/** `npm start` of the checkout at `root` (this one unless said), with `env` over the test's environment. */
export async function startStack(env = {}, root = ROOT) {
  const child = spawn('node', ['scripts/start.mjs'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production', ...env } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 600_000;
  while (!output.includes('Allociné Sentiment is running')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not finish in time:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    pid: child.pid,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}

/** A crash, not a shutdown: kill -9 of TorchServe's JVM and of every worker it started. */
export function killModelServer() {
  const pidFile = join(process.env.TMPDIR || '/tmp', '.model_server.pid');
  spawnSync('bash', ['-c', `pid=$(cat "${pidFile}"); kill -9 $(pgrep -P "$pid") "$pid"`], { stdio: 'inherit' });
}
