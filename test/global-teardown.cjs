// Runs once after all jest suites: kills every n8n the e2e harness started in this run (the shared
// one, and any a crashed worker left) and removes the run folder with their user folders.
const fs = require('node:fs');
const path = require('node:path');

const alive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

module.exports = async function globalTeardown() {
  const runDir = process.env.TRACKLER_E2E_RUN_DIR;
  if (!runDir || !fs.existsSync(runDir)) return;
  const pidDir = path.join(runDir, 'pids');
  const pids = fs.existsSync(pidDir) ? fs.readdirSync(pidDir).map(Number).filter((p) => p > 1) : [];
  for (const pid of pids) if (alive(pid)) process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) if (alive(pid)) process.kill(-pid, 'SIGKILL');
  // keep the shared n8n's log where CI collects artifacts (scripts/test/run.sh makes .artifacts/)
  const artifacts = path.join(__dirname, '..', '.artifacts');
  if (fs.existsSync(artifacts)) {
    for (const entry of fs.readdirSync(runDir)) {
      const log = path.join(runDir, entry, 'n8n.log');
      if (/^n8n-v\d(-queue)?$/.test(entry) && fs.existsSync(log)) fs.copyFileSync(log, path.join(artifacts, `${entry}.log`));
    }
  }
  // temp folders outside the run folder (queue mode's Postgres cluster and Redis)
  const dirsDir = path.join(runDir, 'dirs');
  if (fs.existsSync(dirsDir) && process.env.TRACKLER_KEEP_N8N !== '1') {
    for (const entry of fs.readdirSync(dirsDir)) {
      const folder = fs.readFileSync(path.join(dirsDir, entry), 'utf8');
      if (folder.startsWith(require('node:os').tmpdir())) fs.rmSync(folder, { recursive: true, force: true });
    }
  }
  if (process.env.TRACKLER_KEEP_N8N !== '1') fs.rmSync(runDir, { recursive: true, force: true });
};
