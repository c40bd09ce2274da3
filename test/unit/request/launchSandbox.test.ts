import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartChatContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { parseRequestText, requestToStartChatContactInput, type ChatRequestFile } from '../../../src/core/request';
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

  // What validation and the sandbox refuse, case by case: limitsAgreement.test.ts.
});
