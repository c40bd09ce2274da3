#!/usr/bin/env node
// Makes a fresh clone runnable: `npm ci` when node_modules is missing or older than the lockfile,
// then the offline VS Code (code-server + Node 24) into .vscode-test/ (cached after the first run).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs) {
  console.log('[deps] installing npm packages (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// Debian packages the offline VS Code and the tests need (Chromium, Kerberos headers for a native
// module of code-server, the AWS CLI as a second real client). Installed when missing and root.
const debs = { chromium: '/usr/bin/chromium', 'libkrb5-dev': '/usr/include/gssapi.h', awscli: '/usr/bin/aws' };
const missing = Object.entries(debs).filter(([, f]) => !existsSync(f)).map(([p]) => p);
if (missing.length > 0) {
  if (process.getuid?.() === 0) {
    console.log(`[deps] installing Debian packages: ${missing.join(' ')}…`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing, 'pkg-config', 'build-essential', 'python3'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) process.exit(r.status ?? 1);
  } else {
    console.error(`[deps] missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')} pkg-config build-essential`);
    process.exit(1);
  }
}
const { ensureOfflineVSCode } = await import('./vscode-offline.mjs');
try {
  ensureOfflineVSCode();
} catch (e) {
  console.error(`[deps] ${e.message}`);
  process.exit(1);
}
