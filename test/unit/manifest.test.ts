import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('package.json contributions', () => {
  const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
    contributes: { viewsWelcome: Array<{ view: string; contents: string }> };
  };

  it('viewsWelcome uses only what welcome views render (links and line breaks, no code spans)', () => {
    for (const w of pkg.contributes.viewsWelcome) {
      // Welcome views render [text](command:...) links and nothing else of markdown: a backtick shows as is.
      assert.doesNotMatch(w.contents.replace(/\[[^\]]*\]\([^)]*\)/g, ''), /[`*_]{1,2}\S.*?[`*_]{1,2}/, `${w.view}: ${w.contents}`);
    }
  });
});

describe('README: the chatreq CLI', () => {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { bin: Record<string, string> };

  it('says how to put chatreq on the PATH: npm link, npx, or the packaged extension', () => {
    assert.match(readme, /`npm link`[^.]*global `chatreq` command/);
    assert.match(readme, /`npx chatreq/);
    assert.match(readme, /packaged extension carries the same CLI: `node\s+~\/\.vscode\/extensions\/chatreq\.chatreq-[\d.]+\/dist\/cli\.js`/);
    // npm link and npx run the bin file directly: it needs its shebang.
    assert.equal(pkg.bin.chatreq, './dist/cli.js');
    assert.ok(readFileSync(join(process.cwd(), pkg.bin.chatreq), 'utf8').startsWith('#!/usr/bin/env node\n'), 'dist/cli.js starts with a node shebang (run node scripts/build.mjs first)');
  });
});
