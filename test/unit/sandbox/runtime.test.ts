import { StopContactCommand } from '@aws-sdk/client-connect';
import { DisconnectParticipantCommand, GetTranscriptCommand, SendMessageCommand } from '@aws-sdk/client-connectparticipant';
import assert from 'node:assert/strict';
import { ManualClock, startSandbox, startSandboxWithFlows, type ContactControl, type ContactRuntime, type ContactView, type SandboxHandle } from '../../../src/sandbox';
import { clients, DEMO_FLOWS, DEMO_INSTANCE_ID, raw, startChat } from './support';

/** A runtime that records what the service tells it and lets the test act through ContactControl. */
class RecordingRuntime implements ContactRuntime {
  readonly calls: string[] = [];
  readonly views = new Map<string, ContactView>();
  readonly controls = new Map<string, ContactControl>();
  start(view: ContactView, control: ContactControl): void {
    this.calls.push(`start:${view.contactId}`);
    this.views.set(view.contactId, view);
    this.controls.set(view.contactId, control);
    control.post({ Type: 'MESSAGE', ContentType: 'text/plain', Content: `Hi ${view.customerDisplayName}!`, ParticipantRole: 'SYSTEM' });
  }
  customerMessage(contactId: string, message: { ContentType: string; Content: string }): void {
    this.calls.push(`message:${contactId}:${message.Content}`);
    if (message.Content === 'explode') throw new Error('runtime bug');
    this.controls.get(contactId)!.post({ Type: 'MESSAGE', ContentType: 'text/plain', Content: `echo ${message.Content}`, ParticipantRole: 'CUSTOM_BOT' });
  }
  contactEnded(contactId: string): void {
    this.calls.push(`ended:${contactId}`);
  }
  getTrace(contactId: string): unknown {
    return { steps: this.calls.filter((c) => c.includes(contactId)).length };
  }
}

describe('sandbox: the ContactRuntime seam', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  let clock: ManualClock;
  let runtime: RecordingRuntime;
  const runtimeErrors: string[] = [];

  before(async () => {
    clock = new ManualClock();
    runtime = new RecordingRuntime();
    sb = await startSandbox({ clock, runtime, onRuntimeError: (m) => runtimeErrors.push(m) });
    c = clients(sb, 1);
  });
  after(async () => {
    c.connect.destroy();
    c.participant.destroy();
    await sb.close();
  });

  it('starts the runtime after the join event and initial message, with a full ContactView', async () => {
    const chat = await startChat(c, {
      InitialMessage: { ContentType: 'text/plain', Content: 'help' },
      Attributes: { lang: 'en' },
      CustomerId: 'crm-7',
      SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Chat' } },
    });
    const view = runtime.views.get(chat.contactId)!;
    assert.deepEqual(
      { ...view },
      {
        contactId: chat.contactId,
        initialContactId: chat.contactId,
        instanceId: DEMO_INSTANCE_ID,
        instanceArn: sb.instances[0].arn,
        contactFlowId: sb.instances[0].flows[0].id,
        channel: 'CHAT',
        attributes: { lang: 'en' },
        segmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Chat' } },
        customerId: 'crm-7',
        customerDisplayName: 'Ana Customer',
        customerParticipantId: chat.participantId,
        initialMessage: { ContentType: 'text/plain', Content: 'help' },
        supportedContentTypes: ['text/plain'],
      },
    );
    const t = sb.getContact(chat.contactId)!.transcript;
    assert.deepEqual(t.map((i) => i.Content ?? i.ContentType.split('.').pop()), ['joined', 'help', 'Hi Ana Customer!']);
    assert.equal(t[2].ParticipantRole, 'SYSTEM');
    assert.equal(t[2].DisplayName, 'SYSTEM_MESSAGE');
  });

  it('passes customer messages on, and what the runtime posts reaches GetTranscript', async () => {
    const chat = await startChat(c);
    await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'order 12' }));
    assert.ok(runtime.calls.includes(`message:${chat.contactId}:order 12`));
    const r = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, SortOrder: 'ASCENDING' }));
    const bot = r.Transcript!.at(-1)!;
    assert.equal(bot.Content, 'echo order 12');
    assert.equal(bot.ParticipantRole, 'CUSTOM_BOT');
    assert.equal(bot.DisplayName, 'BOT');
    const again = r.Transcript!.find((i) => i.ParticipantRole === 'SYSTEM')!;
    assert.notEqual(again.ParticipantId, bot.ParticipantId);
  });

  it('a runtime that throws does not break the service call', async () => {
    const chat = await startChat(c);
    const r = await c.participant.send(new SendMessageCommand({ ConnectionToken: chat.connectionToken, ContentType: 'text/plain', Content: 'explode' }));
    assert.ok(r.Id);
    assert.deepEqual(runtimeErrors.splice(0), ['chatreq sandbox: the contact runtime threw: runtime bug']);
  });

  it('setAttributes and end: the contact ends with every participant disconnected', async () => {
    const chat = await startChat(c);
    const control = runtime.controls.get(chat.contactId)!;
    control.setAttributes({ routed: 'billing' });
    assert.deepEqual(sb.getContact(chat.contactId)!.attributes, { routed: 'billing' });
    control.post({ Type: 'EVENT', ContentType: 'application/vnd.amazonaws.connect.event.participant.joined', ParticipantRole: 'AGENT', DisplayName: 'Sam Agent', ParticipantId: 'agent-1' });
    control.end('FLOW_DISCONNECT');
    const state = sb.getContact(chat.contactId)!;
    assert.equal(state.status, 'ENDED');
    assert.equal(state.endReason, 'FLOW_DISCONNECT');
    assert.deepEqual(state.transcript.slice(-3).map((i) => `${i.ContentType.split('.').pop()}:${i.ParticipantRole ?? '-'}`), ['left:CUSTOMER', 'left:AGENT', 'ended:-']);
    assert.deepEqual(state.participants.map((p) => `${p.role}:${p.displayName}:${p.left}`), ['CUSTOMER:Ana Customer:true', 'AGENT:Sam Agent:true']);
    assert.ok(!runtime.calls.includes(`ended:${chat.contactId}`), 'an end the runtime asked for is not reported back to it');
    control.post({ Type: 'MESSAGE', ContentType: 'text/plain', Content: 'too late', ParticipantRole: 'SYSTEM' });
    assert.equal(sb.getContact(chat.contactId)!.transcript.length, state.transcript.length);
  });

  it('an agent the runtime lets leave early does not leave twice', async () => {
    const chat = await startChat(c);
    const control = runtime.controls.get(chat.contactId)!;
    const agent = { ParticipantRole: 'AGENT', DisplayName: 'Sam Agent', ParticipantId: 'agent-2' } as const;
    control.post({ Type: 'EVENT', ContentType: 'application/vnd.amazonaws.connect.event.participant.joined', ...agent });
    control.post({ Type: 'EVENT', ContentType: 'application/vnd.amazonaws.connect.event.participant.left', ...agent });
    await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: chat.connectionToken }));
    const left = sb.getContact(chat.contactId)!.transcript.filter((i) => i.ContentType.endsWith('.left'));
    assert.deepEqual(left.map((i) => i.ParticipantRole), ['AGENT', 'CUSTOMER']);
  });

  it('reports contactEnded on DisconnectParticipant and StopContact', async () => {
    const a = await startChat(c);
    await c.participant.send(new DisconnectParticipantCommand({ ConnectionToken: a.connectionToken }));
    const b = await startChat(c);
    await c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: b.contactId }));
    assert.ok(runtime.calls.includes(`ended:${a.contactId}`));
    assert.ok(runtime.calls.includes(`ended:${b.contactId}`));
  });

  it('now() and setTimer run on the sandbox clock, and timers can be cancelled', async () => {
    const chat = await startChat(c);
    const control = runtime.controls.get(chat.contactId)!;
    assert.equal(control.now().getTime(), clock.now().getTime());
    const fired: string[] = [];
    control.setTimer(5000, () => fired.push('five'));
    const cancel = control.setTimer(3000, () => fired.push('three'));
    control.setTimer(1000, () => {
      throw new Error('timer bug');
    });
    cancel();
    clock.advance(4999);
    assert.deepEqual(fired, []);
    clock.advance(1);
    assert.deepEqual(fired, ['five']);
    assert.deepEqual(runtimeErrors.splice(0), ['chatreq sandbox: the contact runtime threw: timer bug']);
  });

  it('GET /sandbox/contacts/{ContactId} returns state and the runtime trace, never tokens', async () => {
    const chat = await startChat(c, { Attributes: { x: '1' } });
    const r = await raw(sb, 'GET', `/sandbox/contacts/${chat.contactId}`);
    assert.equal(r.status, 200);
    const body = r.json();
    assert.equal(body.contactId, chat.contactId);
    assert.equal(body.status, 'ACTIVE');
    assert.deepEqual(body.attributes, { x: '1' });
    assert.deepEqual(body.trace, { steps: 1 });
    assert.ok(Array.isArray(body.transcript));
    assert.ok(!r.body.includes(chat.participantToken) && !r.body.includes(chat.connectionToken));
    const missing = await raw(sb, 'GET', '/sandbox/contacts/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    const list = await raw(sb, 'GET', '/sandbox/contacts');
    assert.ok((list.json().contacts as Array<{ contactId: string }>).some((x) => x.contactId === chat.contactId));
  });
});

describe('sandbox: startSandboxWithFlows (the flow runtime plugged in)', () => {
  it('runs the demo flows with their Lambda mock and exposes the runtime trace', async () => {
    const sb = await startSandboxWithFlows();
    const c = clients(sb, 1);
    try {
      const chat = await startChat(c, { ContactFlowId: DEMO_FLOWS.orderStatus, Attributes: { orderId: '12345' } });
      const t = await c.participant.send(new GetTranscriptCommand({ ConnectionToken: chat.connectionToken, SortOrder: 'ASCENDING', MaxResults: 20 }));
      assert.ok(t.Transcript!.some((i) => /shipped with UPS/.test(i.Content ?? '')), JSON.stringify(t.Transcript!.map((i) => i.Content)));
      const state = sb.getContact(chat.contactId)!;
      assert.equal(state.attributes.orderStatus, 'SHIPPED');
      assert.ok(state.trace !== undefined, 'the admin view carries the flow trace');
      assert.equal(sb.runtime.getTrace(chat.contactId) !== undefined, true);
    } finally {
      c.connect.destroy();
      c.participant.destroy();
      await sb.close();
    }
  });
});
