import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, completionsAt, hoverAt, validateRequestText, type Diagnostic } from '../../../src/core/request';
import { LineIndex } from '../../../src/core/request/text';

const root = join(process.cwd(), 'test/fixtures/requests');
const fixtures = ['valid', 'invalid'].flatMap((d) => readdirSync(join(root, d)).map((f) => ({ name: `${d}/${f}`, text: readFileSync(join(root, d, f), 'utf8') })));

function assertRangeConsistent(text: string, d: Diagnostic, where: string): void {
  const lines = new LineIndex(text);
  assert.ok(d.range.offset >= 0 && d.range.offset + d.range.length <= text.length, `${where}: ${d.code} range outside the text`);
  assert.deepEqual(d.range.start, lines.position(d.range.offset), `${where}: ${d.code} start does not match its offset`);
  assert.deepEqual(d.range.end, lines.position(d.range.offset + d.range.length), `${where}: ${d.code} end does not match its length`);
  for (const f of d.fixes ?? []) {
    for (const e of f.edits) assert.ok(e.offset >= 0 && e.offset + e.length <= text.length, `${where}: fix "${f.title}" edits outside the text`);
  }
}

describe('request engine robustness', () => {
  it('every fixture is checked by this suite', () => {
    assert.ok(fixtures.length >= 7);
  });

  for (const { name, text } of fixtures) {
    it(`${name}: every prefix validates without throwing, with consistent ranges`, () => {
      for (let n = 0; n <= text.length; n++) {
        const prefix = text.slice(0, n);
        for (const d of validateRequestText(prefix)) assertRangeConsistent(prefix, d, `${name}[0..${n}]`);
      }
    });

    it(`${name}: completion and hover work at every offset`, () => {
      for (let o = 0; o <= text.length; o++) {
        for (const c of completionsAt(text, o)) {
          assert.ok(c.replace.offset >= 0 && c.replace.offset + c.replace.length <= text.length, `${name}@${o}: ${c.label} replaces outside the text`);
          assert.ok(c.replace.offset <= o && o <= c.replace.offset + c.replace.length, `${name}@${o}: ${c.label} replace range misses the cursor`);
        }
        hoverAt(text, o);
      }
    });

    it(`${name}: each quick fix makes its own diagnostic go away`, () => {
      // The same problem can be reported more than once in the same words (two trailing commas):
      // a fix must leave fewer of them.
      const key = (x: Diagnostic): string => `${x.code} ${JSON.stringify(x.path)} ${x.message}`;
      const before = validateRequestText(text);
      for (const d of before) {
        for (const f of d.fixes ?? []) {
          const after = validateRequestText(applyEdits(text, f.edits));
          const count = (list: Diagnostic[]): number => list.filter((x) => key(x) === key(d)).length;
          assert.ok(count(after) < count(before), `${name}: "${f.title}" left ${d.code} in place`);
        }
      }
    });
  }
});
