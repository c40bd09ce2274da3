#!/usr/bin/env node
// `npm test`: builds once, then runs the three layers and ends with one line over all of them:
//   unit         mocha in plain Node on the vscode-free code        (out/test/unit/**/*.test.js)
//   integration  mocha inside a real VS Code extension host, offline (out/test/integration/**/*.test.js)
//   e2e          Playwright against the real workbench, the extension installed from its .vsix
//                (out/test/e2e/**/*.test.js)
//
//   node scripts/test.mjs [unit|integration|e2e ...] [--grep PATTERN]
//
// Exit code 1 when any test fails (or a layer could not run), 0 otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const allLayers = ['unit', 'integration', 'e2e'];

const argv = process.argv.slice(2);
let grep;
const layers = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--grep') grep = argv[++i];
  else if (allLayers.includes(argv[i])) layers.push(argv[i]);
  else {
    console.error(`test.mjs: unknown argument '${argv[i]}'. Layers: ${allLayers.join(', ')}; option: --grep PATTERN`);
    process.exit(2);
  }
}
if (layers.length === 0) layers.push(...allLayers);

const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });

function listTests(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const acc = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.js')) acc.push(p);
    }
  };
  walk(abs);
  return acc;
}

function readResults(file, layer) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { passed: 0, failed: 1, pending: 0, failures: [{ title: `${layer} layer`, message: 'the layer ended without reporting results (see its output above)' }] };
  }
}

function runNode(args, env) {
  return new Promise((res) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => res(code ?? (signal ? 1 : 0)));
  });
}

async function runMochaLayer(layer, extraEnv = {}) {
  const files = listTests(`out/test/${layer}`);
  if (files.length === 0) {
    return { passed: 0, failed: 1, pending: 0, failures: [{ title: layer, message: `no test files in out/test/${layer}` }] };
  }
  const resultsFile = join(resultsDir, `${layer}-${process.pid}.json`);
  rmSync(resultsFile, { force: true });
  const args = [
    join(root, 'node_modules/mocha/bin/mocha.js'),
    '--reporter', join(root, 'test/support/reporter.cjs'),
    '--forbid-only', '--forbid-pending',
    '--timeout', layer === 'unit' ? '20000' : '180000',
    ...(grep ? ['--grep', grep] : []),
    ...files,
  ];
  await runNode(args, { CHATREQ_RESULTS_FILE: resultsFile, ...extraEnv });
  const r = readResults(resultsFile, layer);
  rmSync(resultsFile, { force: true });
  return r;
}

const runners = {
  unit: () => runMochaLayer('unit'),
  integration: async () => {
    const { runIntegration } = await import(join(root, 'test/support/integrationRunner.mjs'));
    // Two windows: a trusted one for most files, and one with Workspace Trust on and the folder
    // untrusted for test/integration/restricted (Restricted Mode cannot be entered from a trusted window).
    const passes = [
      { name: 'trusted', options: {} },
      {
        name: 'restricted',
        options: {
          fixture: 'test/fixtures/restricted-workspace',
          env: { CHATREQ_TEST_SUITE: 'restricted' },
          settings: {
            'security.workspace.trust.enabled': true,
            'security.workspace.trust.startupPrompt': 'never',
            'security.workspace.trust.banner': 'never',
            // A user-level value: what Restricted Mode uses instead of the workspace's.
            'chatreq.sandbox.pace': 'instant',
          },
        },
      },
    ];
    const total = { passed: 0, failed: 0, pending: 0, failures: [] };
    for (const pass of passes) {
      // A --grep that names no test of the restricted window's files spares starting that window.
      if (pass.name === 'restricted' && grep) {
        const files = listTests('out/test/integration/restricted');
        const pattern = new RegExp(grep);
        if (!files.some((f) => pattern.test(readFileSync(f, 'utf8')))) continue;
      }
      const resultsFile = join(resultsDir, `integration-${pass.name}-${process.pid}.json`);
      rmSync(resultsFile, { force: true });
      console.log(`\n[integration] ${pass.name} window`);
      try {
        await runIntegration({ resultsFile, grep, ...pass.options });
      } catch (e) {
        console.error(`[integration] ${e.message}`);
      }
      const r = readResults(resultsFile, `integration (${pass.name} window)`);
      rmSync(resultsFile, { force: true });
      total.passed += r.passed;
      total.failed += r.failed;
      total.pending += r.pending;
      total.failures.push(...(r.failures ?? []));
    }
    return total;
  },
  e2e: async () => {
    // The e2e layer tests the packaged extension: build the .vsix first.
    const pkg = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'inherit' });
    if (pkg.status !== 0) {
      return { passed: 0, failed: 1, pending: 0, failures: [{ title: 'e2e', message: 'npm run package failed' }] };
    }
    return runMochaLayer('e2e', { CHATREQ_VSIX: join(root, 'chatreq.vsix') });
  },
};

async function main() {
  const started = Date.now();
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
  const summary = [];
  for (const layer of layers) {
    console.log(`\n━━ ${layer} ━━`);
    const t = Date.now();
    const r = await runners[layer]();
    summary.push({ layer, ...r, seconds: (Date.now() - t) / 1000 });
  }
  console.log('\n━━ summary ━━');
  for (const s of summary) {
    console.log(`${s.layer.padEnd(12)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(3)} failed ${String(s.pending).padStart(3)} pending  ${s.seconds.toFixed(1)} s`);
    for (const f of s.failures ?? []) console.log(`  ✗ ${f.title}: ${f.message.split('\n')[0]}`);
  }
  const passed = summary.reduce((a, s) => a + s.passed, 0);
  const failed = summary.reduce((a, s) => a + s.failed + s.pending, 0);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
});
