import type { Config } from 'jest';

/**
 * Integration tests against real Redis and a real TorchServe serving the embedded model.
 * globalSetup starts TorchServe on its own ports and finds Redis (REDIS_URL, else testcontainers).
 */
const config: Config = {
  displayName: 'backend-integration',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleNameMapper: { '^@allocine/contracts$': '<rootDir>/../libs/contracts/src/index.ts' },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
};

export default config;
