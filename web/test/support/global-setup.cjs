// Jest global setup of the browser project: with SLS_TEST_CLUSTER=postgres
// and no SLS_TEST_POSTGRES given, starts a throwaway PostgreSQL server
// (scripts/throwaway-postgres, fsync off) for the whole run; each
// startSlsd() makes a database of its own on it (support/slsd.cjs). Without
// SLS_TEST_CLUSTER it does nothing. The workers inherit SLS_TEST_POSTGRES.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { repoRoot } = require('./core.cjs');

module.exports = async function globalSetup() {
  if (process.env.SLS_TEST_CLUSTER !== 'postgres' || process.env.SLS_TEST_POSTGRES) return;
  // The directory itself, not one inside it: as root the server runs as the
  // postgres user, who must reach it (a private temporary directory around
  // it would shut that user out).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-web-pg-'));
  const url = execFileSync(path.join(repoRoot, 'scripts', 'throwaway-postgres'), ['start', dir, '--fast'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.env.SLS_TEST_POSTGRES = url;
  process.env.SLS_TEST_POSTGRES_DIR = dir;
};
