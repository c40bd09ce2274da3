#!/usr/bin/env node
// Runs the integration tests (the same out/test/integration/index.js module) under
// @vscode/test-electron, on machines that can download or already have a desktop VS Code.
// Set VSCODE_EXECUTABLE to use an installed `code` binary instead of downloading one.
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workspace = mkdtempSync(join(tmpdir(), 'chatreq-electron-ws-'));
cpSync(join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { CHATREQ_TEST_WORKSPACE: workspace, CHATREQ_ROOT: root },
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
  });
} catch (e) {
  console.error(`test:electron failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
