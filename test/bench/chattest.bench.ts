/**
 * Conversation-test benchmarks (printed figures, no assertions), against a sandbox on loopback
 * with the demo flows:
 *   - `chatreq test --parallel 8` over 100 tests (in-process runCli): wall time and time per test
 *   - the runner's overhead: the same conversation as a test (runChatTest) and driven directly
 *     with LiveChat (launch, wait, reply, wait, end), one after the other, medians
 * Run alone: node out/test/bench/chattest.bench.js
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { openSession } from '../../src/core/aws/session';
import { prepareLaunch } from '../../src/core/chat/launch';
import { LiveChat } from '../../src/core/chat/liveChat';
import type { ChatRecord } from '../../src/core/chat/types';
import { parseChatTestText, runChatTest } from '../../src/core/chattest';
import { silentLogger } from '../../src/core/log';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, startSandboxWithFlows } from '../../src/sandbox';
import type { Figure } from './support';

const TESTS = 100;
const PARALLEL = 8;
const RUNS = Number(process.env.CHATREQ_BENCH_CHATTEST_RUNS ?? 20);

const request = { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Ana' } };
const steps = [{ expect: 'How can I help' }, { say: 'where is my order' }, { expect: 'order number' }, { say: '12345' }, { expect: 'shipped' }, { expectEnded: true }];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function bench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const sb = await startSandboxWithFlows();
  const dir = mkdtempSync(join(tmpdir(), 'chatreq-chattest-bench-'));
  try {
    writeFileSync(join(dir, 'support.chatreq.json'), JSON.stringify(request));
    for (let f = 0; f < 10; f++) {
      writeFileSync(join(dir, `suite-${f}.chattest.json`), JSON.stringify({ tests: Array.from({ length: TESTS / 10 }, (_, i) => ({ name: `order ${f}-${i}`, request: './support.chatreq.json', steps })) }));
    }
    let out = '';
    const io = { env: {}, cwd: dir, stdout: (t: string) => void (out += t), stderr: () => undefined };
    const t0 = performance.now();
    const code = await runCli(['test', '--endpoint', sb.url, '--parallel', String(PARALLEL), '--json'], io);
    const wall = performance.now() - t0;
    const doc = JSON.parse(out) as { tests: Array<{ durationMs: number }>; summary: { passed: number; failed: number } };
    figures.push({ name: `chatreq test: ${TESTS} tests at --parallel ${PARALLEL}, wall time`, value: wall, unit: 'ms' });
    figures.push({ name: `chatreq test: wall time per test (${TESTS} at --parallel ${PARALLEL})`, value: wall / TESTS, unit: 'ms' });
    figures.push({ name: 'chatreq test: median duration of one test (6 steps, in the parallel run)', value: median(doc.tests.map((t) => t.durationMs)), unit: 'ms' });
    figures.push({ name: `chatreq test: passed of ${TESTS} (exit ${code})`, value: doc.summary.passed, unit: 'tests' });

    // Overhead: the same conversation through the runner and by hand, sequentially.
    const session = await openSession({ connection: { kind: 'sandbox' }, sandboxEndpoint: sb.url });
    try {
      const test = parseChatTestText(JSON.stringify({ name: 'overhead', request, steps })).tests[0];
      const deps = { session, env: {}, readFile: () => Promise.reject(new Error('inline')) };
      const has = (text: string) => (r: ChatRecord) => r.transcript.some((i) => i.ParticipantRole !== 'CUSTOMER' && (i.Content ?? '').includes(text));
      const direct = async () => {
        const p = prepareLaunch({ text: JSON.stringify(request), env: {} });
        if (!p.ok) throw new Error(p.message);
        const chat = await LiveChat.launch({ session, logger: silentLogger }, { input: p.input, clientToken: p.clientToken, origin: { connectionKey: 'sandbox', connectionLabel: 'sandbox', region: 'us-east-1', instanceId: DEMO_INSTANCE_ID, contactFlowId: DEMO_FLOWS.supportBot } });
        await chat.until(has('How can I help'), 10_000);
        await chat.reply('where is my order');
        await chat.until(has('order number'), 10_000);
        await chat.reply('12345');
        await chat.until(has('shipped'), 10_000);
        await chat.until((r) => r.state === 'ended', 10_000);
        if (chat.isLive) await chat.endWithResult();
        chat.dispose();
      };
      const viaRunner = async () => {
        const r = await runChatTest(join(dir, 'x.chattest.json'), test, deps);
        if (r.status !== 'passed') throw new Error(r.failure?.text);
      };
      await direct();
      await viaRunner();
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let t = performance.now();
        await direct();
        a.push(performance.now() - t);
        t = performance.now();
        await viaRunner();
        b.push(performance.now() - t);
      }
      figures.push({ name: `runner: the conversation driven with LiveChat directly (median of ${RUNS})`, value: median(a), unit: 'ms' });
      figures.push({ name: `runner: the same conversation as a test, runChatTest (median of ${RUNS})`, value: median(b), unit: 'ms' });
      figures.push({ name: 'runner: overhead over the chat itself (difference of the medians)', value: median(b) - median(a), unit: 'ms' });
    } finally {
      session.dispose();
    }
  } finally {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (require.main === module) {
  bench().then(
    (fs) => {
      for (const f of fs) console.log(`${f.name.padEnd(80)} ${+f.value.toFixed(2)} ${f.unit}`);
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
