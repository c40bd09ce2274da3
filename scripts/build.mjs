#!/usr/bin/env node
// One esbuild script for every artifact:
//   dist/extension.js  the activation shell (CommonJS, node, `vscode` external): all that is loaded
//                      at activation, so it stays small (test/unit/activationBundle.test.ts)
//   dist/features.js   every feature, required by the shell the first time one is needed
//   dist/aws.js        the AWS SDK access layer, a separate file loaded by a lazy import()
//   dist/sandbox.js    the Connect sandbox, loaded by `chatreq sandbox` (the extension runs that as a child process)
//   dist/json.js       VS Code's JSON language service for the core's checks, loaded on first use
//   dist/cli.js        the `chatreq` CLI (it loads dist/aws.js, dist/sandbox.js, dist/json.js when a command needs them)
//   dist/webview/*.js  the webview UI (browser, IIFE)
//   out/**             every src/ and test/ file transpiled one-to-one, for the test runners
//
// Flags: --production (minify, no sourcemaps), --watch, --no-tests (skip out/).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = !args.has('--no-tests');

/**
 * Modules the extension loads lazily, each bundled into a file of its own. A dynamic `import()`
 * of one of these from the extension bundle becomes `require('./<file>')` at run time, so its
 * code is neither parsed nor run at activation.
 */
export const lazyChunks = {
  'src/core/aws/sdk.ts': 'aws.js',
  'src/sandbox/index.ts': 'sandbox.js',
  'src/core/json/engine.ts': 'json.js',
};

/**
 * Node programs load the JSON engine with the core's validation (src/core/json/static.ts); the
 * extension's bundles get an empty module instead and load the engine as the lazy chunk json.js.
 */
const jsonEngineStaticPath = join(root, 'src/core/json/static.ts');
const lazyJsonEnginePlugin = {
  name: 'chatreq-lazy-json-engine',
  setup(build) {
    build.onResolve({ filter: /json[/\\]static$/ }, (a) => (resolve(a.resolveDir, `${a.path}.ts`) === jsonEngineStaticPath ? { path: jsonEngineStaticPath, namespace: 'chatreq-empty' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'chatreq-empty' }, () => ({ contents: '', loader: 'js' }));
  },
};

/**
 * Entry points of the extension bundle build: the shell and the features it requires lazily.
 * `require('./features')` from the shell stays a require of the separate file at run time.
 */
export const extensionEntries = {
  extension: 'src/extension/extension.ts',
  features: 'src/extension/features.ts',
};

const lazyChunkPlugin = {
  name: 'chatreq-lazy-chunks',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (a) => {
      if (!a.path.startsWith('.')) return undefined;
      const base = resolve(a.resolveDir, a.path);
      if (a.kind === 'require-call' && a.importer === join(root, extensionEntries.extension)) {
        for (const [out, src] of Object.entries(extensionEntries)) {
          const abs = join(root, src);
          if (out !== 'extension' && (abs === base || abs === `${base}.ts`)) return { path: `./${out}.js`, external: true };
        }
      }
      if (a.kind !== 'dynamic-import') return undefined;
      for (const [src, out] of Object.entries(lazyChunks)) {
        const abs = join(root, src);
        if (abs === base || abs === `${base}.ts` || abs === join(base, 'index.ts')) {
          return { path: `./${out}`, external: true };
        }
      }
      return undefined;
    });
  },
};

const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
    });
  },
};

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const define = { __CHATREQ_VERSION__: JSON.stringify(pkg.version) };

const common = {
  define,
  bundle: true,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [problemMatcherPlugin],
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The SDK ships both module flavours; prefer the ESM entry points so esbuild can drop unused code.
  mainFields: ['module', 'main'],
};

function listFiles(dir, pred, acc = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, pred, acc);
    else if (pred(p)) acc.push(p);
  }
  return acc;
}

/** The build of dist/extension.js and dist/features.js (the unit test of the shell builds it in memory). */
export function extensionBuildOptions({ production: prod = production } = {}) {
  return {
    ...nodeCommon,
    sourcemap: prod ? false : 'linked',
    minify: prod,
    entryPoints: extensionEntries,
    outdir: join(root, 'dist'),
    absWorkingDir: root,
    external: ['vscode'],
    plugins: [...nodeCommon.plugins, lazyChunkPlugin, lazyJsonEnginePlugin],
  };
}

function configs() {
  const webviewEntries = listFiles(join(root, 'src/webview'), (p) => /[/\\]main\.ts$/.test(p)).map((p) =>
    relative(root, p),
  );
  const list = [
    extensionBuildOptions(),
    {
      ...nodeCommon,
      entryPoints: Object.fromEntries(
        Object.entries(lazyChunks).map(([src, out]) => [out.replace(/\.js$/, ''), src]),
      ),
      outdir: 'dist',
      external: ['vscode'],
      plugins: [...nodeCommon.plugins, lazyJsonEnginePlugin],
    },
    {
      ...nodeCommon,
      entryPoints: { cli: 'src/cli/main.ts' },
      outdir: 'dist',
      banner: { js: '#!/usr/bin/env node' },
      // The SDK and the sandbox load from their own files next to it, only for the commands that need them.
      plugins: [...nodeCommon.plugins, lazyChunkPlugin],
    },
    {
      ...common,
      entryPoints: webviewEntries,
      outbase: 'src/webview',
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
    },
  ].filter((c) => !Array.isArray(c.entryPoints) || c.entryPoints.length > 0);
  if (withTests) {
    // The JSON engine's library ships only as ES modules, which Node 20's require() cannot load:
    // its out/ file is a bundle (CommonJS, the library inside); everything else is one-to-one.
    const jsonEngine = join(root, 'src/core/json/engine.ts');
    list.push({ ...nodeCommon, entryPoints: [jsonEngine], outfile: join(root, 'out/src/core/json/engine.js'), sourcemap: 'inline' });
    const files = [
      ...listFiles(join(root, 'src'), (p) => p.endsWith('.ts') && !p.endsWith('.d.ts') && p !== jsonEngine),
      ...listFiles(join(root, 'test'), (p) => p.endsWith('.ts') && !p.endsWith('.d.ts')),
    ].map((p) => relative(root, p));
    list.push({
      entryPoints: files,
      outbase: '.',
      outdir: 'out',
      bundle: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      define,
      logLevel: 'warning',
      plugins: [problemMatcherPlugin],
    });
  }
  return list;
}

function copyAssets() {
  // JSON and other data files next to the sources are read at run time from out/ as well.
  for (const dir of ['src', 'test']) {
    for (const f of listFiles(join(root, dir), (p) => !p.endsWith('.ts'))) {
      const rel = relative(root, f);
      mkdirSync(dirname(join(root, 'out', rel)), { recursive: true });
      cpSync(f, join(root, 'out', rel));
    }
  }
}

/**
 * Files the packaged extension reads at run time besides the bundles: the request and
 * conversation-test schemas for VS Code's JSON language service (jsonValidation), as
 * src/core/request/editorSchema.ts and src/core/chattest/editorSchema.ts make them.
 */
async function copyDistAssets() {
  const built = async (entry) => {
    const { outputFiles } = await esbuild.build({
      entryPoints: [join(root, entry)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      mainFields: ['module', 'main'],
      write: false,
      logLevel: 'warning',
    });
    const mod = { exports: {} };
    new Function('module', 'exports', 'require', outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
    return mod.exports;
  };
  mkdirSync(join(root, 'dist/schema'), { recursive: true });
  writeFileSync(join(root, 'dist/schema/chatreq.schema.json'), `${JSON.stringify((await built('src/core/request/editorSchema.ts')).editorSchema(), null, 2)}\n`);
  // The conversation-test schema, with the request schema built in for inline requests and overrides.
  writeFileSync(join(root, 'dist/schema/chattest.schema.json'), `${JSON.stringify((await built('src/core/chattest/editorSchema.ts')).chattestEditorSchema(), null, 2)}\n`);
  // The codicons font and its stylesheet, served to the conversation webview from the extension.
  mkdirSync(join(root, 'dist/webview/codicons'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(join(root, 'node_modules/@vscode/codicons/dist', f), join(root, 'dist/webview/codicons', f));
}

async function main() {
  process.chdir(root);
  // Only a production build starts from an empty dist/ (it is what gets packaged). Other builds
  // overwrite in place, so a build never pulls files from under a test run that is reading them.
  if (production) rmSync(join(root, 'dist'), { recursive: true, force: true });
  const started = Date.now();
  if (watch) {
    const ctxs = await Promise.all(configs().map((c) => esbuild.context(c)));
    await Promise.all(ctxs.map((c) => c.watch()));
    await copyDistAssets();
    if (withTests) copyAssets();
    console.log('[build] watching for changes…');
    return;
  }
  const results = await Promise.all(configs().map((c) => esbuild.build(c)));
  if (results.some((r) => r.errors.length)) process.exit(1);
  await copyDistAssets();
  if (withTests) copyAssets();
  console.log(`[build] done in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}
