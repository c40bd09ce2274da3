import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.cwd();

describe('npm start: the workspace it opens', () => {
  it('is a copy of examples/workspace outside the repository, so edits there leave tracked files alone', async () => {
    const mod = (await import(pathToFileURL(join(root, 'scripts', 'exampleWorkspace.mjs')).href)) as { copyExampleWorkspace: (root: string) => string };
    const copy = mod.copyExampleWorkspace(root);
    try {
      assert.ok(relative(root, copy).startsWith('..'), `${copy} is inside the repository`);
      const example = join(root, 'examples', 'workspace');
      const files = readdirSync(example).sort();
      assert.deepEqual(readdirSync(copy).sort(), files);
      for (const f of files) assert.equal(readFileSync(join(copy, f), 'utf8'), readFileSync(join(example, f), 'utf8'), f);
      const original = readFileSync(join(example, 'support.chatreq.json'), 'utf8');
      writeFileSync(join(copy, 'support.chatreq.json'), '{}');
      assert.equal(readFileSync(join(example, 'support.chatreq.json'), 'utf8'), original);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('scripts/start.mjs opens that copy, never examples/workspace itself', () => {
    const start = readFileSync(join(root, 'scripts', 'start.mjs'), 'utf8');
    assert.match(start, /const example = copyExampleWorkspace\(root\);/);
    assert.doesNotMatch(start, /join\(root, 'examples', 'workspace'\)/);
  });
});
