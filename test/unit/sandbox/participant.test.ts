import { StartChatContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import {
  CreateParticipantConnectionCommand,
  DisconnectParticipantCommand,
  GetTranscriptCommand,
  paginateGetTranscript,
  SendEventCommand,
  SendMessageCommand,
  type Item,
} from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { ManualClock, startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { chatInput, clients, rejects, startChat, type StartedChat } from './support';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('sandbox: Participant Service through the AWS SDK v3', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock(Date.UTC(2026, 4, 4, 12, 0, 0));
    sb = await startSandbox({ clock });
    c = clients(sb, 1);
  });
  after(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  const send = (chat: StartedChat, Content: string, ContentType = 'text/plain') =>
    c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType, Content }));

  describe('CreateParticipantConnection', () => {
    it('returns a ws://127.0.0.1 URL and connection credentials with ISO expiry strings', async () => {
      const s = await c.connect.send(new StartChatContactCommand(chatInput()));
      const r = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: s.ParticipantToken!, Type: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'], ConnectParticipant: true }));
      assert.match(r.Websocket!.Url!, new RegExp(`^ws://127\\.0\\.0\\.1:${sb.port}/`));
      assert.match(r.Websocket!.ConnectionExpiry!, ISO);
      assert.equal(Date.parse(r.Websocket!.ConnectionExpiry!) - clock.now().getTime(), 100_000);
      assert.match(r.ConnectionCredentials!.Expiry!, ISO);
      assert.equal(Date.parse(r.ConnectionCredentials!.Expiry!) - clock.now().getTime(), 24 * 3600_000);
      assert.ok(r.ConnectionCredentials!.ConnectionToken!.length <= 1000);
      assert.notEqual(r.ConnectionCredentials!.ConnectionToken, s.ParticipantToken);
      assert.equal(sb.getContact(s.ContactId!)!.participants[0].connected, true);
      const onlyWs = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: s.ParticipantToken!, Type: ['WEBSOCKET'] }));
      assert.equal(onlyWs.ConnectionCredentials, undefined);
      assert.notEqual(onlyWs.Websocket!.Url, r.Websocket!.Url);
    });

    it('authenticates by X-Amz-Bearer only: bad, missing or swapped tokens are refused clearly', async () => {
      const chat = await startChat(c);
      const bad = await rejects(c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: 'not-a-token', Type: ['WEBSOCKET'] })));
      assert.equal(bad.name, 'AccessDeniedException');
      assert.equal(bad.$metadata.httpStatusCode, 403);
      const swapped = await rejects(c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.connectionToken, Type: ['WEBSOCKET'] })));
      assert.match(swapped.message, /ParticipantToken from StartChatContact/);
      assert.ok(!swapped.message.includes(chat.connectionToken), 'tokens never appear in messages');
      const wrongWay = await rejects(send({ ...chat, connectionToken: chat.participantToken }, 'hi'));
      assert.equal(wrongWay.name, 'AccessDeniedException');
      assert.match(wrongWay.message, /ConnectionToken from CreateParticipantConnection/);
      const empty = await rejects(c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: '', Type: ['WEBSOCKET'] })));
      assert.equal(empty.name, 'ValidationException');
      assert.match(empty.message, /X-Amz-Bearer/);
    });

    it('validates Type', async () => {
      const chat = await startChat(c);
      const e = await rejects(c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: ['SMOKE_SIGNAL' as never] })));
      assert.equal(e.name, 'ValidationException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.match(e.message, /Value 'SMOKE_SIGNAL' at 'Type\.1\.member'/);
      const empty = await rejects(c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: [] })));
      assert.match(empty.message, /'Type'.*greater than or equal to 1/);
      const rtc = await rejects(c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: ['WEBRTC_CONNECTION'] })));
      assert.match(rtc.message, /text only/);
    });
  });

  describe('SendMessage / SendEvent', () => {
    it('adds the message to the transcript and returns Id and an ISO AbsoluteTime', async () => {
      const chat = await startChat(c);
      const r = await send(chat, 'Hello there');
      assert.match(r.Id!, /^[0-9a-f-]{36}$/);
      assert.equal(r.AbsoluteTime, clock.now().toISOString());
      const last = sb.getContact(chat.contactId)!.transcript.at(-1)!;
      assert.deepEqual(
        { Id: last.Id, Type: last.Type, Content: last.Content, Role: last.ParticipantRole, P: last.ParticipantId, Name: last.DisplayName },
        { Id: r.Id, Type: 'MESSAGE', Content: 'Hello there', Role: 'CUSTOMER', P: chat.participantId, Name: 'Ana Customer' },
      );
    });

    it('ClientToken makes SendMessage idempotent', async () => {
      const chat = await startChat(c);
      const a = await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'once', ClientToken: 'msg-1' }));
      const b = await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'once', ClientToken: 'msg-1' }));
      assert.equal(b.Id, a.Id);
      assert.equal(sb.getContact(chat.contactId)!.transcript.filter((i) => i.Content === 'once').length, 1);
    });

    it('enforces content types and per-type lengths', async () => {
      const chat = await startChat(c, { SupportedMessagingContentTypes: ['text/plain', 'application/json'] });
      const md = await rejects(send(chat, '**x**', 'text/markdown'));
      assert.equal(md.name, 'ValidationException');
      assert.match(md.message, /ContentType 'text\/markdown'.*text\/plain, application\/json/);
      const long = await rejects(send(chat, 'x'.repeat(1025)));
      assert.match(long.message, /at most 1024/);
      await send(chat, JSON.stringify({ x: 'y'.repeat(5000) }), 'application/json');
      const missing = await rejects(c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain' } as never)));
      assert.match(missing.message, /Value null at 'Content'/);
      const huge = await rejects(send(chat, 'x'.repeat(16385), 'application/json'));
      assert.match(huge.message, /'Content'.*16384/);
    });

    it('SendEvent: typing is pushed but not kept; receipts land on the message; unknown events are refused', async () => {
      const chat = await startChat(c);
      const msg = await send(chat, 'ping');
      const count = sb.getContact(chat.contactId)!.transcript.length;
      const typing = await c.participant.send(new SendEventCommand({ ConnectionToken: chat.connectionToken, ContentType: 'application/vnd.amazonaws.connect.event.typing' }));
      assert.match(typing.AbsoluteTime!, ISO);
      assert.equal(sb.getContact(chat.contactId)!.transcript.length, count);
      await c.participant.send(
        new SendEventCommand({ ConnectionToken: chat.connectionToken, ContentType: 'application/vnd.amazonaws.connect.event.message.read', Content: JSON.stringify({ messageId: msg.Id }) }),
      );
      const item = sb.getContact(chat.contactId)!.transcript.find((i) => i.Id === msg.Id)!;
      assert.equal(item.MessageMetadata!.Receipts![0].RecipientParticipantId, chat.participantId);
      assert.match(item.MessageMetadata!.Receipts![0].ReadTimestamp!, ISO);
      const bad = await rejects(c.participant.send(new SendEventCommand({ ConnectionToken: chat.connectionToken, ContentType: 'application/vnd.amazonaws.connect.event.dance' })));
      assert.equal(bad.name, 'ValidationException');
      assert.match(bad.message, /not a supported event/);
      const noId = await rejects(
        c.participant.send(new SendEventCommand({ ConnectionToken: chat.connectionToken, ContentType: 'application/vnd.amazonaws.connect.event.message.delivered', Content: '{"messageId":"nope"}' })),
      );
      assert.match(noId.message, /names no message/);
    });
  });

  describe('GetTranscript', () => {
    let chat: StartedChat;
    let ids: string[];
    before(async () => {
      chat = await startChat(c, { InitialMessage: { ContentType: 'text/plain', Content: 'm0' } });
      for (let i = 1; i <= 11; i++) {
        clock.advance(1000);
        await send(chat, `m${i}`);
      }
      ids = sb.getContact(chat.contactId)!.transcript.map((i) => i.Id);
      assert.equal(ids.length, 13); // join event + m0..m11
    });
    const get = (extra: object = {}) => c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, ...extra }));
    const contents = (items: Item[] | undefined) => items!.map((i) => i.Content ?? i.ContentType!.split('.').pop());

    it('defaults: 10 most recent items (BACKWARD), newest first (DESCENDING), with NextToken', async () => {
      const r = await get();
      assert.deepEqual(contents(r.Transcript), ['m11', 'm10', 'm9', 'm8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2']);
      assert.equal(r.InitialContactId, chat.contactId);
      assert.ok(r.NextToken);
      const next = await get({ NextToken: r.NextToken });
      assert.deepEqual(contents(next.Transcript), ['m1', 'm0', 'joined']);
      assert.equal(next.NextToken, undefined);
    });

    it('takes an empty StartPosition as none, as amazon-connect-chatjs sends it', async () => {
      const r = await get({ StartPosition: {}, ScanDirection: 'BACKWARD', SortOrder: 'ASCENDING', MaxResults: 15 });
      assert.equal(r.Transcript!.length, 13);
      assert.equal(r.Transcript![12].Content, 'm11');
    });

    it('SortOrder ASCENDING, ScanDirection FORWARD and MaxResults', async () => {
      const r = await get({ SortOrder: 'ASCENDING', ScanDirection: 'FORWARD', MaxResults: 3 });
      assert.deepEqual(contents(r.Transcript), ['joined', 'm0', 'm1']);
      const back = await get({ SortOrder: 'ASCENDING', MaxResults: 3 });
      assert.deepEqual(contents(back.Transcript), ['m9', 'm10', 'm11']);
      const all: string[] = [];
      for await (const p of paginateGetTranscript({ client: c.participant, pageSize: 5 }, { ConnectionToken: chat.connectionToken, SortOrder: 'ASCENDING', ScanDirection: 'FORWARD' })) {
        all.push(...(contents(p.Transcript) as string[]));
      }
      assert.equal(all.length, 13);
      assert.deepEqual(all.slice(0, 3), ['joined', 'm0', 'm1']);
    });

    it('StartPosition by Id (FORWARD by default), by MostRecent, and by AbsoluteTime', async () => {
      const byId = await get({ StartPosition: { Id: ids[5] }, SortOrder: 'ASCENDING', MaxResults: 2 });
      assert.deepEqual(contents(byId.Transcript), ['m4', 'm5']);
      const back = await get({ StartPosition: { Id: ids[5] }, ScanDirection: 'BACKWARD', SortOrder: 'ASCENDING', MaxResults: 2 });
      assert.deepEqual(contents(back.Transcript), ['m3', 'm4']);
      const recent = await get({ StartPosition: { MostRecent: 2 }, SortOrder: 'ASCENDING' });
      assert.deepEqual(contents(recent.Transcript), ['m9', 'm10', 'm11']);
      const at = sb.getContact(chat.contactId)!.transcript[8].AbsoluteTime;
      const byTime = await get({ StartPosition: { AbsoluteTime: at }, SortOrder: 'ASCENDING', MaxResults: 2 });
      assert.deepEqual(contents(byTime.Transcript), ['m7', 'm8']);
    });

    it('refuses bad parameters with ValidationException naming the member', async () => {
      const cases: Array<[object, RegExp]> = [
        [{ MaxResults: 101 }, /'MaxResults'.*100/],
        [{ ScanDirection: 'SIDEWAYS' }, /'ScanDirection'/],
        [{ SortOrder: 'RANDOM' }, /'SortOrder'/],
        [{ StartPosition: { Id: ids[1], MostRecent: 1 } }, /exactly one of Id, AbsoluteTime and MostRecent/],
        [{ StartPosition: { Id: 'nope' } }, /StartPosition\.Id 'nope' names no item/],
        [{ StartPosition: { AbsoluteTime: 'yesterday' } }, /StartPosition\.AbsoluteTime.*ISO 8601/],
        [{ NextToken: 'garbage' }, /NextToken is not valid/],
      ];
      for (const [input, pattern] of cases) {
        const e = await rejects(get(input));
        assert.equal(e.name, 'ValidationException', JSON.stringify(input));
        assert.match(e.message, pattern);
      }
      const other = await rejects(get({ ContactId: 'someone-elses-contact' }));
      assert.equal(other.name, 'AccessDeniedException');
    });
  });

  describe('DisconnectParticipant and expiry', () => {
    it('ends the chat; later calls are refused; a ClientToken replay still answers {}', async () => {
      const chat = await startChat(c);
      const r = await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken, ClientToken: 'bye-1' }));
      assert.equal(r.$metadata.httpStatusCode, 200);
      const state = sb.getContact(chat.contactId)!;
      assert.equal(state.status, 'ENDED');
      assert.equal(state.endReason, 'CUSTOMER_DISCONNECT');
      assert.deepEqual(state.transcript.slice(-2).map((i) => i.ContentType.split('.').pop()), ['left', 'ended']);
      await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken, ClientToken: 'bye-1' }));
      const again = await rejects(c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken, ClientToken: 'bye-2' })));
      assert.equal(again.name, 'AccessDeniedException');
      const msg = await rejects(send(chat, 'anyone?'));
      assert.equal(msg.name, 'AccessDeniedException');
      const conn = await rejects(c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: ['WEBSOCKET'] })));
      assert.equal(conn.name, 'AccessDeniedException');
    });

    it('after the chat ends some other way, the customer can still connect and read, but not write', async () => {
      const chat = await startChat(c, { InitialMessage: { ContentType: 'text/plain', Content: 'before the end' } });
      await c.connect.send(new StopContactCommand({ InstanceId: sb.instances[0].id, ContactId: chat.contactId }));
      const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, SortOrder: 'ASCENDING' }));
      assert.deepEqual(t.Transcript!.map((i) => i.Content ?? i.ContentType!.split('.').pop()), ['joined', 'before the end', 'left', 'ended']);
      const conn = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: ['CONNECTION_CREDENTIALS'] }));
      assert.equal(conn.ConnectionCredentials!.ConnectionToken, chat.connectionToken);
      assert.equal(sb.getContact(chat.contactId)!.participants[0].connected, false);
      const e = await rejects(send(chat, 'hello?'));
      assert.equal(e.name, 'AccessDeniedException');
      assert.match(e.message, /has ended/);
      const bye = await rejects(c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken })));
      assert.equal(bye.name, 'AccessDeniedException');
    });

    it('a chat ends by itself after ChatDurationInMinutes on the sandbox clock; a connection token expires after a day', async () => {
      const chat = await startChat(c, { ChatDurationInMinutes: 60 });
      clock.advance(59 * 60_000);
      assert.equal(sb.getContact(chat.contactId)!.status, 'ACTIVE');
      clock.advance(60_000);
      const state = sb.getContact(chat.contactId)!;
      assert.equal(state.status, 'ENDED');
      assert.equal(state.endReason, 'EXPIRED');
      const long = await startChat(c, { ChatDurationInMinutes: 10080 });
      clock.advance(24 * 3600_000);
      const e = await rejects(send(long, 'still there?'));
      assert.equal(e.name, 'AccessDeniedException');
      assert.match(e.message, /expired.*CreateParticipantConnection again/);
      const fresh = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: long.participantToken, Type: ['CONNECTION_CREDENTIALS'] }));
      await send({ ...long, connectionToken: fresh.ConnectionCredentials!.ConnectionToken! }, 'back again');
    });
  });
});

describe('sandbox: retention of ended chats', () => {
  it('forgets the oldest ended chats beyond maxEndedContacts, with their tokens', async () => {
    const sb = await startSandbox({ maxEndedContacts: 2 });
    const c = clients(sb, 1);
    try {
      const chats = [await startChat(c), await startChat(c), await startChat(c)];
      for (const chat of chats) await c.connect.send(new StopContactCommand({ InstanceId: sb.instances[0].id, ContactId: chat.contactId }));
      assert.equal(sb.getContact(chats[0].contactId), undefined);
      assert.equal(sb.getContact(chats[1].contactId)!.status, 'ENDED');
      const e = await rejects(c.participant.send(new GetTranscriptCommand({ ConnectionToken: chats[0].connectionToken })));
      assert.equal(e.name, 'AccessDeniedException');
      await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chats[2].connectionToken }));
    } finally {
      c.connect.destroy();
      c.participant.destroy();
      await sb.close();
    }
  });
});
