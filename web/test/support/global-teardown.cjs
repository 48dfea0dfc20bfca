// Stops the PostgreSQL server global-setup.cjs started, and removes its directory.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { repoRoot } = require('./core.cjs');

module.exports = async function globalTeardown() {
  const dir = process.env.SLS_TEST_POSTGRES_DIR;
  if (!dir) return;
  execFileSync(path.join(repoRoot, 'scripts', 'throwaway-postgres'), ['stop', dir], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.SLS_TEST_POSTGRES_DIR;
  delete process.env.SLS_TEST_POSTGRES;
};
