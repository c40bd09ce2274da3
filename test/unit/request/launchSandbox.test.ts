import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartChatContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { parseRequestText, requestToStartChatContactInput, validateRequestText, type ChatRequestFile } from '../../../src/core/request';
import { startSandbox, type SandboxHandle } from '../../../src/sandbox';
import { clients, DEMO_FLOWS, DEMO_INSTANCE_ID } from '../sandbox/support';

/** A fixture with the instance and flow left to launch, as a user's file often is. */
function fixtureForLaunch(name: string): ChatRequestFile {
  const text = readFileSync(join(process.cwd(), 'test/fixtures/requests/valid', name), 'utf8');
  const { InstanceId: _i, ContactFlowId: _f, ...rest } = parseRequestText(text);
  return rest;
}

describe('request files launched through the real SDK into the sandbox', () => {
  let sb: SandboxHandle;
  let c: ReturnType<typeof clients>;
  before(async () => {
    sb = await startSandbox();
    c = clients(sb);
  });
  after(async () => {
    c?.connect.destroy();
    c?.participant.destroy();
    await sb?.close();
  });

  const launch = (file: ChatRequestFile, env: Record<string, string | undefined> = {}) =>
    c.connect.send(
      new StartChatContactCommand(requestToStartChatContactInput(file, { env, instanceId: DEMO_INSTANCE_ID, contactFlowId: DEMO_FLOWS.supportBot })),
    );

  it('basic: the attributes and display name arrive as written', async () => {
    const out = await launch(fixtureForLaunch('basic.chatreq.json'));
    assert.ok(out.ContactId);
    const contact = sb.getContact(out.ContactId)!;
    assert.deepEqual(contact.attributes, { customerTier: 'gold', 'order-id': 'A-1001', locale_hint: 'en_US' });
    assert.equal(contact.instanceId, DEMO_INSTANCE_ID);
  });

  it('guide: segment attributes and interactive content types are accepted', async () => {
    const out = await launch(fixtureForLaunch('guide.chatreq.json'));
    assert.ok(out.ParticipantToken);
  });

  it('persistent: ${env:...} references are resolved before the request is sent', async () => {
    const first = await launch(fixtureForLaunch('basic.chatreq.json'));
    // Persistent chat continues an ended chat.
    await c.connect.send(new StopContactCommand({ InstanceId: DEMO_INSTANCE_ID, ContactId: first.ContactId }));
    const out = await launch(fixtureForLaunch('persistent.chatreq.json'), { PREVIOUS_CONTACT_ID: first.ContactId, CHATREQ_CUSTOMER_ID: 'cust-77' });
    assert.ok(out.ContactId);
    assert.notEqual(out.ContactId, first.ContactId);
    assert.equal(out.ContinuedFromContactId, first.ContactId);
  });

  describe('the engine and the sandbox agree on what Connect rejects', () => {
    const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
      ['exactly 32,768 attribute bytes', { Attributes: { a: 'x'.repeat(16383), b: 'y'.repeat(16383) } }, undefined],
      ['32,769 attribute bytes', { Attributes: { a: 'x'.repeat(16383), bb: 'y'.repeat(16383) } }, 'chatreq/attributes-too-large'],
      ['an attribute key with a space', { Attributes: { 'a b': '1' } }, 'chatreq/attribute-key-characters'],
      ['a segment attribute key with a space', { SegmentAttributes: { 'a b': { ValueString: 'x' } } }, 'chatreq/segment-attribute-key-characters'],
      ['ValueArn on a user-defined segment attribute', { SegmentAttributes: { mine: { ValueArn: 'arn:aws:iam::1:role/x' } } }, 'chatreq/segment-value-system-only'],
      ['no text/plain', { SupportedMessagingContentTypes: ['text/markdown'] }, 'chatreq/text-plain-missing'],
      ['guide without interactive types', { SegmentAttributes: { 'connect:Subtype': { ValueString: 'connect:Guide' } } }, 'chatreq/guide-needs-interactive-types'],
      ['a 1,025-character text initial message', { InitialMessage: { ContentType: 'text/plain', Content: 'x'.repeat(1025) } }, 'chatreq/initial-message-too-long'],
      ['a 1,024-character text initial message', { InitialMessage: { ContentType: 'text/plain', Content: 'x'.repeat(1024) } }, undefined],
      ['59 minutes', { ChatDurationInMinutes: 59 }, 'chatreq/duration-out-of-range'],
      ['10,081 minutes', { ChatDurationInMinutes: 10081 }, 'chatreq/duration-out-of-range'],
      ['PersistentChat with RelatedContactId', { PersistentChat: { RehydrationType: 'FROM_SEGMENT', SourceContactId: 'x' }, RelatedContactId: 'y' }, 'chatreq/persistent-chat-with-related-contact'],
      ['RehydrationType without SourceContactId', { PersistentChat: { RehydrationType: 'FROM_SEGMENT' } }, 'chatreq/rehydration-without-source'],
      ['SourceContactId without RehydrationType', { PersistentChat: { SourceContactId: 'x' } }, 'chatreq/source-without-rehydration'],
      ['an unknown content type', { SupportedMessagingContentTypes: ['text/plain', 'image/png'] }, 'chatreq/invalid-value'],
      ['two DisconnectOnCustomerExit entries', { DisconnectOnCustomerExit: ['AGENT', 'AGENT'] }, 'chatreq/too-many-items'],
    ];
    for (const [what, members, code] of cases) {
      it(`${what}: ${code ?? 'accepted by both'}`, async () => {
        const input = { InstanceId: DEMO_INSTANCE_ID, ContactFlowId: DEMO_FLOWS.supportBot, ParticipantDetails: { DisplayName: 'A' }, ...members };
        const errors = validateRequestText(JSON.stringify(input, null, 2)).filter((d) => d.severity === 'error').map((d) => d.code);
        assert.deepEqual(errors, code ? [code] : []);
        const sent = c.connect.send(new StartChatContactCommand(input as never));
        if (code) await assert.rejects(sent, (e: Error) => /Invalid(Request|Parameter)Exception/.test(e.name));
        else assert.ok((await sent).ContactId);
      });
    }
  });
});
