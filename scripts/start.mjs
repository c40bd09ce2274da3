#!/usr/bin/env node
// `npm start`: builds Chatreq and opens it in a real VS Code with a copy of the example workspace
// (in the temp folder, so auto-save and edits never touch the repository's files).
// A desktop `code` on PATH is used when present; otherwise the offline VS Code (code-server)
// serves the workbench on 127.0.0.1 and its URL is printed (Ctrl+C stops it).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyExampleWorkspace } from './exampleWorkspace.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--no-tests'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const example = copyExampleWorkspace(root);
console.log(`Opening a copy of examples/workspace: ${example}`);

const hasCode = spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode && !process.env.CHATREQ_OFFLINE_VSCODE) {
  const r = spawnSync('code', ['--new-window', `--extensionDevelopmentPath=${root}`, example], { stdio: 'inherit' });
  process.exit(r.status ?? 0);
}
// A built web workbench ignores development paths, so the offline VS Code runs the packaged
// extension, exactly as a user would install it.
const pkg = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (pkg.status !== 0) process.exit(1);
const { startCodeServer } = await import('../test/support/codeServer.mjs');
const port = Number(process.env.PORT ?? 8080);
const server = await startCodeServer({ port, quiet: false, installVsix: [join(root, 'chatreq.vsix')] });
const url = `${server.url}/?folder=${encodeURIComponent(example)}`;
console.log(`Chatreq is running in VS Code 1.139.1 at:\n  ${url}\nPress Ctrl+C to stop.`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
