import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Connect's message limits and wire content types are written once, in src/core/request/limits.ts
 * (issue 12 item 2): this scan finds a copy written by hand anywhere else in src/.
 */
const root = join(__dirname, '../../../..');
const src = join(root, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The code without its comments (block and line comments; strings are left alone). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

describe('one source for Connect limits and content types', () => {
  const files = tsFiles(src).filter((f) => !f.endsWith(join('request', 'limits.ts')));

  it('no other file of src/ writes the 16,384-character message limit or an Amazon Connect content type', () => {
    const found: string[] = [];
    for (const f of files) {
      const c = code(readFileSync(f, 'utf8'));
      if (/\b16_?384\b/.test(c)) found.push(`${relative(root, f)}: 16384`);
      for (const m of c.matchAll(/['"`]application\/vnd\.amazonaws\.connect\.[^'"`]*['"`]/g)) found.push(`${relative(root, f)}: ${m[0]}`);
    }
    assert.deepEqual(found, [], 'read these from src/core/request/limits.ts');
  });

  it('the scan sees a copy when there is one', () => {
    assert.match(code("const t = 'application/vnd.amazonaws.connect.event.typing'; // x"), /application\/vnd\.amazonaws\.connect/);
    assert.doesNotMatch(code("// 'application/vnd.amazonaws.connect.event.typing'\nconst n = 1;"), /amazonaws/);
  });
});
