/** JUnit XML (checked with a strict XML parser) and shards that partition a suite exactly. */
import assert from 'node:assert/strict';
import { createPacer, junitXml, parseShard, shardOf, type ChatTestResult } from '../../../src/core/chattest';
import { all, parseXml } from './xml';

const result = (name: string, status: ChatTestResult['status'], extra: Partial<ChatTestResult> = {}): ChatTestResult => ({ name, file: '/w/a.chattest.json', status, durationMs: 1234, steps: [], ...extra });

describe('chattest: JUnit and shards', () => {
  it('writes JUnit that a strict XML parser reads: a testcase per test, the failure with its step, the contact ID as a property', () => {
    const xml = junitXml(
      [
        result('passes <&> "quoted"', 'passed', { contactId: 'c-1' }),
        result('fails', 'failed', { contactId: 'c-2', retries: 1, failure: { step: 3, text: 'Step 3 (expect contains "x"): expected…\nBOT: "y & <z>"\u0001' } }),
        result('other', 'passed', { file: '/w/sub/b.chattest.json' }),
      ],
      { cwd: '/w' },
    );
    const doc = parseXml(xml);
    assert.equal(doc.name, 'testsuites');
    assert.equal(doc.attributes.tests, '3');
    assert.equal(doc.attributes.failures, '1');
    const suites = all(doc, 'testsuite');
    assert.deepEqual(
      suites.map((s) => s.attributes.name),
      ['a.chattest.json', 'sub/b.chattest.json'],
    );
    const cases = all(doc, 'testcase');
    assert.deepEqual(
      cases.map((c) => c.attributes.name),
      ['passes <&> "quoted"', 'fails', 'other'],
    );
    assert.equal(cases[0].attributes.time, '1.234');
    const props = all(cases[1], 'property').map((p) => [p.attributes.name, p.attributes.value]);
    assert.deepEqual(props, [
      ['contactId', 'c-2'],
      ['retries', '1'],
    ]);
    const f = all(cases[1], 'failure')[0];
    assert.equal(f.attributes.type, 'step 3');
    assert.match(f.text, /^Step 3 \(expect contains "x"\)/);
    assert.match(f.text, /BOT: "y & <z>"$/);
    assert.equal(all(cases[0], 'failure').length, 0);
  });

  it('--shard I/N: deterministic slices that partition the suite exactly, whatever the input order', () => {
    const keys = Array.from({ length: 23 }, (_, i) => `file${i % 4}.chattest.json\u0000test ${i}`);
    // Another order: every 7th key, wrapping around (7 and 23 are coprime).
    const shuffled = keys.map((_, i) => keys[(i * 7) % keys.length]);
    for (const N of [1, 2, 3, 5, 23, 30]) {
      const slices = Array.from({ length: N }, (_, i) => shardOf(keys, (k) => k, { index: i + 1, count: N }));
      const again = Array.from({ length: N }, (_, i) => shardOf(shuffled, (k) => k, { index: i + 1, count: N }));
      assert.deepEqual(slices, again, 'the same slices from any order');
      const flat = slices.flat();
      assert.equal(flat.length, keys.length);
      assert.deepEqual([...flat].sort(), [...keys].sort(), 'each test in exactly one slice');
      const sizes = slices.map((s) => s.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, 'balanced');
    }
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'x', '1-2']) assert.equal(typeof parseShard(bad), 'string');
  });
});

describe('chattest: launch pacing', () => {
  it('hands out one StartChatContact slot every 1/rate s across concurrent callers; Infinity never waits; abort releases', async () => {
    const pace = createPacer(40);
    const at: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => pace().then(() => at.push(performance.now()))));
    at.sort((a, b) => a - b);
    // 6 slots at 25 ms apart: the last is at least ~125 ms after the first (timers may be late, never early).
    assert.ok(at[5] - at[0] >= 120, `spread ${at[5] - at[0]} ms`);
    const free = createPacer(Infinity);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 100 }, () => free()));
    assert.ok(performance.now() - t0 < 50);
    const slow = createPacer(0.01);
    await slow();
    const ac = new AbortController();
    const waiting = slow(ac.signal);
    ac.abort();
    await waiting;
  });
});
