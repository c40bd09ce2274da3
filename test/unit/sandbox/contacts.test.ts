import { DescribeContactCommand, GetContactAttributesCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { DisconnectParticipantCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { ManualClock, startSandbox, startSandboxWithFlows, type ContactRuntime, type SandboxHandle } from '../../../src/sandbox';
import { DEMO_QUEUES } from '../../../src/sandbox/catalog';
import { clients, DEMO_FLOWS, DEMO_INSTANCE_ID, rejects, startChat, waitFor } from './support';

describe('sandbox: DescribeContact and GetContactAttributes through the AWS SDK v3', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;

  beforeEach(async () => {
    sb = await startSandboxWithFlows();
    c = clients(sb, 1);
  });
  afterEach(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  const describe_ = (ContactId: string, InstanceId = DEMO_INSTANCE_ID) => c.connect.send(new DescribeContactCommand({ InstanceId, ContactId }));
  const texts = (id: string) => sb.getContact(id)!.transcript.filter((i) => i.Type === 'MESSAGE').map((i) => i.Content);

  it('describes a live chat: ids, ARN, channel, epoch-second timestamps, attributes the flow set, segment attributes', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.supportBot, Attributes: { lang: 'en' } });
    await waitFor(() => texts(chat.contactId).some((t) => t?.startsWith('How can I help')), 'the bot prompt');
    const { Contact: k } = await describe_(chat.contactId);
    assert.ok(k);
    assert.equal(k.Id, chat.contactId);
    assert.equal(k.InitialContactId, chat.contactId);
    assert.equal(k.Arn, `${sb.instances[0].arn}/contact/${chat.contactId}`);
    assert.equal(k.Channel, 'CHAT');
    assert.equal(k.InitiationMethod, 'API');
    const started = sb.getContact(chat.contactId)!.startedAt;
    assert.ok(k.InitiationTimestamp instanceof Date, 'the SDK parsed epoch seconds');
    assert.equal(k.InitiationTimestamp.toISOString(), started);
    assert.equal(k.ConnectedToSystemTimestamp?.toISOString(), started);
    assert.ok(k.LastUpdateTimestamp && k.LastUpdateTimestamp.getTime() >= k.InitiationTimestamp.getTime());
    assert.equal(k.DisconnectTimestamp, undefined, 'no DisconnectTimestamp while the chat is live');
    assert.equal(k.DisconnectReason, undefined);
    assert.equal(k.QueueInfo, undefined);
    assert.equal(k.AgentInfo, undefined);
    assert.deepEqual(k.Attributes, { lang: 'en', entryFlow: 'SupportBot', customerId: '' });
    assert.deepEqual(k.SegmentAttributes, { 'connect:Subtype': { ValueString: 'connect:Chat' } });
  });

  it('reports QueueInfo once the flow queued the contact', async () => {
    // orderStatus hands the chat to the Customer Service queue when the order lookup fails.
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.orderStatus, Attributes: { orderId: '99999' } });
    await waitFor(() => sb.getContact(chat.contactId)!.transcript.some((i) => i.ContentType.endsWith('transfer.succeeded')), 'the queue transfer');
    const { Contact: k } = await describe_(chat.contactId);
    assert.equal(k?.QueueInfo?.Id, DEMO_QUEUES[0].id);
    assert.ok(k?.QueueInfo?.EnqueueTimestamp instanceof Date);
    assert.equal(k?.DisconnectTimestamp, undefined, 'a queued chat is still live');
  });

  it('reports AgentInfo once a runtime brings an agent in', async () => {
    const agentRuntime: ContactRuntime = {
      start: (_view, control) =>
        control.post({ Type: 'EVENT', ContentType: 'application/vnd.amazonaws.connect.event.participant.joined', ParticipantRole: 'AGENT', DisplayName: 'Sam', ParticipantId: 'agent-7' }),
      customerMessage: () => undefined,
      contactEnded: () => undefined,
    };
    sb.setRuntime(agentRuntime);
    const chat = await startChat(c);
    await waitFor(() => sb.getContact(chat.contactId)!.participants.some((p) => p.role === 'AGENT'), 'the agent');
    const { Contact: k } = await describe_(chat.contactId);
    assert.equal(k?.AgentInfo?.Id, 'agent-7');
    assert.ok(k?.AgentInfo?.ConnectedToAgentTimestamp instanceof Date);
  });

  it('gives DisconnectReason and DisconnectTimestamp per way the chat ended', async () => {
    const stopped = await startChat(c);
    await c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: stopped.contactId }));
    const left = await startChat(c);
    await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: left.connectionToken }));
    const byFlow = await startChat(c, { ContactFlowId: DEMO_FLOWS.orderStatus, Attributes: { orderId: '12345' } });
    await waitFor(() => sb.getContact(byFlow.contactId)!.status === 'ENDED', 'the flow to disconnect');

    const reasons = await Promise.all([stopped, left, byFlow].map(async (chat) => (await describe_(chat.contactId)).Contact!));
    assert.deepEqual(reasons.map((k) => k.DisconnectReason), ['API', 'CUSTOMER_DISCONNECT', 'CONTACT_FLOW_DISCONNECT']);
    for (const [i, chat] of [stopped, left, byFlow].entries()) {
      assert.equal(reasons[i].DisconnectTimestamp?.toISOString(), sb.getContact(chat.contactId)!.endedAt);
    }
  });

  it('says EXPIRED when the chat duration ran out', async () => {
    const clock = new ManualClock();
    // No flow runtime: nothing but the duration ends this chat.
    const expiring = await startSandbox({ clock });
    const cc = clients(expiring, 1);
    try {
      const chat = await startChat(cc, { ChatDurationInMinutes: 60 });
      clock.advance(60 * 60_000);
      const { Contact: k } = await cc.connect.send(new DescribeContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: chat.contactId }));
      assert.equal(k?.DisconnectReason, 'EXPIRED');
      assert.equal(k?.DisconnectTimestamp?.getTime(), (k?.InitiationTimestamp?.getTime() ?? 0) + 3600_000);
    } finally {
      cc.connect.destroy();
      cc.participant.destroy();
      await expiring.close();
    }
  });

  it('answers the modelled errors: ResourceNotFound (404) for an unknown contact or instance, InvalidParameter (400) for a bad id', async () => {
    const unknown = await rejects(describe_('00000000-0000-4000-8000-000000000000'));
    assert.equal(unknown.name, 'ResourceNotFoundException');
    assert.equal(unknown.$metadata.httpStatusCode, 404);
    const chat = await startChat(c);
    const otherInstance = await rejects(describe_(chat.contactId, 'ffffffff-0000-4000-8000-000000000000'));
    assert.equal(otherInstance.name, 'ResourceNotFoundException');
    const tooLong = await rejects(describe_('x'.repeat(257)));
    assert.equal(tooLong.name, 'InvalidParameterException');
    assert.equal(tooLong.$metadata.httpStatusCode, 400);
  });

  it('throttles with the modelled ThrottlingException (429) and takes injected faults', async () => {
    const chat = await startChat(c);
    sb.setQuotas({ tps: { DescribeContact: 1 } });
    await describe_(chat.contactId);
    const throttled = await rejects(describe_(chat.contactId));
    assert.equal(throttled.name, 'ThrottlingException');
    assert.equal(throttled.$metadata.httpStatusCode, 429);
    sb.setQuotas({});
    sb.addFault({ operation: 'GetContactAttributes', kind: 'error', count: 1 });
    const failed = await rejects(c.connect.send(new GetContactAttributesCommand({ InstanceId: DEMO_INSTANCE_ID, InitialContactId: chat.contactId })));
    assert.equal(failed.name, 'InternalServiceException');
    assert.equal(failed.$metadata.httpStatusCode, 500);
  });

  it('GetContactAttributes returns the current attributes, including what the flow set after the start', async () => {
    const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.helpMenu, Attributes: { lang: 'en' } });
    const before = await c.connect.send(new GetContactAttributesCommand({ InstanceId: DEMO_INSTANCE_ID, InitialContactId: chat.contactId }));
    assert.deepEqual(before.Attributes, { lang: 'en' });
    await waitFor(() => sb.getContact(chat.contactId)!.transcript.some((i) => i.DisplayName === 'BOT'), 'the menu');
    await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'Start a return' }));
    await waitFor(() => sb.getContact(chat.contactId)!.status === 'ENDED', 'the flow to finish');
    const after = await c.connect.send(new GetContactAttributesCommand({ InstanceId: DEMO_INSTANCE_ID, InitialContactId: chat.contactId }));
    assert.deepEqual(after.Attributes, { lang: 'en', menuChoice: 'StartReturn' });
  });

  it('GetContactAttributes: ResourceNotFound for an unknown contact, InvalidRequest for a bad id', async () => {
    const e = await rejects(c.connect.send(new GetContactAttributesCommand({ InstanceId: DEMO_INSTANCE_ID, InitialContactId: 'nope' })));
    assert.equal(e.name, 'ResourceNotFoundException');
    assert.equal(e.$metadata.httpStatusCode, 404);
    const bad = await rejects(c.connect.send(new GetContactAttributesCommand({ InstanceId: DEMO_INSTANCE_ID, InitialContactId: 'y'.repeat(257) })));
    assert.equal(bad.name, 'InvalidRequestException');
    assert.equal(bad.$metadata.httpStatusCode, 400);
  });
});
