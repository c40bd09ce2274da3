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
const { ensureOfflineVSCode } = await import('./vscode-offline.mjs');
try {
  ensureOfflineVSCode();
} catch (e) {
  console.error(`[deps] ${e.message}`);
  process.exit(1);
}
