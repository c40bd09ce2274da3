#!/usr/bin/env node
// `npm run bench`: prints figures, asserts nothing. Foundation figures (activation time in the real
// extension host, code loaded at activation, .vsix size), then every test/bench/*.bench.ts module.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const figures = [];
const add = (name, value, unit) => {
  figures.push({ name, value, unit });
  console.log(`${name.padEnd(60)} ${typeof value === 'number' ? +value.toFixed(2) : value} ${unit}`);
};

// The packaged (production) bundle is what users load: size and activation are measured on it.
if (spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) process.exit(1);
add('vsix size', statSync(join(root, 'chatreq.vsix')).size / 1024, 'KiB');
// Before the activation shell (issue 14 item 5), everything was in dist/extension.js: these were
// the figures on that main, with this script, for comparison.
const BEFORE = { bundleKiB: 271, loadMs: 47, activateMs: 10.7 };
const shellKiB = statSync(join(root, 'dist/extension.js')).size / 1024;
add('code loaded at activation (dist/extension.js, production)', shellKiB, `KiB (before the shell: ${BEFORE.bundleKiB} KiB)`);
add('features, loaded when first needed (dist/features.js, production)', statSync(join(root, 'dist/features.js')).size / 1024, 'KiB');

// Activation time: each run is a fresh VS Code whose extension host activates Chatreq once.
const { runIntegration } = await import('../test/support/integrationRunner.mjs');
const runs = Number(process.env.CHATREQ_BENCH_ACTIVATIONS ?? 7);
const totals = [];
const loads = [];
const bodies = [];
const problems = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'chatreq-bench-'));
  const out = join(dir, 'activation.json');
  await runIntegration({ emptyWorkspace: true, testsModule: join(root, 'out/test/support/activationProbe.js'), env: { CHATREQ_BENCH_OUT: out }, onLog: () => undefined });
  const r = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { error: 'the probe wrote nothing' };
  rmSync(dir, { recursive: true, force: true });
  if (r.error) problems.push(`not counted: ${r.error}`);
  else {
    if (r.ms !== null) totals.push(r.ms);
    if (r.loadMs !== null) loads.push(r.loadMs);
    for (const line of r.activatedBefore ?? []) problems.push(`the host activated Chatreq before the probe ran, so only activate() counted: ${line.replace(/^\[\w+\]\s*/, '')}`);
    bodies.push(r.activateMs);
    if (r.featuresLoaded) problems.push('activation loaded the features in a workspace without Chatreq files');
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
// ext.activate() as a whole includes the extension host's own work (and whatever else the host is
// busy with), so the two parts that are Chatreq's own are printed too.
add(`activation: loading the bundle (median of ${loads.length})`, median(loads), `ms (before the shell: ${BEFORE.loadMs} ms)`);
add(`activation: Chatreq's activate() (median of ${bodies.length})`, median(bodies), `ms (before the shell: ${BEFORE.activateMs} ms)`);
add(`activation: ext.activate() in the extension host, all in (median of ${totals.length})`, median(totals), 'ms');
for (const p of new Set(problems)) console.log(`  (${problems.filter((x) => x === p).length} run(s): ${p})`);
// Test Chats in the extension host: Launch command to the flow's first message in the tree, and a
// 200-chat history restored into a fresh manager.
{
  const dir = mkdtempSync(join(tmpdir(), 'chatreq-bench-'));
  const out = join(dir, 'launch.json');
  await runIntegration({ testsModule: join(root, 'out/test/support/launchProbe.js'), env: { CHATREQ_BENCH_OUT: out }, onLog: () => undefined });
  const r = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { error: 'the probe wrote nothing' };
  rmSync(dir, { recursive: true, force: true });
  if (r.error) console.log(`  Test Chats probe failed: ${r.error}`);
  else {
    add(`test chats: Launch command to first flow message in the tree (median of ${r.launchToFirstMessageMs.length})`, median(r.launchToFirstMessageMs), 'ms');
    add(`test chats: restore a 200-chat history (median of ${r.restore200Ms.length})`, median(r.restore200Ms), 'ms');
  }
}
// Leave the development build (sourcemaps) in dist/ for the tests.
spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore' });

for (const f of readdirSync(join(root, 'out/test/bench')).filter((n) => n.endsWith('.bench.js')).sort()) {
  console.log(`\n── ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', `require(${JSON.stringify(join(root, 'out/test/bench', f))}).bench().then(r=>console.log('@@'+JSON.stringify(r)),e=>{console.error(e);process.exit(1)})`], { cwd: root, encoding: 'utf8' });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('@@'));
  if (!line) { console.log(`  failed: ${r.stderr.slice(0, 500)}`); continue; }
  for (const x of JSON.parse(line.slice(2))) add(`${f.replace('.bench.js', '')}: ${x.name}`, x.value, x.unit);
}
writeFileSync(join(root, 'test-results', 'bench.json'), JSON.stringify(figures, null, 2));
