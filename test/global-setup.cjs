// Runs once before all jest suites. Makes a private run folder for the e2e suites (the shared n8n
// lives there, see test/e2e/harness/shared.cts) and, when e2e suites may run, builds dist/ if it is
// stale and installs the pinned n8n, so that no suite pays for either. TRACKLER_SKIP_E2E=1 skips that.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup(globalConfig) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackler-jest-'));
  fs.chmodSync(runDir, 0o700);
  process.env.TRACKLER_E2E_RUN_DIR = runDir;
  if (process.env.TRACKLER_SKIP_E2E === '1') return;
  const pattern = globalConfig.testPathPattern;
  const probe = path.join(__dirname, 'e2e', 'credentials.test.cts');
  let wantsE2e = true;
  try {
    wantsE2e = !pattern || new RegExp(pattern, 'i').test(probe);
  } catch {
    /* not a regex: assume yes */
  }
  if (!wantsE2e) return;
  const { require: tsxRequire } = require('tsx/cjs/api');
  const harness = tsxRequire('../tooling/n8n/index.cts', __filename);
  harness.ensureBuilt();
  harness.installN8n(harness.defaultLine());
};
