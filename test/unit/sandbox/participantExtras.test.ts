/**
 * Issue 12 item 3: the Participant operations beyond the chat basics (attachments, views,
 * authentication) through the AWS SDK v3, and the chat blocks that now take their documented path.
 */
import { StartChatContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import {
  CancelParticipantAuthenticationCommand,
  CompleteAttachmentUploadCommand,
  CreateParticipantConnectionCommand,
  DescribeViewCommand,
  GetAttachmentCommand,
  GetAuthenticationUrlCommand,
  GetTranscriptCommand,
  SendMessageCommand,
  StartAttachmentUploadCommand,
} from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ManualClock, startSandboxWithFlows, type SandboxHandle } from '../../../src/sandbox';
import { clients, openSocket, rejects, startChat, waitFor, freshSandboxEach } from './support';

describe('sandbox: attachments, views and authentication on the Participant Service', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  freshSandboxEach((s, k) => {
    sb = s;
    c = k;
  });

  it('uploads an attachment to the sandbox URL, shares it as an ATTACHMENT item and serves it back', async () => {
    const chat = await startChat(c);
    const socket = await openSocket(chat.websocketUrl);
    try {
      const bytes = Buffer.from('order,status\nA-77,shipped\n');
      const started = await c.participant.send(
        new StartAttachmentUploadCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/csv', AttachmentSizeInBytes: bytes.length, AttachmentName: 'orders.csv', ClientToken: 'up-1' }),
      );
      assert.ok(started.AttachmentId);
      const upload = started.UploadMetadata!;
      assert.ok(upload.Url!.startsWith(`${sb.url}/`), 'the upload URL is on the sandbox port');
      assert.ok(Date.parse(upload.UrlExpiry!) > Date.now());
      // Completing before the upload is refused.
      const early = await rejects(c.participant.send(new CompleteAttachmentUploadCommand({ ConnectionToken: chat.connectionToken, AttachmentIds: [started.AttachmentId], ClientToken: 'done-1' })));
      assert.equal(early.name, 'ValidationException');
      const put = await fetch(upload.Url!, { method: 'PUT', headers: upload.HeadersToInclude, body: bytes });
      assert.equal(put.status, 200);
      await c.participant.send(new CompleteAttachmentUploadCommand({ ConnectionToken: chat.connectionToken, AttachmentIds: [started.AttachmentId], ClientToken: 'done-1' }));
      const item = await waitFor(() => socket.items.find((i) => i.Type === 'ATTACHMENT'), 'the ATTACHMENT item');
      assert.deepEqual(item.Attachments, [{ ContentType: 'text/csv', AttachmentId: started.AttachmentId, AttachmentName: 'orders.csv', Status: 'APPROVED' }]);
      assert.equal(item.ParticipantRole, 'CUSTOMER');
      const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken }));
      assert.equal(t.Transcript!.find((i) => i.Type === 'ATTACHMENT')?.Attachments?.[0].AttachmentName, 'orders.csv');
      const got = await c.participant.send(new GetAttachmentCommand({ ConnectionToken: chat.connectionToken, AttachmentId: started.AttachmentId, UrlExpiryInSeconds: 60 }));
      assert.equal(got.AttachmentSizeInBytes, bytes.length);
      const download = await fetch(got.Url!);
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'text/csv');
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);
    } finally {
      socket.ws.terminate();
    }
  });

  it('refuses attachment types, sizes and ids with modelled errors', async () => {
    const chat = await startChat(c);
    const start = (ContentType: string, AttachmentSizeInBytes: number) =>
      c.participant.send(new StartAttachmentUploadCommand({ ConnectionToken: chat.connectionToken, ContentType, AttachmentSizeInBytes, AttachmentName: 'x', ClientToken: `${ContentType}${AttachmentSizeInBytes}` }));
    assert.equal((await rejects(start('application/x-msdownload', 10))).name, 'ValidationException');
    assert.equal((await rejects(start('image/png', 21 * 1024 * 1024))).name, 'ValidationException');
    const unknown = await rejects(c.participant.send(new GetAttachmentCommand({ ConnectionToken: chat.connectionToken, AttachmentId: 'nope' })));
    assert.equal(unknown.name, 'ValidationException');
  });

  it('answers DescribeView for an unknown token and the authentication calls with modelled errors, never UnknownOperation', async () => {
    const chat = await startChat(c);
    const view = await rejects(c.participant.send(new DescribeViewCommand({ ConnectionToken: chat.connectionToken, ViewToken: 'not-a-view' })));
    assert.equal(view.name, 'ResourceNotFoundException');
    assert.equal(view.$metadata.httpStatusCode, 404);
    const session = '7c2b0f9e-52d4-4a51-9c1e-3f7d8e6a2b10';
    const url = await rejects(c.participant.send(new GetAuthenticationUrlCommand({ ConnectionToken: chat.connectionToken, SessionId: session, RedirectUri: 'https://example.com/back' })));
    assert.equal(url.name, 'ValidationException');
    assert.match(url.message, /Authenticate Customer/);
    const cancel = await rejects(c.participant.send(new CancelParticipantAuthenticationCommand({ ConnectionToken: chat.connectionToken, SessionId: session })));
    assert.equal(cancel.name, 'ValidationException');
  });
});

describe('sandbox: chat blocks that take their documented path', () => {
  let sb: SandboxHandle & { runtime: unknown };
  let c: ReturnType<typeof clients>;
  let clock: ManualClock;
  const instanceId = () => sb.instances.find((i) => i.alias === 'local')!.id;
  const flowId = () => sb.instances.find((i) => i.alias === 'local')!.flows.find((f) => f.name === 'Chat Blocks')!.id;

  beforeEach(async () => {
    clock = new ManualClock();
    sb = await startSandboxWithFlows({
      clock,
      flowsDir: join(__dirname, '../../../../test/fixtures/sandbox/blocks'),
      flowRuntime: { findQueue: (_i, ref) => (ref === 'Support' ? { id: 'q-support', arn: 'arn:aws:connect:us-east-1:000000000000:instance/x/queue/q-support', name: 'Support' } : undefined) },
    });
    c = clients(sb, 1);
  });
  afterEach(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  const texts = (items: Array<Record<string, unknown>>) => items.filter((i) => i.ContentType === 'text/plain' && i.ParticipantRole === 'SYSTEM').map((i) => i.Content);

  it('runs Create task, Check queue status, Create persistent contact association and Show view down their success paths', async () => {
    const first = await c.connect.send(new StartChatContactCommand({ InstanceId: instanceId(), ContactFlowId: flowId(), ParticipantDetails: { DisplayName: 'First' } }));
    await c.connect.send(new StopContactCommand({ InstanceId: instanceId(), ContactId: first.ContactId! }));
    const chat = await startChat(c, { InstanceId: instanceId(), ContactFlowId: flowId(), Attributes: { previous: first.ContactId! } });
    const socket = await openSocket(chat.websocketUrl);
    try {
      const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, ScanDirection: 'FORWARD', SortOrder: 'ASCENDING', MaxResults: 100 }));
      const items = t.Transcript! as unknown as Array<Record<string, unknown>>;
      assert.deepEqual(texts(items), ['task: Success', 'queue: short', 'association: Success']);
      const viewMessage = items.find((i) => i.ContentType === 'application/vnd.amazonaws.connect.message.interactive');
      assert.ok(viewMessage, 'Show view sent the view to the customer');
      const token = (JSON.parse(viewMessage.Content as string) as { data: { content: { viewToken: string } } }).data.content.viewToken;
      const view = await c.participant.send(new DescribeViewCommand({ ConnectionToken: chat.connectionToken, ViewToken: token }));
      assert.equal(view.View?.Name, 'Confirmation');
      assert.deepEqual(view.View?.Content?.Actions, ['Next']);
      assert.equal(typeof view.View?.Content?.Template, 'string');
      await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'Next' }));
      await waitFor(() => texts(socket.items).includes('view: Next'), 'the view answer branch');
    } finally {
      socket.ws.terminate();
    }
  });

  it('takes the Error branch of Create persistent contact association for an unknown contact, and Timeout when a view is not answered', async () => {
    const chat = await startChat(c, { InstanceId: instanceId(), ContactFlowId: flowId(), Attributes: { previous: 'no-such-contact' } });
    const socket = await openSocket(chat.websocketUrl);
    try {
      const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, ScanDirection: 'FORWARD', SortOrder: 'ASCENDING', MaxResults: 100 }));
      assert.deepEqual(texts(t.Transcript! as unknown as Array<Record<string, unknown>>), ['task: Success', 'queue: short', 'association: Error']);
      clock.advance(61_000);
      await waitFor(() => texts(socket.items).includes('view: Timeout'), 'the view timeout branch');
    } finally {
      socket.ws.terminate();
    }
  });

  it('the customer connection still works for a chat in this instance', async () => {
    const s = await c.connect.send(new StartChatContactCommand({ InstanceId: instanceId(), ContactFlowId: flowId(), ParticipantDetails: { DisplayName: 'X' } }));
    const conn = await c.participant.send(new CreateParticipantConnectionCommand({ ParticipantToken: s.ParticipantToken!, Type: ['CONNECTION_CREDENTIALS'] }));
    assert.ok(conn.ConnectionCredentials?.ConnectionToken);
  });
});
