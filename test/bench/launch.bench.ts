/**
 * `chatreq launch` benchmarks (printed figures, no timed assertions), against a sandbox on loopback:
 *   - end to end, process start to exit: `chatreq launch --count 1 --keep --endpoint` (the same
 *     work as the AWS CLI: one StartChatContact) vs `aws connect start-chat-contact
 *     --cli-input-json` with dummy credentials and --endpoint-url, and the ratio; plus a full
 *     `chatreq launch --endpoint` (connect, WebSocket, the flow's first messages, leave)
 *   - `chatreq launch --count 500` against a StartChatContact quota (TPS below the asked rate):
 *     throughput, failures, throttled answers, and duplicate contacts (CLI summary and the
 *     sandbox's own count)
 */
import { execFile } from 'node:child_process';
import { awsCliEnv } from '../support/awsCli';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_FLOWS, DEMO_INSTANCE_ID, startSandboxWithFlows } from '../../src/sandbox';
import type { Figure } from './support';

const root = resolve(__dirname, '../../..');
const cli = join(root, 'dist/cli.js');
const RUNS = Number(process.env.CHATREQ_BENCH_LAUNCH_RUNS ?? 5);
const COUNT = 500;
const QUOTA_TPS = 50;
const ASKED_RATE = 80;

// The bench lets the AWS CLI retry as a user's would.
const { AWS_MAX_ATTEMPTS: _attempts, ...env } = awsCliEnv();

function timed(file: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ ms: number; code: number; stdout: string; stderr: string }> {
  const t0 = process.hrtime.bigint();
  return new Promise((done) => {
    execFile(file, args, { env: { ...env, ...extraEnv }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export async function bench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const sb = await startSandboxWithFlows();
  const dir = mkdtempSync(join(tmpdir(), 'chatreq-launch-bench-'));
  try {
    const input = { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'Bench' } };
    const file = join(dir, 'bench.chatreq.json');
    writeFileSync(file, JSON.stringify(input));
    // The AWS CLI gets the same members (execFile passes the JSON as one argument, no shell).
    const awsArgs = ['connect', 'start-chat-contact', '--cli-input-json', JSON.stringify(input), '--endpoint-url', sb.url, '--output', 'json'];

    const chatreqStart: number[] = [];
    const awsStart: number[] = [];
    const chatreqFull: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = await timed(process.execPath, [cli, 'launch', file, '--endpoint', sb.url, '--count', '1', '--keep', '--json']);
      if (a.code !== 0) throw new Error(`chatreq launch --count 1 failed: ${a.stderr.slice(0, 300)}`);
      chatreqStart.push(a.ms);
      const b = await timed('aws', awsArgs);
      if (b.code !== 0) throw new Error(`aws connect start-chat-contact failed: ${b.stderr.slice(0, 300)}`);
      awsStart.push(b.ms);
      const c = await timed(process.execPath, [cli, 'launch', file, '--endpoint', sb.url, '--wait', '0.1', '--json']);
      if (c.code !== 0) throw new Error(`chatreq launch failed: ${c.stderr.slice(0, 300)}`);
      chatreqFull.push(c.ms);
    }
    const cs = median(chatreqStart);
    const as = median(awsStart);
    figures.push({ name: `chatreq launch --count 1 --endpoint, process start to exit (median of ${RUNS})`, value: cs, unit: 'ms' });
    figures.push({ name: `aws connect start-chat-contact --cli-input-json --endpoint-url (median of ${RUNS})`, value: as, unit: 'ms' });
    figures.push({ name: 'ratio chatreq / aws CLI (one StartChatContact, end to end)', value: cs / as, unit: 'x' });
    figures.push({ name: `chatreq launch --endpoint --wait 0.1, start + connect + first messages + leave (median of ${RUNS})`, value: median(chatreqFull), unit: 'ms' });

    // --count against the quota: above it (the SDK and the CLI retry the 429s) and just below it.
    sb.setQuotas({ tps: { StartChatContact: QUOTA_TPS } });
    for (const rate of [ASKED_RATE, Math.floor(QUOTA_TPS * 0.9)]) {
      const before = sb.listContacts().length;
      const t = await timed(process.execPath, [cli, 'launch', file, '--endpoint', sb.url, '--count', String(COUNT), '--rate', String(rate), '--keep', '--json']);
      const doc = JSON.parse(t.stdout || '{}') as { summary?: Record<string, number> };
      const s = doc.summary;
      if (!s) throw new Error(`chatreq launch --count failed: ${t.stderr.slice(0, 300)}`);
      const created = sb.listContacts().length - before;
      const tag = `--count ${COUNT} --rate ${rate} vs a ${QUOTA_TPS}/s quota`;
      figures.push({ name: `${tag}: launched`, value: s.launched, unit: 'chats' });
      figures.push({ name: `${tag}: failed`, value: s.failed, unit: 'chats' });
      figures.push({ name: `${tag}: throughput (launched / launch phase)`, value: s.ratePerSecond, unit: 'chats/s' });
      figures.push({ name: `${tag}: whole process, start to exit`, value: t.ms / 1000, unit: 's' });
      figures.push({ name: `${tag}: retries after throttling (SDK + CLI)`, value: s.sdkRetries + s.throttledRetries, unit: 'calls' });
      figures.push({ name: `${tag}: duplicate contacts (CLI summary)`, value: s.duplicateContacts, unit: 'contacts' });
      figures.push({ name: `${tag}: sandbox contacts created minus launched (0 = none twice)`, value: created - s.launched, unit: 'contacts' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sb.close();
  }
  return figures;
}
