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
