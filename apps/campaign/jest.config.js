/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.integration-spec.ts'],
  globalSetup: require.resolve('@cc/testing/dist/jest-global-setup.js'),
  globalTeardown: require.resolve('@cc/testing/dist/jest-global-teardown.js'),
  testTimeout: 30000,
};
