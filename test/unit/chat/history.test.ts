import assert from 'node:assert/strict';
import { HISTORY_MAX_CHATS, HISTORY_MAX_ITEMS, HISTORY_MAX_TEST_CHATS, isChatRecord, isLiveState, parseHistory, pruneHistory, serializeHistory } from '../../../src/core/chat/history';
import { relativeTime, stateLabel } from '../../../src/core/chat/relativeTime';
import type { ChatRecord } from '../../../src/core/chat/types';

function record(n: number, extra: Partial<ChatRecord> = {}): ChatRecord {
  const t = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  return {
    id: `chat-${n}`,
    origin: { connectionKey: 'sandbox', connectionLabel: 'Sandbox (offline)', region: 'us-east-1', instanceId: 'i', contactFlowId: 'f' },
    displayName: 'Ada',
    clientToken: `token-${n}`,
    attributes: {},
    state: 'ended',
    startedAt: t,
    updatedAt: t,
    transcript: [{ Id: `item-${n}`, Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime: t, Content: 'hi' }],
    ...extra,
  };
}

describe('chat history file', () => {
  it('round-trips records, newest first', () => {
    const chats = [record(1), record(3), record(2)];
    const parsed = parseHistory(serializeHistory(chats));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.chats.map((c) => c.id), ['chat-3', 'chat-2', 'chat-1']);
    assert.equal(parsed.dropped, 0);
  });

  it(`keeps the newest ${HISTORY_MAX_CHATS} chats and caps each transcript`, () => {
    const many = Array.from({ length: HISTORY_MAX_CHATS + 25 }, (_, i) => record(i));
    const kept = pruneHistory(many);
    assert.equal(kept.length, HISTORY_MAX_CHATS);
    assert.equal(kept[0].id, `chat-${HISTORY_MAX_CHATS + 24}`);
    assert.ok(!kept.some((c) => c.id === 'chat-0'));
    const long = record(1, {
      transcript: Array.from({ length: HISTORY_MAX_ITEMS + 10 }, (_, i) => ({ Id: `x${i}`, Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime: '2026-01-01T00:00:00Z' })),
    });
    const [capped] = pruneHistory([long]);
    assert.equal(capped.transcript.length, HISTORY_MAX_ITEMS);
    assert.equal(capped.transcript.at(-1)?.Id, `x${HISTORY_MAX_ITEMS + 9}`, 'the newest items are kept');
  });

  it(`keeps at most ${HISTORY_MAX_TEST_CHATS} chats of conversation-test runs, so a large suite leaves the launched chats in place`, () => {
    const launched = Array.from({ length: 60 }, (_, i) => record(i));
    // A suite of 300 tests ran after them.
    const suite = Array.from({ length: 300 }, (_, i) => {
      const r = record(100 + i);
      return { ...r, origin: { ...r.origin, testName: `test ${i}` } };
    });
    const kept = pruneHistory([...launched, ...suite]);
    assert.equal(kept.length, 60 + HISTORY_MAX_TEST_CHATS);
    assert.equal(kept.filter((c) => c.origin.testName === undefined).length, 60, 'every launched chat stays');
    assert.deepEqual(kept.slice(0, HISTORY_MAX_TEST_CHATS).map((c) => c.origin.testName), Array.from({ length: HISTORY_MAX_TEST_CHATS }, (_, i) => `test ${299 - i}`), 'the newest test chats');
  });

  it('reports a corrupt or foreign file instead of throwing', () => {
    const notJson = parseHistory('{"version": 1, "chats": [');
    assert.equal(notJson.ok, false);
    assert.match((notJson as { problem: string }).problem, /not valid JSON/);
    assert.match((parseHistory('{"foo": 1}') as { problem: string }).problem, /no "chats" list/);
    assert.match((parseHistory('{"version": 9, "chats": []}') as { problem: string }).problem, /version 9/);
  });

  it('drops single records that do not fit and counts them', () => {
    const text = JSON.stringify({ version: 1, chats: [record(1), { id: 'broken' }, { ...record(2), state: 'weird' }] });
    const parsed = parseHistory(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.chats.map((c) => c.id), ['chat-1']);
    assert.equal(parsed.dropped, 2);
    assert.equal(isChatRecord(record(5)), true);
    assert.equal(isChatRecord({ ...record(5), transcript: [{ Id: 1 }] }), false);
  });

  it('knows which states can still be live', () => {
    assert.deepEqual(
      (['starting', 'connected', 'queued', 'agent', 'ended', 'failed'] as const).filter(isLiveState),
      ['starting', 'connected', 'queued', 'agent'],
    );
  });
});

describe('relative time and state labels', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it('words ages as the view shows them', () => {
    assert.equal(relativeTime('2026-03-10T11:59:40Z', now), 'just now');
    assert.equal(relativeTime('2026-03-10T11:55:00Z', now), '5 min ago');
    assert.equal(relativeTime('2026-03-10T09:00:00Z', now), '3 h ago');
    assert.equal(relativeTime('2026-03-09T10:00:00Z', now), 'yesterday');
    assert.equal(relativeTime('2026-03-06T12:00:00Z', now), '4 days ago');
    assert.equal(relativeTime('2026-01-02T12:00:00Z', now), '2026-01-02');
    assert.equal(relativeTime('not a date', now), '');
  });
  it('labels states', () => {
    assert.equal(stateLabel('queued'), 'in queue');
    assert.equal(stateLabel('agent'), 'with agent');
    assert.equal(stateLabel('failed'), 'failed');
  });
});
