// Starts a real VS Code (code-server's build of VS Code 1.139.1) on loopback, isolated in a temp
// folder, and a Chromium page on it driven by playwright-core. Used by the integration layer,
// the e2e layer, the activation benchmark and `npm start`.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOfflineVSCode } from '../../scripts/vscode-offline.mjs';

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const defaultSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
};

/**
 * @param {object} o
 * @param {boolean} [o.smokeTestDriver]   enable the test hooks (integration tests)
 * @param {string[]} [o.installVsix]      .vsix files to install before starting
 * @param {Record<string, unknown>} [o.settings] user settings on top of the defaults
 * @param {Record<string, string>} [o.env] extra environment for the server and its extension host
 * @param {string[]} [o.dropEnv] prefixes of variables not to inherit from this process (e.g. 'AWS_')
 * @param {boolean} [o.quiet]
 * @param {number} [o.port]
 */
export async function startCodeServer(o = {}) {
  const paths = ensureOfflineVSCode({ quiet: o.quiet ?? true });
  const home = mkdtempSync(join(tmpdir(), 'chatreq-vscode-'));
  const userData = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...defaultSettings, ...(o.settings ?? {}) }, null, 2));
  writeFileSync(join(home, 'config.yaml'), 'auth: none\n');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(o.dropEnv ?? []).some((p) => k.startsWith(p))));
  const env = {
    ...inherited,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    EXTENSIONS_GALLERY: '{}',
    ...(o.env ?? {}),
  };
  const baseArgs = [
    paths.codeServerEntry,
    '--auth', 'none',
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
    '--config', join(home, 'config.yaml'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (!(o.settings && o.settings['security.workspace.trust.enabled'] === true)) {
    baseArgs.push('--disable-workspace-trust');
  }
  for (const vsix of o.installVsix ?? []) {
    await new Promise((res, rej) => {
      const c = spawn(paths.node, [...baseArgs, '--install-extension', vsix], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.stderr.on('data', (d) => (out += d));
      c.on('exit', (code) => (code === 0 ? res() : rej(new Error(`installing ${vsix} failed (${code}):\n${out}`))));
    });
  }
  const port = o.port ?? (await freePort());
  const args = [...baseArgs, '--bind-addr', `127.0.0.1:${port}`];
  if (o.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const child = spawn(paths.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}) before it was ready:\n${log}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => {
      if (child.exitCode !== null) return r();
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
        r();
      }, 3000);
      child.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
    rmSync(home, { recursive: true, force: true });
  };
  return { url, port, home, userData, extensionsDir, stop, get log() { return log; }, paths };
}

/** Opens Chromium (Debian's) with flags that keep it quiet and offline. */
export async function launchBrowser(paths) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: paths.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return browser;
}

/** The workbench URL for a folder, with an optional smoke-test payload. */
export function workbenchUrl(server, folder, payload) {
  let u = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return u;
}

/** vscode-remote URI for an absolute path on the server. */
export function remoteUri(server, absPath) {
  return `vscode-remote://127.0.0.1:${server.port}${absPath.split('/').map(encodeURIComponent).join('/')}`;
}
