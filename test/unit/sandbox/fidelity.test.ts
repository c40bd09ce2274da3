import { StartChatContactCommand } from '@aws-sdk/client-connect';
import { CreateParticipantConnectionCommand, GetTranscriptCommand, SendEventCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { startSandboxWithFlows, type SandboxHandle } from '../../../src/sandbox';
import { clients, openSocket, raw, startChat, waitFor, freshSandboxEach } from './support';

const NOTICE = 'application/vnd.chatreq.sandbox.notice';

describe('sandbox: wire fidelity of receipts, notices and transcript items', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  freshSandboxEach((s, k) => {
    sb = s;
    c = k;
  });

  it('pushes read/delivered receipts as Type MESSAGEMETADATA and folds them into the message in GetTranscript', async () => {
    const chat = await startChat(c);
    const socket = await openSocket(chat.websocketUrl);
    try {
      const sent = await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'hello' }));
      for (const type of ['delivered', 'read']) {
        await c.participant.send(
          new SendEventCommand({ ConnectionToken: chat.connectionToken, ContentType: `application/vnd.amazonaws.connect.event.message.${type}`, Content: JSON.stringify({ messageId: sent.Id }) }),
        );
      }
      const receipts = await waitFor(() => {
        const r = socket.items.filter((i) => i.ContentType === 'application/vnd.amazonaws.connect.event.message.metadata');
        return r.length === 2 ? r : undefined;
      }, 'two receipt items');
      for (const r of receipts) {
        assert.equal(r.Type, 'MESSAGEMETADATA');
        assert.equal((r.MessageMetadata as { MessageId: string }).MessageId, sent.Id);
      }
      const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken }));
      assert.ok(!t.Transcript!.some((i) => (i.Type as string) === 'MESSAGE_METADATA'));
      const message = t.Transcript!.find((i) => i.Id === sent.Id)!;
      assert.equal(message.MessageMetadata?.Receipts?.[0].RecipientParticipantId, chat.participantId);
      assert.ok(message.MessageMetadata?.Receipts?.[0].ReadTimestamp);
      assert.ok(message.MessageMetadata?.Receipts?.[0].DeliveredTimestamp);
    } finally {
      socket.ws.terminate();
    }
  });

  it('GetTranscript items carry the current session\'s ContactId', async () => {
    const chat = await startChat(c);
    await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'hi' }));
    const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, ScanDirection: 'FORWARD', SortOrder: 'ASCENDING' }));
    assert.equal(t.Transcript!.length, 2);
    for (const item of t.Transcript!) {
      assert.equal(item.ContactId, chat.contactId);
      assert.equal(item.RelatedContactId, undefined);
    }
  });

  it('POST /sandbox/contacts/{id}/drop-sockets cuts every participant socket without a close frame; clients reconnect', async () => {
    const chat = await startChat(c);
    const second = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: ['WEBSOCKET'] }));
    const a = await openSocket(chat.websocketUrl);
    const b = await openSocket(second.Websocket!.Url!);
    const r = await raw(sb, 'POST', `/sandbox/contacts/${chat.contactId}/drop-sockets`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { contactId: chat.contactId, dropped: 2 });
    assert.deepEqual(await Promise.all([a.closed, b.closed]), [{ code: 1006 }, { code: 1006 }], 'abnormal closure: no close frame');
    assert.equal(sb.dropSockets(chat.contactId), 0, 'nothing left to drop');

    const again = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: chat.participantToken, Type: ['WEBSOCKET'] }));
    const fresh = await openSocket(again.Websocket!.Url!);
    try {
      await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'still here' }));
      await waitFor(() => fresh.items.some((i) => i.Content === 'still here'), 'the message on the new socket');
      assert.equal(sb.dropSockets(chat.contactId), 1);
      assert.deepEqual(await fresh.closed, { code: 1006 });
    } finally {
      fresh.ws.terminate();
    }
    const missing = await raw(sb, 'POST', '/sandbox/contacts/nope/drop-sockets');
    assert.equal(missing.status, 404);
  });
});

describe('sandbox: notices never reach a participant', () => {
  it('keeps the flow runtime\'s notices out of GetTranscript and the WebSocket, on the contact and in the trace', async () => {
    const reported: string[] = [];
    const sb = await startSandboxWithFlows({
      onNotice: (_id, n) => reported.push(n),
      flowRuntime: {
        findFlow: (_instance, ref) => ({
          id: ref,
          arn: `arn:aws:connect:us-east-1:123456789012:instance/x/contact-flow/${ref}`,
          name: 'Has an unknown block',
          content: {
            Version: '2019-10-30',
            StartAction: 'X',
            Actions: [
              { Identifier: 'X', Type: 'FrobnicateContact', Parameters: {}, Transitions: { NextAction: 'M', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'M' }] } },
              { Identifier: 'M', Type: 'MessageParticipant', Parameters: { Text: 'after the unknown block' }, Transitions: { NextAction: 'W', Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'W' }] } },
              { Identifier: 'W', Type: 'Wait', Parameters: { TimeoutSeconds: '600', Events: ['CustomerReturned'] }, Transitions: { Conditions: [], Errors: [{ ErrorType: 'NoMatchingError', NextAction: 'W' }] } },
            ],
          },
        }),
      },
    });
    const c = clients(sb, 1);
    try {
      const s = await c.connect.send(
        new StartChatContactCommand({ InstanceId: sb.instances[0].id, ContactFlowId: sb.instances[0].flows[0].id, ParticipantDetails: { DisplayName: 'Ana' } }),
      );
      const conn = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: s.ParticipantToken!, Type: ['WEBSOCKET', 'CONNECTION_CREDENTIALS'] }));
      const socket = await openSocket(conn.Websocket!.Url!);
      try {
        await waitFor(() => sb.getContact(s.ContactId!)!.transcript.some((i) => i.Content === 'after the unknown block'), 'the message after the notice');
        await c.participant.send(new SendMessageCommand({ ConnectionToken: conn.ConnectionCredentials!.ConnectionToken!, ContentType: 'text/plain', Content: 'ping' }));
        await waitFor(() => socket.items.some((i) => i.Content === 'ping'), 'the customer message on the socket');
        const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: conn.ConnectionCredentials!.ConnectionToken!, MaxResults: 100 }));
        assert.ok(!t.Transcript!.some((i) => i.ContentType === NOTICE), 'not in GetTranscript');
        assert.ok(!socket.items.some((i) => i.ContentType === NOTICE), 'not on the WebSocket');
        const state = sb.getContact(s.ContactId!)!;
        assert.ok(!state.transcript.some((i) => i.ContentType === NOTICE));
        assert.equal(state.notices.length, 1);
        assert.match(state.notices[0], /Unsupported block "X" \(FrobnicateContact\)/);
        assert.match((state.trace as { notices: string[] }).notices[0], /FrobnicateContact/);
        assert.deepEqual(reported, state.notices);
      } finally {
        socket.ws.terminate();
      }
    } finally {
      c.connect.destroy();
      c.participant.destroy();
      await sb.close();
    }
  });
});
