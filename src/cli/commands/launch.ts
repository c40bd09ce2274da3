import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { StartChatContactCommandInput } from '@aws-sdk/client-connect';
import { loadAws } from '../../core/aws/lazy';
import { prepareLaunch, startChatContact, ChatCallError, chatError, type ChatError } from '../../core/chat/launch';
import { LiveChat } from '../../core/chat/liveChat';
import { chatStateLabel, isReceiptItem, presentItem } from '../../core/chat/present';
import type { ChatItem, ChatOrigin, ChatRecord } from '../../core/chat/types';
import { connectionKey } from '../../core/connection';
import { redactSecrets, silentLogger, type Logger } from '../../core/log';
import { type CliCommand, type CliIo, parseCommandArgs, UsageError } from '../command';
import { openTarget, TARGET_ARG_OPTIONS, targetOptions, type Target } from '../target';

const usage = `Usage: chatreq launch FILE [options]

Starts a test chat from a request file (*.chatreq.json) with StartChatContact, connects as the
customer (CreateParticipantConnection and the participant WebSocket), and prints the contact ID
and the conversation. Tokens are never printed.

Where:
  --sandbox            start the built-in Connect sandbox (with the flow runtime) for this run
  --flows DIR          with --sandbox: load flows from DIR too (see chatreq help sandbox)
  --endpoint URL       a running sandbox or endpoint override, for Connect, the Participant
                       Service and CloudWatch Logs; without AWS credentials configured, dummy
                       credentials are used (what the sandbox accepts)
  --profile NAME       an AWS profile (default: AWS_PROFILE, environment keys, then "default")
  --region REGION      the region (default: AWS_REGION, the profile's, then us-east-1)
  --instance-id ID     the instance, when the file has no InstanceId
  --flow-id ID         the flow, when the file has no ContactFlowId

The conversation:
  --say TEXT           send TEXT as the customer once the flow's next message has arrived (and
                       the flow has gone quiet); repeat for more, sent in order
  --wait SECONDS       how long to wait for each flow message, and to follow the chat after the
                       last --say (default 10); it stops earlier when the chat ends
  --keep               leave the chat open at the end (default: the customer leaves it)

Load:
  --count N            start N chats, each with its own ClientToken (StartChatContact only; no
                       conversation), paced at --rate, retried when throttled; prints a summary
  --rate N             StartChatContact calls per second for --count (default 5, the default
                       account quota)

Output:
  --json               one JSON object: { contactId, participantId, instanceId, contactFlowId,
                       state, transcript } (transcript items use GetTranscript's member names);
                       with --count: { chats: [...], summary }

Exit codes: 0 launched (and every --say was sent), 1 invalid request or failed launch, 2 bad usage.`;

interface Options {
  file: string;
  sandbox: boolean;
  flowsDir?: string;
  endpoint?: string;
  profile?: string;
  region?: string;
  instanceId?: string;
  contactFlowId?: string;
  say: string[];
  waitMs: number;
  keep: boolean;
  count?: number;
  rate: number;
  json: boolean;
}

function positive(name: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(n > 0) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} must be a ${integer ? 'whole ' : ''}number above 0 (got '${v}')`);
  }
  return n;
}

function parse(args: string[], io: CliIo): Options {
  const { values: v, positionals } = parseCommandArgs(args, {
    ...TARGET_ARG_OPTIONS,
    'instance-id': { type: 'string' },
    'flow-id': { type: 'string' },
    say: { type: 'string', multiple: true },
    wait: { type: 'string' },
    keep: { type: 'boolean' },
    count: { type: 'string' },
    rate: { type: 'string' },
    json: { type: 'boolean' },
  } as const);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the request file to launch' : `give one request file (got ${positionals.length})`);
  const target = targetOptions(v, io);
  const count = positive('--count', v.count, true);
  if (count !== undefined && (v.say?.length ?? 0) > 0) throw new UsageError('--say cannot be used with --count');
  return {
    file: resolve(io.cwd, positionals[0]),
    ...target,
    ...(v['instance-id'] !== undefined ? { instanceId: v['instance-id'] } : {}),
    ...(v['flow-id'] !== undefined ? { contactFlowId: v['flow-id'] } : {}),
    say: v.say ?? [],
    waitMs: (positive('--wait', v.wait, false) ?? 10) * 1000,
    keep: v.keep ?? false,
    ...(count !== undefined ? { count } : {}),
    rate: positive('--rate', v.rate, false) ?? 5,
    json: v.json ?? false,
  };
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 19);
}

/** One printed line per transcript item (receipts are left out). */
export function itemLine(item: ChatItem): string | undefined {
  if (isReceiptItem(item)) return undefined;
  const v = presentItem(item);
  const when = `[${clock(item.AbsoluteTime)}]`;
  if (v.kind === 'event') return `${when} * ${v.text}`;
  if (v.kind === 'interactive' && v.interactive) {
    const opts = v.interactive.options.map((o) => `      - ${o.title}${o.subtitle ? ` (${o.subtitle})` : ''}`);
    return [`${when} ${v.label}: ${v.interactive.title} [${v.interactive.templateType}]`, ...opts].join('\n');
  }
  if (v.kind === 'attachment') return `${when} ${v.label}: [attachment] ${v.text}`;
  return `${when} ${v.label}: ${v.text.replace(/\n/g, '\n    ')}`;
}

function chatJson(r: ChatRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    contactId: r.contactId ?? null,
    participantId: r.participantId ?? null,
    instanceId: r.origin.instanceId,
    contactFlowId: r.origin.contactFlowId,
    state: r.state,
    transcript: r.transcript,
    ...(r.error ? { error: r.error } : {}),
    ...extra,
  };
}

/** A logger for stderr: warnings only (the CLI reports its own progress). */
function stderrLogger(io: CliIo): Logger {
  return {
    ...silentLogger,
    warn: () => undefined,
    error: (m) => io.stderr(`chatreq launch: ${redactSecrets(m)}\n`),
  };
}

function isFlowMessage(i: ChatItem, participantId: string | undefined): boolean {
  const v = presentItem(i);
  return (v.kind === 'message' || v.kind === 'interactive' || v.kind === 'attachment') && i.ParticipantRole !== 'CUSTOMER' && i.ParticipantId !== participantId;
}

/** Resolves once `probe` has held still (no change) for `quietMs`, or false at the deadline / end. */
async function settle(chat: LiveChat, quietMs: number, deadline: number): Promise<boolean> {
  let last = chat.record.updatedAt;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || !chat.isLive) return chat.isLive;
    const changed = await chat.until((r) => r.updatedAt !== last, Math.min(quietMs, left));
    if (!changed) return true;
    last = chat.record.updatedAt;
  }
}

const QUIET_MS = 400;

async function runOne(o: Options, io: CliIo, target: Target, input: StartChatContactCommandInput, clientToken: string, origin: ChatOrigin): Promise<number> {
  const out = (t: string) => {
    if (!o.json) io.stdout(t);
  };
  out(`Launching ${basename(o.file)} on ${target.label}\n`);
  const chat = await LiveChat.launch({ session: target.session, logger: stderrLogger(io) }, { input, clientToken, origin });
  const printed = new Set<string>();
  const print = () => {
    for (const i of chat.record.transcript) {
      if (printed.has(i.Id)) continue;
      printed.add(i.Id);
      const line = itemLine(i);
      if (line) out(`${line}\n`);
    }
  };
  let code = 0;
  try {
    const r = chat.record;
    if (r.state === 'failed') {
      if (o.json) io.stdout(`${JSON.stringify(chatJson(r), null, 2)}\n`);
      io.stderr(`chatreq launch: ${r.error?.message ?? 'the launch failed'}${r.error?.fix ? `\n  ${r.error.fix}` : ''}\n`);
      return 1;
    }
    out(`Contact ${r.contactId} (participant ${r.participantId})\n`);
    print();
    const off = chat.onChange(print);
    try {
      // The first --say waits for the flow's first message (which may have arrived already).
      let seen = 0;
      for (const [n, text] of o.say.entries()) {
        const arrived = await chat.until((x) => !chat.isLive || x.transcript.filter((i) => isFlowMessage(i, x.participantId)).length > seen, o.waitMs);
        if (!arrived || !chat.isLive) {
          io.stderr(`chatreq launch: ${chat.isLive ? `no message from the flow within ${o.waitMs / 1000} s` : 'the chat ended'} before --say ${JSON.stringify(text)}; ${o.say.length - n} message(s) not sent\n`);
          code = 1;
          break;
        }
        // Flows send bursts (a greeting, then a question): reply once it has gone quiet.
        await settle(chat, QUIET_MS, Date.now() + o.waitMs);
        if (!chat.isLive) {
          io.stderr(`chatreq launch: the chat ended before --say ${JSON.stringify(text)}; ${o.say.length - n} message(s) not sent\n`);
          code = 1;
          break;
        }
        // Counted before sending: the flow's answer can arrive before SendMessage returns.
        seen = chat.record.transcript.filter((i) => isFlowMessage(i, r.participantId)).length;
        try {
          await chat.reply(text);
        } catch (e) {
          io.stderr(`chatreq launch: could not send ${JSON.stringify(text)}: ${(e as Error).message}\n`);
          code = 1;
          break;
        }
      }
      if (code === 0) await chat.until((x) => x.state === 'ended', o.waitMs);
      print();
    } finally {
      off();
    }
    if (chat.isLive && !o.keep) await chat.endWithResult().catch(() => undefined);
    if (o.json) io.stdout(`${JSON.stringify(chatJson(chat.record), null, 2)}\n`);
    else out(`State: ${chatStateLabel(chat.record.state)}${o.keep && chat.isLive ? ' (left open: --keep)' : ''}\n`);
    return code;
  } finally {
    chat.dispose();
  }
}

interface CountResult {
  index: number;
  contactId?: string;
  participantId?: string;
  error?: ChatError;
  attempts: number;
  retries: number;
}

const RETRYABLE = new Set(['throttled', 'serviceError', 'network', 'sandboxUnreachable']);

/** N launches paced at `rate` per second (one slot every 1/rate s), each with its own ClientToken. */
async function runCount(o: Options, io: CliIo, target: Target, base: StartChatContactCommandInput, origin: ChatOrigin): Promise<number> {
  const n = o.count!;
  const logger = stderrLogger(io);
  if (!o.json) io.stdout(`Launching ${n} chats from ${basename(o.file)} on ${target.label} at up to ${o.rate}/s\n`);
  const t0 = Date.now();
  const interval = 1000 / o.rate;
  const one = async (index: number): Promise<CountResult> => {
    const input: StartChatContactCommandInput = { ...base, ClientToken: randomUUID() };
    let retries = 0;
    let attempts = 0;
    for (;;) {
      try {
        const s = await startChatContact(target.session, input, { logger });
        attempts += s.attempts;
        return { index, contactId: s.contactId, participantId: s.participantId, attempts, retries };
      } catch (e) {
        const err = e instanceof ChatCallError ? e.chatError : chatError(e, target.session, 'StartChatContact');
        attempts += (e as ChatCallError).cause ? (((e as ChatCallError).cause as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) : 1;
        // Same input, same ClientToken: a retry can never start a second chat.
        if (RETRYABLE.has(err.diagnosticCode ?? '') && retries < 6) {
          retries++;
          await new Promise<void>((r) => setTimeout(r, Math.min(8000, 250 * 2 ** retries) * (0.5 + Math.random() / 2)));
          continue;
        }
        return { index, error: err, attempts, retries };
      }
    }
  };
  const pending: Array<Promise<CountResult>> = [];
  for (let i = 0; i < n; i++) {
    // Pacing: launch i goes out at t0 + i / rate (a token bucket of size one).
    const due = t0 + i * interval - Date.now();
    if (due > 0) await new Promise<void>((r) => setTimeout(r, due));
    pending.push(one(i));
  }
  const results = await Promise.all(pending);
  const seconds = (Date.now() - t0) / 1000;
  const ok = results.filter((r) => r.contactId);
  const distinct = new Set(ok.map((r) => r.contactId));
  const summary = {
    requested: n,
    launched: ok.length,
    failed: results.length - ok.length,
    distinctContacts: distinct.size,
    duplicateContacts: ok.length - distinct.size,
    seconds: Math.round(seconds * 100) / 100,
    ratePerSecond: Math.round((ok.length / Math.max(seconds, 0.001)) * 100) / 100,
    sdkRetries: results.reduce((s, r) => s + Math.max(0, r.attempts - 1 - r.retries), 0),
    throttledRetries: results.reduce((s, r) => s + r.retries, 0),
  };
  // The started chats are ended (StopContact) unless --keep: a load test must not leave them active.
  let stopNote: string | undefined;
  if (!o.keep) {
    const aws = await loadAws();
    for (const r of ok) {
      try {
        await target.session.clients.connect.send(new aws.connectApi.StopContactCommand({ InstanceId: base.InstanceId, ContactId: r.contactId }));
      } catch (e) {
        if ((e as { name?: string }).name === 'AccessDeniedException') {
          stopNote = 'This connection may not call connect:StopContact; the chats stay active until they expire.';
          break;
        }
      }
    }
  }
  if (o.json) {
    io.stdout(
      `${JSON.stringify(
        {
          chats: results.map((r) => ({
            contactId: r.contactId ?? null,
            participantId: r.participantId ?? null,
            instanceId: origin.instanceId,
            contactFlowId: origin.contactFlowId,
            state: r.contactId ? (o.keep ? 'started' : 'ended') : 'failed',
            transcript: [],
            ...(r.error ? { error: r.error } : {}),
          })),
          summary,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const errors = new Map<string, number>();
    for (const r of results) if (r.error) errors.set(r.error.message, (errors.get(r.error.message) ?? 0) + 1);
    io.stdout(
      `Launched ${summary.launched} of ${n} in ${summary.seconds} s (${summary.ratePerSecond}/s): ${summary.failed} failed, ${summary.distinctContacts} distinct contacts, ${summary.duplicateContacts} duplicates, ${summary.throttledRetries + summary.sdkRetries} retries\n`,
    );
    for (const [m, k] of errors) io.stdout(`  ${k} × ${m}\n`);
  }
  if (stopNote) io.stderr(`chatreq launch: ${stopNote}\n`);
  return summary.failed > 0 ? 1 : 0;
}

export const launchCommand: CliCommand = {
  name: 'launch',
  summary: 'Start a test chat from a request file and follow the conversation',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const o = parse(args, io);
    let text: string;
    try {
      text = await readFile(o.file, 'utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      io.stderr(`chatreq launch: cannot read ${o.file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      return 1;
    }
    const prepared = prepareLaunch({
      text,
      env: io.env,
      fileName: o.file,
      ...(o.instanceId ? { instanceId: o.instanceId } : {}),
      ...(o.contactFlowId ? { contactFlowId: o.contactFlowId } : {}),
    });
    if (!prepared.ok) {
      const name = basename(o.file);
      for (const d of prepared.diagnostics.filter((x) => x.severity === 'error')) {
        io.stderr(`${name}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}\n`);
      }
      const hint = prepared.reason === 'missing-target' ? ' (or pass --instance-id / --flow-id)' : '';
      io.stderr(`chatreq launch: cannot launch: ${prepared.message}${hint}\n`);
      return 1;
    }
    for (const w of prepared.warnings) io.stderr(`chatreq launch: warning: ${w}\n`);
    let target: Target;
    try {
      target = await openTarget(o, io, stderrLogger(io));
    } catch (e) {
      const err = e instanceof ChatCallError ? e.chatError : { message: (e as Error).message };
      io.stderr(`chatreq launch: ${err.message}${'fix' in err && err.fix ? `\n  ${err.fix}` : ''}\n`);
      return 1;
    }
    const input = prepared.input;
    const origin: ChatOrigin = {
      requestFile: o.file,
      requestName: basename(o.file).replace(/\.chatreq\.json$/, ''),
      connectionKey: connectionKey(target.connection),
      connectionLabel: target.label,
      region: target.session.region,
      instanceId: input.InstanceId!,
      contactFlowId: input.ContactFlowId!,
    };
    try {
      return o.count !== undefined ? await runCount(o, io, target, input, origin) : await runOne(o, io, target, input, prepared.clientToken, origin);
    } finally {
      target.session.dispose();
      await target.sandbox?.close();
    }
  },
};
