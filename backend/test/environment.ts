import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What global setup found or started, shared with the test files through a file in the temp dir. */
export interface TestEnvironment {
  redisUrl: string;
  modelServerUrl: string;
  torchServeEnv: Record<string, string>;
  containerId?: string;
}

export const REPO_ROOT = resolve(__dirname, '../..');
const STATE_FILE = join(tmpdir(), 'allocine-backend-integration.json');
const PORTS = { inference: 28080, management: 28081, metrics: 28082 };

export function saveEnvironment(environment: TestEnvironment): void {
  writeFileSync(STATE_FILE, JSON.stringify(environment));
}

export function loadEnvironment(): TestEnvironment {
  return JSON.parse(readFileSync(STATE_FILE, 'utf-8')) as TestEnvironment;
}

/** Environment for model-server/scripts: own ports, own pid file (TMPDIR), own model store and logs. */
export function torchServeEnvironment(): Record<string, string> {
  const work = mkdtempSync(join(tmpdir(), 'allocine-ts-'));
  mkdirSync(join(work, 'logs'));
  return {
    TMPDIR: work,
    MODEL_STORE: join(work, 'store'),
    LOG_LOCATION: join(work, 'logs'),
    METRICS_LOCATION: join(work, 'logs'),
    TS_INFERENCE_ADDRESS: `http://127.0.0.1:${PORTS.inference}`,
    TS_MANAGEMENT_ADDRESS: `http://127.0.0.1:${PORTS.management}`,
    TS_METRICS_ADDRESS: `http://127.0.0.1:${PORTS.metrics}`,
    // gRPC ports of its own (7070/7071 by default), so it runs beside a developer's `npm start`.
    TS_GRPC_INFERENCE_PORT: '28083',
    TS_GRPC_MANAGEMENT_PORT: '28084',
  };
}

function script(name: string, env: Record<string, string>): void {
  const result = spawnSync('bash', [join(REPO_ROOT, 'model-server/scripts', name)], {
    env: { ...process.env, ...env },
    encoding: 'utf-8',
  });
  if (result.status !== 0) throw new Error(`${name} failed:\n${result.stdout}\n${result.stderr}`);
}

export const buildArchive = (env: Record<string, string>) => script('build-mar.sh', env);
export const startTorchServe = (env: Record<string, string>) => script('start.sh', env);
export const stopTorchServe = (env: Record<string, string>) => script('stop.sh', env);

export function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
