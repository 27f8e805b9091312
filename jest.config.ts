import type { Config } from 'jest';

const config: Config = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFiles: ['<rootDir>/test/support/env.ts'],
  // Every answer of the app a test receives is checked against the OpenAPI document.
  setupFilesAfterEnv: ['<rootDir>/test/support/openapi-responses.ts'],
  // Two cores on the build machines: two workers keep the database busy without thrashing.
  maxWorkers: 2,
  testTimeout: 30000,
};

export default config;
