/**
 * The Test Chats history as a file: typed, versioned, bounded. Pure (no fs, no vscode): the
 * extension reads and writes the text; this module decides what it means.
 *
 * Records never hold tokens (see ChatRecord), so the file is safe to keep in the extension's
 * storage folder. Tokens live in SecretStorage, keyed by the record's `id`.
 */
import type { ChatItem, ChatRecord, ChatState } from './types';

export const HISTORY_VERSION = 1;
/** The newest this many chats are kept; older ones are pruned on every save. */
export const HISTORY_MAX_CHATS = 200;
/**
 * Of those, at most this many are chats that conversation-test runs started (`origin.testName`),
 * the newest: a large suite cannot push the chats launched by hand out of the history.
 */
export const HISTORY_MAX_TEST_CHATS = 100;
/** A chat keeps at most this many transcript items (the newest), so one runaway chat cannot bloat the file. */
export const HISTORY_MAX_ITEMS = 2000;

const STATES: readonly ChatState[] = ['starting', 'connected', 'queued', 'agent', 'ended', 'failed'];

export interface HistoryFile {
  version: number;
  chats: ChatRecord[];
}

export type ParsedHistory =
  | { ok: true; chats: ChatRecord[]; dropped: number }
  | { ok: false; problem: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isItem(v: unknown): v is ChatItem {
  return isObject(v) && typeof v.Id === 'string' && typeof v.Type === 'string' && typeof v.ContentType === 'string' && typeof v.AbsoluteTime === 'string';
}

/** Whether `v` has the members every consumer relies on; anything else in it is kept as is. */
export function isChatRecord(v: unknown): v is ChatRecord {
  if (!isObject(v)) return false;
  const o = v.origin;
  return (
    typeof v.id === 'string' &&
    isObject(o) &&
    typeof o.connectionKey === 'string' &&
    typeof o.connectionLabel === 'string' &&
    typeof o.region === 'string' &&
    typeof o.instanceId === 'string' &&
    typeof o.contactFlowId === 'string' &&
    typeof v.displayName === 'string' &&
    typeof v.clientToken === 'string' &&
    isObject(v.attributes) &&
    typeof v.state === 'string' &&
    STATES.includes(v.state as ChatState) &&
    typeof v.startedAt === 'string' &&
    typeof v.updatedAt === 'string' &&
    Array.isArray(v.transcript) &&
    v.transcript.every(isItem)
  );
}

/**
 * Reads a history file's text. A file that is not JSON or not a history is a problem the caller
 * reports (and moves aside); single records that do not fit are dropped and counted.
 */
export function parseHistory(text: string): ParsedHistory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `it is not valid JSON (${(e as Error).message})` };
  }
  if (!isObject(data) || !Array.isArray(data.chats)) return { ok: false, problem: 'it has no "chats" list' };
  if (data.version !== HISTORY_VERSION) {
    return { ok: false, problem: `it has version ${JSON.stringify(data.version)}; this Chatreq reads version ${HISTORY_VERSION}` };
  }
  const chats = data.chats.filter(isChatRecord);
  return { ok: true, chats: pruneHistory(chats), dropped: data.chats.length - chats.length };
}

function time(s: string): number {
  const t = Date.parse(s);
  return Number.isNaN(t) ? 0 : t;
}

/** Newest first (by start), at most {@link HISTORY_MAX_CHATS} ({@link HISTORY_MAX_TEST_CHATS} of them from test runs), each transcript capped. */
export function pruneHistory(chats: readonly ChatRecord[], max = HISTORY_MAX_CHATS, maxTestChats = HISTORY_MAX_TEST_CHATS): ChatRecord[] {
  let testChats = 0;
  return [...chats]
    .sort((a, b) => time(b.startedAt) - time(a.startedAt))
    .filter((c) => c.origin.testName === undefined || ++testChats <= maxTestChats)
    .slice(0, max)
    .map((c) => (c.transcript.length > HISTORY_MAX_ITEMS ? { ...c, transcript: c.transcript.slice(-HISTORY_MAX_ITEMS) } : c));
}

/** The file text for `chats` (pruned). */
export function serializeHistory(chats: readonly ChatRecord[]): string {
  const file: HistoryFile = { version: HISTORY_VERSION, chats: pruneHistory(chats) };
  return JSON.stringify(file);
}

/** Chats that may still be live (their tokens are worth keeping). */
export function isLiveState(state: ChatState): boolean {
  return state === 'starting' || state === 'connected' || state === 'queued' || state === 'agent';
}
