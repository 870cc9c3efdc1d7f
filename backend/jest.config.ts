import type { Config } from 'jest';

/** Unit tests: beside the code (`*.spec.ts`), strict mocks, no network. */
const config: Config = {
  displayName: 'backend-unit',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleNameMapper: { '^@allocine/contracts$': '<rootDir>/../libs/contracts/src/index.ts' },
};

export default config;
