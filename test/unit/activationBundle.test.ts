/**
 * What VS Code loads at activation: dist/extension.js as the production build makes it. Chatreq
 * activates for every JSON file, so that bundle must be the shell alone (the features, the AWS SDK
 * and the sandbox are separate files it requires when needed) and stay small.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Metafile } from 'esbuild';

const ROOT = process.cwd();
const LIMIT_BYTES = 30 * 1024;

/** Inputs that must never be part of the activation bundle. */
const HEAVY = [
  /^node_modules\//,
  /^src\/extension\/(account|authoring|chats|connections|conversation|explorer|form|pickers|testing)\//,
  /^src\/extension\/(features|sandboxHost|sandboxCommands|services)\.ts$/,
  /^src\/core\/(aws|chat|chattest|connection|request)\//,
  /^src\/sandbox\//,
];

describe('the activation bundle (dist/extension.js, production)', function () {
  this.timeout(60_000);
  let meta: Metafile;
  let shell: Metafile['outputs'][string];
  let features: Metafile['outputs'][string];

  before(async () => {
    const esbuild = await import('esbuild');
    const build = (await import(pathToFileURL(join(ROOT, 'scripts/build.mjs')).href)) as { extensionBuildOptions: (o: { production: boolean }) => BuildOptions };
    const result = await esbuild.build({ ...build.extensionBuildOptions({ production: true }), write: false, metafile: true, logLevel: 'silent' });
    meta = result.metafile;
    const out = (name: string) => {
      const key = Object.keys(meta.outputs).find((k) => k.endsWith(`dist/${name}`));
      assert.ok(key, `the build made no dist/${name} (outputs: ${Object.keys(meta.outputs).join(', ')})`);
      return meta.outputs[key];
    };
    shell = out('extension.js');
    features = out('features.js');
  });

  it('contains none of the feature modules, the AWS SDK or the sandbox', () => {
    const inputs = Object.keys(shell.inputs);
    const heavy = inputs.filter((i) => HEAVY.some((re) => re.test(i)));
    assert.deepEqual(heavy, [], `loaded at activation although only a feature needs it:\n  ${heavy.join('\n  ')}`);
    // The features are where they belong, so the check above looked at a real split.
    assert.ok(Object.keys(features.inputs).some((i) => i.startsWith('src/extension/chats/')), 'dist/features.js holds no Test Chats code');
  });

  it(`is at most ${LIMIT_BYTES / 1024} KiB`, () => {
    const largest = Object.entries(shell.inputs)
      .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
      .slice(0, 8)
      .map(([k, v]) => `${k} ${v.bytesInOutput} B`);
    assert.ok(shell.bytes <= LIMIT_BYTES, `dist/extension.js is ${shell.bytes} bytes; the largest inputs:\n  ${largest.join('\n  ')}`);
  });

  it('requires the features bundle by its file name, at run time', () => {
    assert.ok(shell.imports.some((i) => i.path === './features.js' && i.external), `dist/extension.js does not require ./features.js: ${JSON.stringify(shell.imports)}`);
  });

  it('every file the shell requires goes into the .vsix', () => {
    const kept = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
    const required = [...shell.imports, ...features.imports].filter((i) => i.external && i.path.startsWith('./')).map((i) => `dist/${i.path.slice(2)}`);
    assert.ok(required.length >= 2, `the bundles require no lazy files: ${JSON.stringify(required)}`);
    const missing = required.filter((f) => !kept.includes(f));
    assert.deepEqual(missing, [], `.vscodeignore leaves out ${missing.join(', ')}`);
  });
});
