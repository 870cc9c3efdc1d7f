import Redis from 'ioredis';

import {
  TestEnvironment,
  buildArchive,
  dockerAvailable,
  saveEnvironment,
  startTorchServe,
  torchServeEnvironment,
} from './environment';

/**
 * Real Redis: REDIS_URL when set, otherwise a testcontainers Redis where a Docker engine runs.
 * Real TorchServe: started here with the committed embedded model on its own ports.
 */
export default async function globalSetup(): Promise<void> {
  const environment: TestEnvironment = { redisUrl: '', modelServerUrl: '', torchServeEnv: {} };
  if (process.env.REDIS_URL) {
    environment.redisUrl = process.env.REDIS_URL;
  } else if (dockerAvailable()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer(process.env.REDIS_IMAGE ?? 'redis:7-alpine')
      .withExposedPorts(6379)
      // The tests connect through a mapped port, i.e. not from loopback inside the container.
      .withCommand(['redis-server', '--protected-mode', 'no', '--save', ''])
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    environment.redisUrl = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
    environment.containerId = container.getId();
  } else {
    throw new Error('Integration tests need Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379) or run a Docker engine');
  }
  const redis = new Redis(environment.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.ping();
  redis.disconnect();

  environment.torchServeEnv = torchServeEnvironment();
  buildArchive(environment.torchServeEnv);
  startTorchServe(environment.torchServeEnv);
  environment.modelServerUrl = environment.torchServeEnv.TS_INFERENCE_ADDRESS;
  saveEnvironment(environment);
}
