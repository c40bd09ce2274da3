/**
 * Record as Test, pure: a chat (ChatRecord) becomes a conversation test. The request as `request`
 * (a path relative to the test file, or the launch's target inline), each customer message as
 * `say` (or `select` when it answered an interactive message with one of its options), each
 * flow/bot/agent message as `expect` with its exact text, the final state as `expectEnded`. The
 * request's InitialMessage is not a step: the replayed request sends it.
 */
import { posix, relative, dirname, sep } from 'node:path';
import { requestFromRecord } from '../chat/launch';
import { presentItem } from '../chat/present';
import type { ChatRecord } from '../chat/types';
import { isOtherSideMessage, messageText } from './matcher';
import { CHATTEST_FILE_SUFFIX } from './model';
import { INTERACTIVE_RESPONSE } from '../request/limits';

export interface RecordOptions {
  /** Where the test file will be written (absolute), to make `request` relative to it. */
  testFile?: string;
  name?: string;
  timeoutSeconds?: number;
}

export interface RecordedTest {
  $schema?: string;
  name: string;
  request: string | Record<string, unknown>;
  timeoutSeconds?: number;
  steps: Array<Record<string, unknown>>;
}

export function recordToTest(record: ChatRecord, options: RecordOptions = {}): RecordedTest {
  let request: RecordedTest['request'];
  const file = record.origin.requestFile;
  if (file && options.testFile) {
    const rel = relative(dirname(options.testFile), file).split(sep).join(posix.sep);
    request = rel.startsWith('.') ? rel : `./${rel}`;
  } else if (file) request = file;
  else request = requestFromRecord(record);
  const steps: Array<Record<string, unknown>> = [];
  let pendingOptions: string[] | undefined;
  // The request's InitialMessage shows in the transcript as the customer's first message; the
  // replay sends it again with the request, so it is not a step (a `say` would send it twice).
  let initialPending = record.initialMessage?.Content;
  for (const item of record.transcript) {
    if (item.ContactId !== undefined && record.contactId !== undefined && item.ContactId !== record.contactId) continue;
    const v = presentItem(item);
    if (v.kind !== 'message' && v.kind !== 'interactive') continue;
    if (item.ParticipantRole === 'CUSTOMER' || (record.participantId !== undefined && item.ParticipantId === record.participantId)) {
      if (initialPending !== undefined && item.Content === initialPending) {
        initialPending = undefined;
        continue;
      }
      initialPending = undefined;
      // What the customer said; an interactive.response answer as the title it chose.
      const text = messageText(item);
      if (text === '') continue;
      if (pendingOptions?.includes(text) || item.ContentType === INTERACTIVE_RESPONSE) steps.push({ select: text });
      else steps.push({ say: text });
      pendingOptions = undefined;
      continue;
    }
    if (!isOtherSideMessage(item, record.participantId)) continue;
    steps.push({ expect: { equals: messageText(item) } });
    pendingOptions = v.kind === 'interactive' ? v.interactive?.options.map((o) => o.title) : undefined;
  }
  if (record.state === 'ended') steps.push({ expectEnded: true });
  const name = options.name ?? `${record.origin.requestName ?? 'Chat'} conversation (recorded ${record.startedAt.slice(0, 10)})`;
  return { name, request, ...(options.timeoutSeconds ? { timeoutSeconds: options.timeoutSeconds } : {}), steps };
}

/** The test as file text (two-space JSON, one step per line). */
export function recordedTestText(test: RecordedTest): string {
  const head = { ...test, steps: [] as unknown[] };
  const lines = JSON.stringify(head, null, 2).split('\n');
  const at = lines.findIndex((l) => l.startsWith('  "steps"'));
  const steps = test.steps.map((s, i) => `    ${JSON.stringify(s)}${i < test.steps.length - 1 ? ',' : ''}`);
  lines.splice(at, 1, '  "steps": [', ...steps, '  ]');
  return `${lines.join('\n')}\n`;
}

/** A free file name next to the request: `<base>.chattest.json`, then `<base>-2.chattest.json`… */
export function recordedTestFileName(requestName: string | undefined, exists: (name: string) => boolean): string {
  const base = (requestName ?? 'chat').replace(/\.chatreq\.json$/, '') || 'chat';
  for (let n = 1; ; n++) {
    const name = `${base}${n === 1 ? '' : `-${n}`}${CHATTEST_FILE_SUFFIX}`;
    if (!exists(name)) return name;
  }
}
