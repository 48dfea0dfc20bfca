// Two Jest projects: "unit" loads the Node flavour of the WebAssembly module
// (web/dist/node/, built by `cmake --build --preset wasm`) and checks it
// against the JSON vectors the GoogleTest suites use; "browser" serves the
// demo page under a strict Content-Security-Policy and drives Debian's
// Chromium (SLS_TEST_CLUSTER: see web/test/support/slsd.cjs). Both run in the node environment: the module is loaded, not a DOM.
// No transform: the suites and the generated module are plain CommonJS.
const common = {
  testEnvironment: 'node',
  transform: {},
  roots: ['<rootDir>/web'],
  testTimeout: 30000,
};

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/web/test/*.test.cjs'],
      ...common,
    },
    {
      displayName: 'browser',
      testMatch: ['<rootDir>/web/test/browser/*.test.cjs'],
      // With SLS_TEST_CLUSTER=postgres: a throwaway PostgreSQL for the run
      // (the suites that start the real slsd then run it as several nodes
      // behind nginx: web/test/support/slsd.cjs).
      globalSetup: '<rootDir>/web/test/support/global-setup.cjs',
      globalTeardown: '<rootDir>/web/test/support/global-teardown.cjs',
      ...common,
    },
  ],
};
