/**
 * The one runner of conversation tests, shared by `chatreq test`, the Test Explorer and Record as
 * Test: the request through prepareLaunch (the launch issue's path), a LiveChat with a ClientToken
 * of its own per chat, then the steps in order. vscode-free; no token reaches a result or a log.
 */
import { randomUUID } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { AwsSession } from '../aws/session';
import { getContactAttributes, instanceAlias, readFlowTrace } from '../chat/contact';
import { chatError, prepareLaunch } from '../chat/launch';
import { loadJsonEngine } from '../json';
import { LiveChat } from '../chat/liveChat';
import { presentItem } from '../chat/present';
import type { ChatItem, ChatOrigin, ChatRecord, FlowLogRecord } from '../chat/types';
import { silentLogger, type Logger } from '../log';
import { expectedText, findExpected, isOtherSideMessage, receivedText } from './matcher';
import { describeStep, mergeOverride, type ChatTest, type ChatTestStep } from './model';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  /** Zero-based step index. */
  index: number;
  status: TestStatus;
  durationMs: number;
  /** For a failed step: the whole message (step, expected, received). */
  message?: string;
  expected?: string;
  actual?: string;
}

export interface TestFailure {
  /** One-based step number; 0 when the test failed before its first step (request, launch). */
  step: number;
  text: string;
  expected?: string;
  actual?: string;
}

export interface ChatTestResult {
  name: string;
  file: string;
  status: TestStatus;
  durationMs: number;
  contactId?: string;
  failure?: TestFailure;
  steps: StepResult[];
  /** The chat (token-free), when one was started. */
  record?: ChatRecord;
  /** Runs before this result (set by runWithRetries). */
  retries?: number;
}

export interface RunnerDeps {
  session: AwsSession;
  /** Reads a request file (fs in the CLI; the workspace's documents in the editor). */
  readFile: (path: string) => Promise<string>;
  env: Record<string, string | undefined>;
  logger?: Logger;
  connectionKey?: string;
  connectionLabel?: string;
  /** Resolves when the next StartChatContact may go out (see {@link createPacer}); default: at once. */
  pace?: (signal?: AbortSignal) => Promise<void>;
  /** How a chat's origin names its request file (the editor: a URI string); default: the path. */
  requestFileRef?: (path: string) => string;
}

/**
 * Paces launches to `perSecond` StartChatContact calls (one slot every 1/perSecond s, shared by
 * every concurrent test), so a parallel run stays under the account's rate instead of leaning on
 * throttling retries. Infinity (the sandbox) never waits.
 */
export function createPacer(perSecond: number, now: () => number = Date.now): (signal?: AbortSignal) => Promise<void> {
  if (!Number.isFinite(perSecond)) return () => Promise.resolve();
  const interval = 1000 / perSecond;
  let next = 0;
  return (signal) => {
    const t = now();
    const slot = Math.max(t, next);
    next = slot + interval;
    const wait = slot - t;
    if (wait <= 0) return Promise.resolve();
    return new Promise<void>((res) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        res();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  };
}

/** The StartChatContact rate to pace at: the account default (5/s) on AWS, none on the sandbox. */
export const DEFAULT_LAUNCH_RATE = 5;

export interface RunOptions {
  signal?: AbortSignal;
  /** Each step's result as soon as it is known (the Test Explorer streams these). */
  onStep?: (step: StepResult, test: ChatTest) => void;
  /** The chat once it is launched (the editor links the run to its Test Chats entry). */
  onChat?: (chat: LiveChat) => void;
  /** Leave the chat open at the end instead of ending it (default: end it). */
  keepOpen?: boolean;
  /**
   * The caller disposes the chat (the editor hands it to the Test Chats panel in `onChat`); the
   * runner still ends it unless `keepOpen`. Default: the runner disposes it at the end.
   */
  callerDisposes?: boolean;
}

const POLL_MS = 100;
const CORE_ORIGIN_LABEL = 'chatreq test';

/** Flow-language block types and the legacy names flow logs use for them (either may be written). */
const TRACE_ALIASES: Record<string, string> = {
  updatecontacttargetqueue: 'setqueue',
  invokelambdafunction: 'invokeexternalresource',
  messageparticipant: 'playprompt',
  connectparticipantwithlexbot: 'getuserinput',
  getparticipantinput: 'getuserinput',
  compare: 'checkattribute',
  updatecontactattributes: 'setattributes',
  transfercontacttoqueue: 'transfer',
  disconnectparticipant: 'disconnect',
  updateflowloggingbehavior: 'setloggingbehavior',
};

export function traceMatches(r: FlowLogRecord, wanted: string): boolean {
  if (r.Identifier === wanted) return true;
  const w = wanted.toLowerCase();
  const t = r.ContactFlowModuleType.toLowerCase();
  return t === w || t === TRACE_ALIASES[w];
}

/** The request a test launches: the file (relative to the test file) or the inline object, with `override` merged. */
export async function resolveTestRequest(testFile: string, test: ChatTest, readFile: RunnerDeps['readFile']): Promise<{ text: string; requestFile?: string }> {
  if (typeof test.request === 'string') {
    const requestFile = isAbsolute(test.request) ? test.request : resolve(dirname(testFile), test.request);
    let text: string;
    try {
      text = await readFile(requestFile);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new Error(`cannot read the request file ${test.request}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    if (!test.override) return { text, requestFile };
    let base: unknown;
    try {
      base = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      // Not JSON: prepareLaunch says exactly where.
      return { text, requestFile };
    }
    if (typeof base !== 'object' || base === null || Array.isArray(base)) return { text, requestFile };
    return { text: `${JSON.stringify(mergeOverride(base as Record<string, unknown>, test.override), null, 2)}\n`, requestFile };
  }
  return { text: `${JSON.stringify(mergeOverride(test.request, test.override), null, 2)}\n` };
}

function fail(step: number, text: string, extra: { expected?: string; actual?: string } = {}): TestFailure {
  return { step, text, ...extra };
}

/** Runs one test: launch, steps, end. Never throws for what the chat does; a failure is in the result. */
export async function runChatTest(testFile: string, test: ChatTest, deps: RunnerDeps, options: RunOptions = {}): Promise<ChatTestResult> {
  const t0 = performance.now();
  const logger = deps.logger ?? silentLogger;
  const steps: StepResult[] = [];
  const result = (status: TestStatus, failure?: TestFailure, record?: ChatRecord): ChatTestResult => ({
    name: test.name,
    file: testFile,
    status,
    durationMs: Math.round(performance.now() - t0),
    ...(record?.contactId ? { contactId: record.contactId } : {}),
    ...(failure ? { failure } : {}),
    steps,
    ...(record ? { record } : {}),
  });
  const skipRest = (from: number) => {
    for (const s of test.steps.slice(from)) {
      const r: StepResult = { index: s.index, status: 'skipped', durationMs: 0 };
      steps.push(r);
      options.onStep?.(r, test);
    }
  };

  let resolved: { text: string; requestFile?: string };
  try {
    resolved = await resolveTestRequest(testFile, test, deps.readFile);
  } catch (e) {
    skipRest(0);
    return result('failed', fail(0, `Test "${test.name}": ${(e as Error).message}.`));
  }
  await loadJsonEngine();
  const prepared = prepareLaunch({ text: resolved.text, env: deps.env, fileName: resolved.requestFile ? (test.override ? `${resolved.requestFile} with override` : resolved.requestFile) : `${testFile.split(/[\\/]/).pop()} (inline request)` });
  if (!prepared.ok) {
    skipRest(0);
    return result('failed', fail(0, `Test "${test.name}": the request cannot be launched: ${prepared.message}`));
  }
  const input = prepared.input;
  const origin: ChatOrigin = {
    ...(resolved.requestFile ? { requestFile: deps.requestFileRef ? deps.requestFileRef(resolved.requestFile) : resolved.requestFile, requestName: resolved.requestFile.split(/[\\/]/).pop()!.replace(/\.chatreq\.json$/, '') } : {}),
    connectionKey: deps.connectionKey ?? deps.session.connection.kind,
    connectionLabel: deps.connectionLabel ?? CORE_ORIGIN_LABEL,
    region: deps.session.region,
    instanceId: input.InstanceId!,
    contactFlowId: input.ContactFlowId!,
    testName: test.name,
  };
  if (options.signal?.aborted) {
    skipRest(0);
    return result('skipped', fail(0, 'The run was cancelled.'));
  }
  await deps.pace?.(options.signal);
  if (options.signal?.aborted) {
    skipRest(0);
    return result('skipped', fail(0, 'The run was cancelled.'));
  }
  // A ClientToken of its own per chat: a retried test is a new chat, a retried call is not.
  // The launch itself is not aborted halfway (it takes one round trip or two): a cancel that comes
  // meanwhile is seen right after, and the chat is then ended below like any other.
  const chat = await LiveChat.launch({ session: deps.session, logger }, { input, clientToken: randomUUID(), origin });
  options.onChat?.(chat);
  const r = chat.record;
  try {
    if (options.signal?.aborted) {
      skipRest(0);
      return result('skipped', fail(0, 'The run was cancelled.'), r);
    }
    if (r.state === 'failed') {
      skipRest(0);
      return result('failed', fail(0, `Test "${test.name}": the chat did not start: ${r.error?.message ?? 'the launch failed'}${r.error?.fix ? ` ${r.error.fix}` : ''}`), r);
    }
    const timeoutMs = test.timeoutSeconds * 1000;
    const consumed = new Set<string>();
    const answered = new Set<string>();
    // "Received since the previous step": what arrived after the previous step began (a reply can
    // come before SendMessage returns) and no expect has taken. The first step reports everything.
    let seenBefore = new Set<string>();
    let startedAt = new Set<string>();
    for (let k = 0; k < test.steps.length; k++) {
      const { step, index } = test.steps[k];
      const s0 = performance.now();
      const label = `Step ${index + 1} (${describeStep(step)})`;
      seenBefore = new Set([...startedAt, ...consumed]);
      startedAt = new Set(r.transcript.map((i) => i.Id));
      let outcome: { ok: true } | { ok: false; text: string; expected?: string; actual?: string; cancelled?: boolean };
      try {
        outcome = await runStep(step, chat, { timeoutMs, consumed, answered, seenBefore, deps, signal: options.signal, label });
      } catch (e) {
        outcome = { ok: false, text: `${label}: ${(e as Error).message}` };
      }
      const durationMs = Math.round(performance.now() - s0);
      if (outcome.ok) {
        const sr: StepResult = { index, status: 'passed', durationMs };
        steps.push(sr);
        options.onStep?.(sr, test);
        continue;
      }
      const cancelled = options.signal?.aborted ?? false;
      const sr: StepResult = {
        index,
        status: cancelled ? 'skipped' : 'failed',
        durationMs,
        message: cancelled ? 'The run was cancelled.' : outcome.text,
        ...(outcome.expected !== undefined ? { expected: outcome.expected } : {}),
        ...(outcome.actual !== undefined ? { actual: outcome.actual } : {}),
      };
      steps.push(sr);
      options.onStep?.(sr, test);
      skipRest(k + 1);
      if (cancelled) return result('skipped', fail(index + 1, 'The run was cancelled.'), r);
      return result(
        'failed',
        fail(index + 1, outcome.text, { ...(outcome.expected !== undefined ? { expected: outcome.expected } : {}), ...(outcome.actual !== undefined ? { actual: outcome.actual } : {}) }),
        r,
      );
    }
    return result('passed', undefined, r);
  } finally {
    if (chat.isLive && !options.keepOpen) await chat.endWithResult().catch((e: unknown) => logger.info(`[chattest] could not end the chat: ${(e as Error).message}`));
    if (!options.keepOpen && !options.callerDisposes) chat.dispose();
  }
}

interface StepContext {
  timeoutMs: number;
  consumed: Set<string>;
  answered: Set<string>;
  seenBefore: Set<string>;
  deps: RunnerDeps;
  signal: AbortSignal | undefined;
  label: string;
}

type StepOutcome = { ok: true } | { ok: false; text: string; expected?: string; actual?: string };

function since(r: ChatRecord, seen: Set<string>): ChatItem[] {
  return r.transcript.filter((i) => !seen.has(i.Id) && isOtherSideMessage(i, r.participantId));
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Polls `probe` every POLL_MS until it returns a value or the deadline / abort. */
async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() >= deadline || signal?.aborted) return undefined;
    await new Promise<void>((res) => {
      const t = setTimeout(done, Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
      function done() {
        signal?.removeEventListener('abort', done);
        clearTimeout(t);
        res();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

async function runStep(step: ChatTestStep, chat: LiveChat, c: StepContext): Promise<StepOutcome> {
  const r = chat.record;
  const received = () => receivedText(since(r, c.seenBefore));
  const ended = () => (r.state === 'ended' ? ' (the chat ended)' : r.state === 'failed' ? ` (the chat failed: ${r.error?.message ?? ''})` : '');
  switch (step.kind) {
    case 'expect': {
      let match: ChatItem | undefined;
      const found = await chat.until(
        (x) => {
          const m = findExpected(x.transcript, c.consumed, step.expect, x.participantId);
          if (m.match) {
            match = m.match;
            for (const i of m.considered) c.consumed.add(i.Id);
            return true;
          }
          return x.state === 'ended' || x.state === 'failed';
        },
        c.timeoutMs,
        c.signal,
      );
      if (found && match) return { ok: true };
      const expected = expectedText(step.expect);
      const actual = received();
      return {
        ok: false,
        text: `${c.label}: expected ${expected} within ${seconds(c.timeoutMs)}${ended()}; received since the previous step:\n${actual}`,
        expected,
        actual,
      };
    }
    case 'say':
      await chat.reply(step.say);
      return { ok: true };
    case 'select': {
      let menu: ChatItem | undefined;
      await chat.until(
        (x) => {
          const items = x.transcript.filter((i) => !c.answered.has(i.Id) && isOtherSideMessage(i, x.participantId) && presentItem(i).kind === 'interactive');
          menu = items.at(-1);
          return menu !== undefined || x.state === 'ended' || x.state === 'failed';
        },
        c.timeoutMs,
        c.signal,
      );
      if (!menu) {
        const actual = received();
        return {
          ok: false,
          text: `${c.label}: expected an interactive message to answer with "${step.select}" within ${seconds(c.timeoutMs)}${ended()} (does the request's SupportedMessagingContentTypes list application/vnd.amazonaws.connect.message.interactive?); received since the previous step:\n${actual}`,
          expected: `an interactive message with the option "${step.select}"`,
          actual,
        };
      }
      c.answered.add(menu.Id);
      c.consumed.add(menu.Id);
      try {
        await chat.choose(menu.Id, step.select);
      } catch (e) {
        const options = presentItem(menu).interactive?.options.map((o) => o.title) ?? [];
        return { ok: false, text: `${c.label}: ${(e as Error).message}`, expected: step.select, actual: options.join('\n') };
      }
      return { ok: true };
    }
    case 'expectAttributes': {
      const wanted = step.expectAttributes;
      let last: Record<string, string> = {};
      let problem: string | undefined;
      const ok = await poll(
        async () => {
          if (!r.contactId) return undefined;
          try {
            last = await getContactAttributes(c.deps.session, { instanceId: r.origin.instanceId, initialContactId: r.initialContactId ?? r.contactId }, c.signal ? { signal: c.signal } : {});
            problem = undefined;
          } catch (e) {
            problem = chatError(e, c.deps.session, 'GetContactAttributes').message;
            return undefined;
          }
          r.contactAttributes = last;
          return Object.entries(wanted).every(([k, v]) => last[k] === v) ? true : undefined;
        },
        c.timeoutMs,
        c.signal,
      );
      if (ok) return { ok: true };
      const expected = Object.entries(wanted)
        .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
        .join('\n');
      const actual = Object.keys(wanted)
        .map((k) => `${k} = ${k in last ? JSON.stringify(last[k]) : '(not set)'}`)
        .join('\n');
      return {
        ok: false,
        text: problem
          ? `${c.label}: could not read the contact attributes: ${problem}`
          : `${c.label}: expected the contact attributes\n${expected}\nwithin ${seconds(c.timeoutMs)}; GetContactAttributes has\n${actual}`,
        expected,
        actual,
      };
    }
    case 'expectEnded': {
      if (!step.expectEnded) {
        if (chat.isLive) return { ok: true };
        return { ok: false, text: `${c.label}: expected the chat to be still open, but it is ${r.state}.`, expected: 'open', actual: r.state };
      }
      const done = await chat.until((x) => x.state === 'ended', c.timeoutMs, c.signal);
      if (done) return { ok: true };
      const actual = received();
      return {
        ok: false,
        text: `${c.label}: expected the chat to end within ${seconds(c.timeoutMs)}, but it is ${r.state}; received since the previous step:\n${actual}`,
        expected: 'ended',
        actual: `${r.state}\n${actual}`,
      };
    }
    case 'expectTrace': {
      let alias: string | undefined;
      let problem: string | undefined;
      let seen: FlowLogRecord[] = [];
      const ok = await poll(
        async () => {
          if (!r.contactId) return undefined;
          try {
            alias ??= await instanceAlias(c.deps.session, r.origin.instanceId, c.signal ? { signal: c.signal } : {});
          } catch (e) {
            problem = chatError(e, c.deps.session, 'DescribeInstance').message;
            return undefined;
          }
          if (!alias) {
            problem = 'the instance has no alias, so its flow-log group is unknown';
            return undefined;
          }
          const t = await readFlowTrace(c.deps.session, { instanceAlias: alias, contactId: r.contactId, startTime: r.startedAt, ...(c.signal ? { signal: c.signal } : {}) });
          if (t.status.kind !== 'ok') {
            problem = 'message' in t.status ? t.status.message : `the log group ${t.status.logGroup} does not exist (are flow logs enabled?)`;
            return undefined;
          }
          problem = undefined;
          seen = t.records;
          r.trace = t.records;
          return t.records.some((x) => traceMatches(x, step.expectTrace)) ? true : undefined;
        },
        c.timeoutMs,
        c.signal,
      );
      if (ok) return { ok: true };
      const actual = seen.length === 0 ? '(no block)' : seen.map((x) => `${x.ContactFlowModuleType}${x.Identifier ? ` ${x.Identifier}` : ''}`).join('\n');
      return {
        ok: false,
        text: problem
          ? `${c.label}: could not read the flow trace: ${problem}`
          : `${c.label}: expected a block ${JSON.stringify(step.expectTrace)} in the flow trace within ${seconds(c.timeoutMs)}; the trace has:\n${actual}`,
        expected: step.expectTrace,
        actual,
      };
    }
  }
}

/** Runs a test up to 1 + `retries` times until it passes; the result says how many runs it took. */
export async function runWithRetries(run: () => Promise<ChatTestResult>, retries: number, signal?: AbortSignal): Promise<ChatTestResult> {
  let res = await run();
  let n = 0;
  while (res.status === 'failed' && n < retries && !signal?.aborted) {
    n++;
    res = await run();
  }
  return n > 0 ? { ...res, retries: n } : res;
}

/** Runs `jobs` with at most `limit` at once, keeping their order in the answer. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}
