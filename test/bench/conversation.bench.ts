/**
 * The conversation panel: on the real path in a real browser engine (conversationDom.ts: sandbox
 * WebSocket → LiveChat → view model → posted state → the webview bundle's DOM), the time from an
 * item arriving to it being drawn (target ≤ 50 ms p95) and opening a 1,000-item transcript
 * (target ≤ 300 ms); and the host-side parts alone: the view model of a 1,000-item transcript,
 * the cost per arriving item (the host rebuilds the state from the ChatManager's record on every
 * change) and the size of the state message. Prints figures, asserts nothing.
 */
import { buildConversation } from '../../src/core/chat/conversationView';
import type { ChatItem, ChatRecord } from '../../src/core/chat/types';
import { domBench } from './conversationDom';
import { median, type Figure } from './support';

const EV = 'application/vnd.amazonaws.connect.event.';
const MENU = JSON.stringify({
  templateType: 'ListPicker',
  version: '1.0',
  data: { replyMessage: { title: 'Thanks!' }, content: { title: 'What can we help you with?', elements: [{ title: 'Track an order' }, { title: 'Start a return' }, { title: 'Talk to an agent' }] } },
});

function transcript(n: number): ChatItem[] {
  const t0 = Date.parse('2026-12-01T20:00:00.000Z');
  const items: ChatItem[] = [];
  for (let i = 0; i < n; i++) {
    const AbsoluteTime = new Date(t0 + i * 30_000).toISOString();
    const Id = `item-${i}`;
    switch (i % 10) {
      case 0:
        items.push({ Id, Type: 'MESSAGE', ContentType: 'application/vnd.amazonaws.connect.message.interactive', AbsoluteTime, ParticipantRole: 'SYSTEM', DisplayName: 'BOT', Content: MENU });
        break;
      case 1:
        items.push({ Id, Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime, ParticipantRole: 'CUSTOMER', DisplayName: 'Ada Tester', Content: 'Track an order' });
        break;
      case 2:
        items.push({ Id, Type: 'MESSAGE_READ', ContentType: `${EV}message.read`, AbsoluteTime, ParticipantRole: 'AGENT', MessageMetadata: { MessageId: `item-${i - 1}`, Receipts: [{ ReadTimestamp: AbsoluteTime, RecipientParticipantId: 'agent' }] } });
        break;
      case 3:
        items.push({ Id, Type: 'MESSAGE', ContentType: 'text/markdown', AbsoluteTime, ParticipantRole: 'AGENT', DisplayName: 'Sam', Content: 'You can **track** any order at [our site](https://example.com/orders):\n\n- step one\n- step `two`' });
        break;
      case 4:
        items.push({ Id, Type: 'EVENT', ContentType: `${EV}participant.joined`, AbsoluteTime, ParticipantRole: 'AGENT', DisplayName: 'Sam' });
        break;
      default:
        items.push({ Id, Type: 'MESSAGE', ContentType: 'text/plain', AbsoluteTime, ParticipantRole: i % 2 ? 'CUSTOMER' : 'AGENT', DisplayName: i % 2 ? 'Ada Tester' : 'Sam', Content: `Message number ${i} with some ordinary words in it.` });
    }
  }
  return items;
}

function record(items: ChatItem[]): ChatRecord {
  return {
    id: 'bench',
    origin: { connectionKey: 'sandbox', connectionLabel: 'Sandbox', region: 'us-east-1', instanceId: 'i', contactFlowId: 'f', requestName: 'bench.chatreq.json' },
    displayName: 'Ada Tester',
    clientToken: 't',
    attributes: {},
    state: 'connected',
    startedAt: items[0]?.AbsoluteTime ?? '',
    updatedAt: items.at(-1)?.AbsoluteTime ?? '',
    contactId: 'c',
    transcript: items,
  };
}

export async function bench(): Promise<Figure[]> {
  return [...(await domBench()), ...(await hostBench())];
}

function hostBench(): Promise<Figure[]> {
  const items = transcript(1001);
  const r1000 = record(items.slice(0, 1000));
  const r1001 = record(items);
  const options = { trusted: true, utcOffsetMinutes: 60 };
  const open = median(50, () => buildConversation(r1000, options));
  // One more item arriving: the state is rebuilt from the record, then serialised for postMessage.
  const perItem = median(50, () => JSON.stringify({ type: 'state', state: buildConversation(r1001, options) }));
  const small = median(500, () => JSON.stringify({ type: 'state', state: buildConversation(record(items.slice(0, 20)), options) }));
  const size = JSON.stringify({ type: 'state', state: buildConversation(r1000, options) }).length / 1024;
  return Promise.resolve([
    { name: 'view model of a 1,000-item transcript (open a panel)', value: open, unit: 'ms' },
    { name: 'one item arriving at 1,000 items (rebuild + serialise)', value: perItem, unit: 'ms' },
    { name: 'one item arriving at 20 items (rebuild + serialise)', value: small, unit: 'ms' },
    { name: 'state message for 1,000 items', value: size, unit: 'KiB' },
  ]);
}

if (require.main === module) {
  void bench().then((figures) => {
    for (const f of figures) console.log(`${f.name.padEnd(60)} ${f.value.toFixed(2)} ${f.unit}`);
  });
}
