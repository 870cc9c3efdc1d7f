import { execFileSync } from 'node:child_process';

import { loadEnvironment, stopTorchServe } from './environment';

export default async function globalTeardown(): Promise<void> {
  const environment = loadEnvironment();
  stopTorchServe(environment.torchServeEnv);
  if (environment.containerId) execFileSync('docker', ['rm', '-f', environment.containerId], { stdio: 'ignore' });
}
