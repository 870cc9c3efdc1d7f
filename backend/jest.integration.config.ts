import type { Config } from 'jest';

import unit from './jest.config';

/**
 * Integration tests against real Redis and a real TorchServe serving the embedded model.
 * globalSetup starts TorchServe on its own ports and finds Redis (REDIS_URL, else testcontainers).
 */
const config: Config = {
  ...unit,
  displayName: 'backend-integration',
  testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};

export default config;
